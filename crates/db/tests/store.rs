//! `StoreError` classification and schema parity, on real SQLite and PostgreSQL databases.

use std::collections::BTreeSet;
use std::sync::{Arc, Barrier};
use std::time::Duration;

use diesel::RunQueryDsl;
use diesel::sql_types::{Bool, Text};
use owp_db::{AnyConnection, Database, DatabaseUrl, PoolOptions, StoreError};
use owp_testkit::{Backend, Outage, TestDatabase, execute_sql, on_both_backends};

on_both_backends!(
    errors_are_told_apart,
    migrations_are_idempotent_and_ready,
    unreachable_database_is_unavailable,
);

async fn errors_are_told_apart(backend: Backend) {
    let test_db = TestDatabase::create(backend);
    let db = test_db.migrated().await;
    let outcome = db
        .run(|conn| {
            execute_sql(
                conn,
                "CREATE TABLE parents (id TEXT PRIMARY KEY NOT NULL, code TEXT NOT NULL UNIQUE);
                 CREATE TABLE children (id TEXT PRIMARY KEY NOT NULL,
                     parent_id TEXT NOT NULL REFERENCES parents (id));
                 INSERT INTO parents (id, code) VALUES ('p1', 'alpha');",
            )?;
            let duplicate = execute_sql(
                conn,
                "INSERT INTO parents (id, code) VALUES ('p2', 'alpha')",
            );
            let dangling = execute_sql(
                conn,
                "INSERT INTO children (id, parent_id) VALUES ('c1', 'nope')",
            );
            execute_sql(
                conn,
                "INSERT INTO children (id, parent_id) VALUES ('c2', 'p1')",
            )?;
            let in_use = execute_sql(conn, "DELETE FROM parents WHERE id = 'p1'");
            let missing = diesel::sql_query("SELECT code FROM parents WHERE id = 'zzz'")
                .get_result::<Code>(conn)
                .map_err(StoreError::from);
            Ok::<_, StoreError>((duplicate, dangling, in_use, missing.map(|c| c.code)))
        })
        .await
        .unwrap();
    let (duplicate, dangling, in_use, missing) = outcome;
    assert_eq!(
        duplicate,
        Err(StoreError::Conflict {
            field: "code".into()
        })
    );
    let expected_fk_field = match backend {
        Backend::Postgres => Some("parent_id".to_owned()),
        Backend::Sqlite => None,
    };
    assert_eq!(
        dangling,
        Err(StoreError::ForeignKey {
            field: expected_fk_field.clone()
        })
    );
    assert!(
        matches!(in_use, Err(StoreError::ForeignKey { .. })),
        "{in_use:?}"
    );
    assert_eq!(missing, Err(StoreError::NotFound));
}

#[derive(diesel::QueryableByName)]
struct Code {
    #[diesel(sql_type = Text)]
    code: String,
}

async fn migrations_are_idempotent_and_ready(backend: Backend) {
    let test_db = TestDatabase::create(backend);
    let db = test_db.migrated().await;
    let again = Database::new(
        &DatabaseUrl::parse(test_db.url()).unwrap(),
        PoolOptions::default(),
    );
    assert_eq!(again.migrate_within(Duration::from_secs(5)).await, Ok(0));
    let readiness = db.readiness(Duration::from_secs(2)).await;
    assert!(readiness.is_ready(), "{readiness:?}");
    assert_eq!(readiness.pending_migrations, Some(0));
}

async fn unreachable_database_is_unavailable(backend: Backend) {
    let outage = Outage::start_down(backend).await;
    let options = PoolOptions {
        max_size: 2,
        acquire_timeout: Duration::from_millis(300),
        ..PoolOptions::default()
    };
    let db = Database::new(&DatabaseUrl::parse(outage.url()).unwrap(), options);
    let before = db.run(|_| Ok::<_, StoreError>(())).await;
    assert!(
        matches!(before, Err(StoreError::Unavailable(_))),
        "not migrated yet: {before:?}"
    );
    let migrate = db.migrate_within(Duration::from_millis(300)).await;
    assert!(
        matches!(migrate, Err(StoreError::Unavailable(_))),
        "{migrate:?}"
    );
    let readiness = db.readiness(Duration::from_millis(300)).await;
    assert!(
        !readiness.reachable && readiness.error.is_some(),
        "{readiness:?}"
    );

    outage.restore();
    let applied = db.migrate_within(Duration::from_secs(5)).await;
    assert!(matches!(applied, Ok(n) if n > 0), "{applied:?}");
    assert_eq!(db.run(|_| Ok::<_, StoreError>(7)).await, Ok(7));
}

/// Both migration trees must produce the same tables, columns and nullability. The lexical
/// indexes are left out: SQLite's FTS5 table `document_chunks_fts` (and its shadow tables) and
/// PostgreSQL's stored tsvector column `document_chunks.lexemes`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_dialects_produce_the_same_schema() {
    let sqlite_db = TestDatabase::create(Backend::Sqlite);
    let postgres_db = TestDatabase::create(Backend::Postgres);
    let sqlite = columns(&sqlite_db.migrated().await).await;
    let postgres = columns(&postgres_db.migrated().await).await;
    assert!(
        sqlite
            .iter()
            .any(|c| c.0 == "organizations" && c.1 == "slug")
    );
    assert_eq!(sqlite, postgres);
}

#[derive(diesel::QueryableByName)]
struct Column {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
    #[diesel(sql_type = Bool)]
    nullable: bool,
}

async fn columns(db: &Database) -> BTreeSet<(String, String, bool)> {
    let rows = db
        .run(|conn| {
            match conn {
                AnyConnection::Pg(c) => diesel::sql_query(
                    "SELECT table_name::text AS table_name, column_name::text AS column_name,
                            (is_nullable = 'YES') AS nullable
                     FROM information_schema.columns
                     WHERE table_schema = 'public' AND table_name <> '__diesel_schema_migrations'
                       AND NOT (table_name = 'document_chunks' AND column_name = 'lexemes')",
                )
                .load::<Column>(c),
                AnyConnection::Sqlite(c) => diesel::sql_query(
                    "SELECT m.name AS table_name, p.name AS column_name,
                            (p.\"notnull\" = 0 AND p.pk = 0) AS nullable
                     FROM sqlite_master m JOIN pragma_table_info(m.name) p
                     WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'
                       AND m.name <> '__diesel_schema_migrations'
                       AND m.name NOT LIKE 'document_chunks_fts%'",
                )
                .load::<Column>(c),
            }
            .map_err(StoreError::from)
        })
        .await
        .unwrap();
    rows.into_iter()
        .map(|c| (c.table_name, c.column_name, c.nullable))
        .collect()
}

#[derive(diesel::QueryableByName)]
struct CompileOption {
    #[diesel(sql_type = Text)]
    compile_options: String,
}

/// The bundled SQLite carries the build flags of `.cargo/config.toml`: with its query planner
/// stability guarantee a bound `LIMIT ?` no longer expires the cached statement on every page
/// read (docs/decisions.md). A build outside the checkout, or an environment overriding
/// `LIBSQLITE3_FLAGS`, would lose it silently; this says so.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_is_built_with_the_planner_stability_guarantee() {
    let database = TestDatabase::create(Backend::Sqlite);
    let db = database.migrated().await;
    let options = db
        .run(|conn| match conn {
            AnyConnection::Sqlite(c) => diesel::sql_query("PRAGMA compile_options")
                .load::<CompileOption>(c)
                .map_err(StoreError::from),
            AnyConnection::Pg(_) => unreachable!("a SQLite test database"),
        })
        .await
        .unwrap();
    let options: Vec<String> = options.into_iter().map(|o| o.compile_options).collect();
    assert!(
        options.iter().any(|o| o == "ENABLE_QPSG"),
        "compile options: {options:?}"
    );
}

#[derive(diesel::QueryableByName)]
struct BackendPid {
    #[diesel(sql_type = diesel::sql_types::Integer)]
    pid: i32,
}

/// A PostgreSQL pool of `max_size` connections that count as idle after `ping_idle_after`.
async fn postgres_pool(
    database: &TestDatabase,
    max_size: u32,
    ping_idle_after: Duration,
) -> Database {
    let options = PoolOptions {
        max_size,
        ping_idle_after,
        ..PoolOptions::default()
    };
    let db = Database::new(&DatabaseUrl::parse(database.url()).unwrap(), options);
    db.migrate_within(Duration::from_secs(5)).await.unwrap();
    db
}

/// The server process behind the pool's connection.
async fn backend_pid(db: &Database) -> Result<i32, StoreError> {
    db.run(|conn| {
        Ok(diesel::sql_query("SELECT pg_backend_pid() AS pid")
            .get_result::<BackendPid>(conn)?
            .pid)
    })
    .await
}

/// Ends that server process from another connection, waiting until it has gone.
async fn terminate(database: &TestDatabase, pid: i32) {
    let other = postgres_pool(database, 1, Duration::ZERO).await;
    other
        .run(move |conn| execute_sql(conn, &format!("SELECT pg_terminate_backend({pid}, 5000)")))
        .await
        .unwrap();
}

/// A connection idle past the limit is pinged at check-out: one the server closed meanwhile is
/// replaced before the caller sees it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idle_postgres_connection_the_server_closed_is_replaced_unseen() {
    let database = TestDatabase::create(Backend::Postgres);
    let db = postgres_pool(&database, 1, Duration::ZERO).await;
    let first = backend_pid(&db).await.unwrap();
    terminate(&database, first).await;
    let second = backend_pid(&db).await.expect("a fresh connection");
    assert_ne!(first, second);
}

/// A busy connection is not pinged; when the server closed it, the one call that finds out fails
/// and the connection is dropped: it is not handed out again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_busy_postgres_connection_the_server_closed_fails_once_then_is_replaced() {
    let database = TestDatabase::create(Backend::Postgres);
    let db = postgres_pool(&database, 1, Duration::from_secs(3600)).await;
    let first = backend_pid(&db).await.unwrap();
    terminate(&database, first).await;
    let failed = backend_pid(&db).await;
    assert!(
        failed.is_err(),
        "the closed connection answered: {failed:?}"
    );
    let second = backend_pid(&db).await.expect("a fresh connection");
    assert_ne!(first, second);
    assert_eq!(backend_pid(&db).await, Ok(second));
}

/// Both connections of a busy pool closed by the server (a restart): the call that finds the
/// first one dead fails; the other is pinged before its next use and replaced unseen.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_one_dead_postgres_connection_the_others_are_pinged_before_use() {
    let database = TestDatabase::create(Backend::Postgres);
    let db = postgres_pool(&database, 2, Duration::from_secs(3600)).await;
    let both_held = Arc::new(Barrier::new(2));
    let hold = |db: Database, barrier: Arc<Barrier>| async move {
        db.run(move |conn| {
            barrier.wait();
            Ok::<_, StoreError>(
                diesel::sql_query("SELECT pg_backend_pid() AS pid")
                    .get_result::<BackendPid>(conn)?
                    .pid,
            )
        })
        .await
    };
    let (a, b) = tokio::join!(
        hold(db.clone(), both_held.clone()),
        hold(db.clone(), both_held)
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_ne!(a, b, "two connections were held at once");
    terminate(&database, a).await;
    terminate(&database, b).await;

    let failed = backend_pid(&db).await;
    assert!(failed.is_err(), "a closed connection answered: {failed:?}");
    let fresh = backend_pid(&db)
        .await
        .expect("the other was replaced unseen");
    assert!(
        fresh != a && fresh != b,
        "{fresh} is one of the closed {a}, {b}"
    );
}
