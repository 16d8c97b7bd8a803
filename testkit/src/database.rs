//! Fresh databases per test.

use diesel::{Connection, PgConnection, RunQueryDsl};
use tempfile::TempDir;

use crate::template;

/// Which engine a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// A SQLite file in a temporary folder.
    Sqlite,
    /// A fresh PostgreSQL database.
    Postgres,
}

/// The server tests create their databases on. Tests talk to it without TLS unless the URL
/// asks for it: libpq's OpenSSL cleans up its global state in an `atexit` handler, and a test
/// process exits while its pool threads may still close TLS connections, which crashed test
/// processes after they had passed ("double free or corruption").
pub fn postgres_admin_url() -> String {
    let url = std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| "postgres://postgres@127.0.0.1:5432/postgres".to_owned());
    without_tls(&url)
}

/// The PostgreSQL with the pgvector extension that vector tests create their databases on:
/// `TEST_PGVECTOR_URL`, else `postgres://postgres@127.0.0.1:5433/postgres`, the server
/// `make pgvector` (`scripts/pgvector-server.sh`) starts. Without TLS, as [`postgres_admin_url`].
pub fn pgvector_admin_url() -> String {
    let url = std::env::var("TEST_PGVECTOR_URL")
        .ok()
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| "postgres://postgres@127.0.0.1:5433/postgres".to_owned());
    without_tls(&url)
}

/// Which PostgreSQL server a test database lives on. Both are `Backend::Postgres` to the app:
/// the pgvector one is only another server, with the `vector` extension available.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PgServer {
    /// `TEST_DATABASE_URL`, the server every PostgreSQL test runs on.
    Main,
    /// `TEST_PGVECTOR_URL`, PostgreSQL with pgvector, for the vector tests that opt in.
    Pgvector,
}

impl PgServer {
    /// The URL of the server's `postgres` database, for creating and dropping test databases.
    pub(crate) fn admin_url(self) -> String {
        match self {
            Self::Main => postgres_admin_url(),
            Self::Pgvector => pgvector_admin_url(),
        }
    }

    /// Connects to the server's admin database; panics saying how to start the server.
    fn connect_admin(self) -> PgConnection {
        connect_admin_at(self, &self.admin_url())
    }
}

/// `url` with `sslmode=disable` added, unless it names an `sslmode` itself.
fn without_tls(url: &str) -> String {
    if url.contains("sslmode=") {
        url.to_owned()
    } else if url.contains('?') {
        format!("{url}&sslmode=disable")
    } else {
        format!("{url}?sslmode=disable")
    }
}

/// A database that exists only for one test: the SQLite file's folder is removed and the
/// PostgreSQL database dropped when this value is dropped.
pub struct TestDatabase {
    backend: Backend,
    url: String,
    dir: TempDir,
    /// The PostgreSQL database's server and name, dropped with this value.
    postgres: Option<(PgServer, String)>,
}

impl TestDatabase {
    /// Creates a database with every migration applied, copied from this migration set's
    /// template (built once and shared by every test process, see `template.rs`).
    pub fn create(backend: Backend) -> Self {
        Self::new(backend, true)
    }

    /// Creates an empty database (no migrations run yet), for tests of migrating itself.
    pub fn create_empty(backend: Backend) -> Self {
        Self::new(backend, false)
    }

    /// Creates a database on the PostgreSQL with pgvector (`TEST_PGVECTOR_URL`, started by
    /// `make pgvector`) with every migration applied, copied from that server's own template.
    /// To the app it is `Backend::Postgres`; the `vector` extension is available but not
    /// created (as on a fresh production database). Panics, saying to run `make pgvector`,
    /// when that server does not answer: a vector test never skips.
    pub fn create_pgvector() -> Self {
        Self::new_postgres(PgServer::Pgvector, true)
    }

    /// [`TestDatabase::create_pgvector`] without migrations, for tests of migrating itself.
    pub fn create_pgvector_empty() -> Self {
        Self::new_postgres(PgServer::Pgvector, false)
    }

    fn new(backend: Backend, migrated: bool) -> Self {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("cannot create a temporary folder");
                let path = dir.path().join("owp.db");
                if migrated {
                    template::copy_sqlite(&path);
                }
                let url = format!("sqlite://{}", path.display());
                Self {
                    backend,
                    url,
                    dir,
                    postgres: None,
                }
            }
            Backend::Postgres => Self::new_postgres(PgServer::Main, migrated),
        }
    }

    fn new_postgres(server: PgServer, migrated: bool) -> Self {
        let dir = tempfile::tempdir().expect("cannot create a temporary folder");
        let name = format!("owp_test_{}", uuid::Uuid::now_v7().simple());
        let mut admin = server.connect_admin();
        if migrated {
            template::create_postgres_copy(&mut admin, &server.admin_url(), &name);
        } else {
            diesel::sql_query(format!("CREATE DATABASE {name}"))
                .execute(&mut admin)
                .expect("cannot create a test database");
        }
        let url = with_database_name(&server.admin_url(), &name);
        Self {
            backend: Backend::Postgres,
            url,
            dir,
            postgres: Some((server, name)),
        }
    }

    /// Whether this database lives on the PostgreSQL with pgvector.
    pub fn is_pgvector(&self) -> bool {
        matches!(self.postgres, Some((PgServer::Pgvector, _)))
    }

    /// The engine.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The URL the app is given.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// A folder that lives as long as this database, for files a test needs.
    pub fn dir(&self) -> &std::path::Path {
        self.dir.path()
    }

    /// The same PostgreSQL database reached through `host:port` (a proxy).
    pub fn url_via(&self, address: std::net::SocketAddr) -> String {
        replace_host(&self.url, &address.to_string())
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Some((server, name)) = &self.postgres
            && let Ok(mut admin) = PgConnection::establish(&server.admin_url())
        {
            let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .execute(&mut admin);
        }
    }
}

fn connect_admin_at(server: PgServer, url: &str) -> PgConnection {
    PgConnection::establish(url).unwrap_or_else(|err| match server {
        PgServer::Main => panic!(
            "PostgreSQL is not reachable at {url}: {err}\n\
             Every test runs on PostgreSQL as well as SQLite and never skips. Start the server \
             (`pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`, or \
             `bash .ci/run` which does it for you), or point TEST_DATABASE_URL at one."
        ),
        PgServer::Pgvector => panic!(
            "PostgreSQL with pgvector is not reachable at {url}: {err}\n\
             The vector tests need it and never skip. Run `make pgvector` (it starts \
             scripts/pgvector-server.sh's server on 127.0.0.1:5433; `make test` and \
             `bash .ci/run` do it for you), or point TEST_PGVECTOR_URL at a PostgreSQL with \
             the vector extension."
        ),
    })
}

/// `postgres://u@h:5432/postgres?x=y` → `postgres://u@h:5432/<name>?x=y`.
pub(crate) fn with_database_name(url: &str, name: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let (scheme, rest) = base.split_once("://").unwrap_or(("postgres", base));
    let authority = rest.split('/').next().unwrap_or(rest);
    let mut out = format!("{scheme}://{authority}/{name}");
    if let Some(query) = query {
        out.push('?');
        out.push_str(query);
    }
    out
}

/// Swaps the `host:port` of a PostgreSQL URL, keeping user, database and parameters.
fn replace_host(url: &str, host_port: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("postgres", url));
    let (userinfo, after_user) = match rest.split_once('@') {
        Some((user, after)) => (Some(user), after),
        None => (None, rest),
    };
    let path = after_user.find(['/', '?']).map_or("", |i| &after_user[i..]);
    match userinfo {
        Some(user) => format!("{scheme}://{user}@{host_port}{path}"),
        None => format!("{scheme}://{host_port}{path}"),
    }
}

/// `host:port` of a PostgreSQL URL (default port 5432).
pub(crate) fn host_port(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let after_user = rest.rsplit_once('@').map_or(rest, |(_, a)| a);
    let authority = after_user.split(['/', '?']).next().unwrap_or(after_user);
    if authority.contains(':') {
        authority.to_owned()
    } else {
        format!("{authority}:5432")
    }
}

impl TestDatabase {
    /// A pool on this database with every migration applied, for store-level tests.
    pub async fn migrated(&self) -> owp_db::Database {
        let url = owp_db::DatabaseUrl::parse(self.url()).expect("test database URL");
        let db = owp_db::Database::new(&url, owp_db::PoolOptions::default());
        db.migrate_within(std::time::Duration::from_secs(5))
            .await
            .expect("migrations run");
        db
    }
}

/// Runs raw SQL statements on either backend: for tests that change rows behind the store's
/// back (tampering, expiry) or create scratch tables.
pub fn execute_sql(conn: &mut owp_db::AnyConnection, sql: &str) -> Result<(), owp_db::StoreError> {
    use diesel::connection::SimpleConnection;
    match conn {
        owp_db::AnyConnection::Pg(c) => c.batch_execute(sql),
        owp_db::AnyConnection::Sqlite(c) => c.batch_execute(sql),
    }
    .map_err(owp_db::StoreError::from)
}

/// [`execute_sql`] through a running app's pool; panics when the SQL fails.
pub async fn tamper(db: &owp_db::Database, sql: impl Into<String>) {
    let sql = sql.into();
    db.run(move |conn| execute_sql(conn, &sql))
        .await
        .expect("raw SQL runs");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rewrites_postgres_urls() {
        assert_eq!(
            with_database_name("postgres://postgres@127.0.0.1:5432/postgres", "t1"),
            "postgres://postgres@127.0.0.1:5432/t1"
        );
        assert_eq!(
            with_database_name("postgres://u:p@h/db?sslmode=disable", "t2"),
            "postgres://u:p@h/t2?sslmode=disable"
        );
        assert_eq!(
            without_tls("postgres://u@h/db"),
            "postgres://u@h/db?sslmode=disable"
        );
        assert_eq!(
            without_tls("postgres://u@h/db?a=b"),
            "postgres://u@h/db?a=b&sslmode=disable"
        );
        assert_eq!(
            without_tls("postgres://u@h/db?sslmode=require"),
            "postgres://u@h/db?sslmode=require"
        );
        assert_eq!(
            replace_host("postgres://u@127.0.0.1:5432/t1", "127.0.0.1:9999"),
            "postgres://u@127.0.0.1:9999/t1"
        );
        assert_eq!(host_port("postgres://u:p@db/x"), "db:5432");
        assert_eq!(host_port("postgres://u@127.0.0.1:5433/x"), "127.0.0.1:5433");
    }

    #[test]
    fn an_unreachable_pgvector_server_fails_saying_to_run_make_pgvector() {
        // A port nobody listens on: bound, then released.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let url = format!("postgres://postgres@127.0.0.1:{port}/postgres?sslmode=disable");
        let panic = std::panic::catch_unwind(|| connect_admin_at(PgServer::Pgvector, &url))
            .err()
            .expect("connecting to a closed port fails");
        let message = panic
            .downcast_ref::<String>()
            .expect("a formatted panic message");
        assert!(message.contains("make pgvector"), "{message}");
        assert!(message.contains("TEST_PGVECTOR_URL"), "{message}");
    }
}
