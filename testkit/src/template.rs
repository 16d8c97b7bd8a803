//! Migrated templates, so a test database is a copy instead of a fresh migration run (the idea
//! of crates.io's test databases).
//!
//! A template is named after a hash of the migration files of both dialects, so a changed
//! migration gets a new one. It is built once per migration set and shared by every test
//! process: on PostgreSQL a database `owp_template_<hash>` marked `IS_TEMPLATE` that nobody may
//! connect to, copied with `CREATE DATABASE … TEMPLATE`; on SQLite a file in the system's
//! temporary folder, copied as a file. Both are built under a temporary name and appear under
//! their real name only once fully migrated (a rename), and PostgreSQL builders take an
//! advisory lock so two processes never build the same template at once.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use diesel::sql_types::{BigInt, Bool, Text};
use diesel::{Connection, PgConnection, QueryableByName, RunQueryDsl};
use sha2::{Digest, Sha256};

use crate::database::with_database_name;

/// Held (on the admin database) by the one process building a PostgreSQL template.
const TEMPLATE_LOCK_KEY: i64 = 0x006f_7770_5f74_706c;

/// Templates of other migration sets older than this are dropped when a new one is built; a
/// younger one may belong to another checkout running its tests beside this one.
const STALE_AFTER: Duration = Duration::from_secs(24 * 60 * 60);

/// How often a copy or rename is retried while PostgreSQL still counts a session that just
/// left (a closed connection's server process exits a moment later), 100 ms apart.
const BUSY_RETRIES: u32 = 100;

const PREFIX: &str = "owp_template_";

/// A short hash of every file under `migrations/` (both dialects), paths included.
fn migrations_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../migrations");
        let mut files = Vec::new();
        collect_files(&root, &mut files);
        files.sort();
        assert!(!files.is_empty(), "no migrations under {}", root.display());
        let mut hasher = Sha256::new();
        for file in files {
            let relative = file.strip_prefix(&root).unwrap_or(&file);
            hasher.update(relative.to_string_lossy().as_bytes());
            hasher.update([0]);
            hasher.update(std::fs::read(&file).expect("cannot read a migration file"));
            hasher.update([0]);
        }
        let digest = hasher.finalize();
        digest[..8].iter().map(|b| format!("{b:02x}")).collect()
    })
}

fn collect_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let entries =
        std::fs::read_dir(dir).unwrap_or_else(|err| panic!("cannot list {}: {err}", dir.display()));
    for entry in entries {
        let path = entry.expect("cannot list the migrations").path();
        if path.is_dir() {
            collect_files(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// Creates PostgreSQL database `name` as a copy of the current template, building the
/// template first when this migration set has none yet. `admin` is a connection to
/// `admin_url`, the server's admin database (each server has its own template).
pub(crate) fn create_postgres_copy(admin: &mut PgConnection, admin_url: &str, name: &str) {
    let mut attempts = 0;
    loop {
        let template = postgres_template(admin, admin_url);
        let created =
            diesel::sql_query(format!("CREATE DATABASE {name} TEMPLATE {template}")).execute(admin);
        match created {
            Ok(_) => return,
            // Someone is connected to the template (a builder's session still closing), or
            // another checkout dropped it as stale since we looked: look again shortly.
            Err(err) if is_busy(&err) || is_missing(&err) => {
                attempts += 1;
                assert!(
                    attempts < BUSY_RETRIES,
                    "cannot copy template {template}: {err}"
                );
                std::thread::sleep(Duration::from_millis(100));
            }
            Err(err) => panic!("cannot create a test database from {template}: {err}"),
        }
    }
}

/// The name of the template of this migration set, built when missing.
fn postgres_template(admin: &mut PgConnection, admin_url: &str) -> String {
    let name = format!("{PREFIX}{}", migrations_hash());
    if template_exists(admin, &name) {
        return name;
    }
    diesel::sql_query(format!("SELECT pg_advisory_lock({TEMPLATE_LOCK_KEY})"))
        .execute(admin)
        .expect("cannot take the template lock");
    // Another process may have built it while this one waited for the lock.
    if !template_exists(admin, &name) {
        build_postgres_template(admin, admin_url, &name);
        drop_stale_postgres_templates(admin, &name);
    }
    diesel::sql_query(format!("SELECT pg_advisory_unlock({TEMPLATE_LOCK_KEY})"))
        .execute(admin)
        .expect("cannot release the template lock");
    name
}

#[derive(QueryableByName)]
struct Exists {
    #[diesel(sql_type = Bool)]
    exists: bool,
}

fn template_exists(admin: &mut PgConnection, name: &str) -> bool {
    diesel::sql_query(
        "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1 AND datistemplate) \
         AS exists",
    )
    .bind::<Text, _>(name)
    .get_result::<Exists>(admin)
    .expect("cannot look for the test template")
    .exists
}

/// Builds under a temporary name, migrates, closes, then renames: the template's name never
/// points at a half-migrated database. Called with the template lock held.
fn build_postgres_template(admin: &mut PgConnection, admin_url: &str, name: &str) {
    let building = format!("owp_building_{}", migrations_hash());
    // A builder that died half-way leaves its database behind; nobody else uses the name.
    diesel::sql_query(format!("DROP DATABASE IF EXISTS {building} WITH (FORCE)"))
        .execute(admin)
        .expect("cannot drop a half-built template");
    diesel::sql_query(format!("CREATE DATABASE {building}"))
        .execute(admin)
        .expect("cannot create the test template");
    {
        let url = with_database_name(admin_url, &building);
        let conn = PgConnection::establish(&url).expect("cannot connect to the test template");
        let mut conn = owp_db::AnyConnection::Pg(conn);
        owp_db::run_migrations(&mut conn).expect("the test template migrates");
    }
    let built_at = unix_seconds(SystemTime::now());
    let steps = [
        format!("COMMENT ON DATABASE {building} IS 'owp test template, built at {built_at}'"),
        format!("ALTER DATABASE {building} WITH ALLOW_CONNECTIONS false IS_TEMPLATE true"),
        format!("ALTER DATABASE {building} RENAME TO {name}"),
    ];
    for step in steps {
        execute_when_idle(admin, &step);
    }
}

/// Runs `sql`, retrying while the migration session just closed is still counted as connected.
fn execute_when_idle(admin: &mut PgConnection, sql: &str) {
    let mut attempts = 0;
    loop {
        match diesel::sql_query(sql).execute(admin) {
            Ok(_) => return,
            Err(err) if is_busy(&err) && attempts < BUSY_RETRIES => {
                attempts += 1;
                std::thread::sleep(Duration::from_millis(100));
            }
            Err(err) => panic!("cannot finish the test template ({sql}): {err}"),
        }
    }
}

#[derive(QueryableByName)]
struct Template {
    #[diesel(sql_type = Text)]
    datname: String,
    #[diesel(sql_type = BigInt)]
    built_at: i64,
}

/// Drops templates of other migration sets built more than [`STALE_AFTER`] ago. Best effort:
/// one being copied right now stays until next time.
fn drop_stale_postgres_templates(admin: &mut PgConnection, current: &str) {
    let cutoff = unix_seconds(SystemTime::now() - STALE_AFTER);
    let templates = diesel::sql_query(
        "SELECT datname, COALESCE(NULLIF(substring(shobj_description(oid, 'pg_database') \
         FROM 'built at ([0-9]+)'), ''), '0')::bigint AS built_at \
         FROM pg_database WHERE datistemplate AND datname LIKE 'owp\\_template\\_%'",
    )
    .load::<Template>(admin)
    .unwrap_or_default();
    for template in templates {
        if template.datname != current && template.built_at < cutoff {
            let name = template.datname;
            let _ = diesel::sql_query(format!("ALTER DATABASE {name} WITH IS_TEMPLATE false"))
                .execute(admin);
            let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS {name}")).execute(admin);
        }
    }
}

fn is_busy(err: &diesel::result::Error) -> bool {
    err.to_string().contains("is being accessed by other users")
}

fn is_missing(err: &diesel::result::Error) -> bool {
    err.to_string().contains("does not exist")
}

fn unix_seconds(at: SystemTime) -> i64 {
    at.duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// Writes a migrated SQLite database at `path` by copying this migration set's template file,
/// building the template first when missing.
pub(crate) fn copy_sqlite(path: &Path) {
    let template = sqlite_template();
    std::fs::copy(&template, path).unwrap_or_else(|err| {
        panic!(
            "cannot copy the SQLite template {}: {err}",
            template.display()
        )
    });
}

/// The template file of this migration set. Each process that finds it missing builds its own
/// under a unique name and renames it into place; a rename replaces atomically, so a reader
/// sees either no file or a whole one.
fn sqlite_template() -> PathBuf {
    let folder = std::env::temp_dir().join("owp-test-templates");
    let path = folder.join(format!("sqlite-{}.db", migrations_hash()));
    if path.exists() {
        return path;
    }
    std::fs::create_dir_all(&folder).expect("cannot create the template folder");
    let building = folder.join(format!("building-{}.db", uuid::Uuid::now_v7().simple()));
    {
        let url = format!("sqlite://{}", building.display());
        let url = owp_db::DatabaseUrl::parse(&url).expect("template URL");
        let mut conn = url.establish().expect("cannot open the SQLite template");
        owp_db::run_migrations(&mut conn).expect("the SQLite template migrates");
        // Everything into the main file, so the file alone is the whole database.
        crate::database::execute_sql(&mut conn, "PRAGMA wal_checkpoint(TRUNCATE)")
            .expect("cannot checkpoint the SQLite template");
    }
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", building.display()));
    }
    std::fs::rename(&building, &path).expect("cannot move the SQLite template into place");
    drop_stale_sqlite_templates(&folder, &path);
    path
}

fn drop_stale_sqlite_templates(folder: &Path, current: &Path) {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return;
    };
    let cutoff = SystemTime::now() - STALE_AFTER;
    for entry in entries.flatten() {
        let path = entry.path();
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .is_ok_and(|modified| modified < cutoff);
        if path != current && old {
            let _ = std::fs::remove_file(path);
        }
    }
}
