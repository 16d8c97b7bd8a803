//! The PostgreSQL with pgvector of `make pgvector` (`TEST_PGVECTOR_URL`): the extension works
//! end to end through diesel, the migrations apply there, and the app runs on it.

use diesel::sql_types::{BigInt, Double, Text};
use diesel::{PgConnection, QueryableByName, RunQueryDsl};
use owp_db::{AnyConnection, DatabaseUrl};
use owp_testkit::{Backend, TestApp, TestDatabase, pgvector_admin_url};
use serde_json::Value;

fn connect(db: &TestDatabase) -> PgConnection {
    let url = DatabaseUrl::parse(db.url()).unwrap();
    match url.establish().unwrap() {
        AnyConnection::Pg(conn) => conn,
        AnyConnection::Sqlite(_) => panic!("a pgvector database is PostgreSQL"),
    }
}

#[derive(QueryableByName, Debug)]
struct Neighbour {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Double)]
    distance: f64,
}

/// One line of `EXPLAIN`'s output, a column named "QUERY PLAN".
#[derive(QueryableByName)]
struct PlanLine {
    #[diesel(sql_type = Text, column_name = "QUERY PLAN")]
    line: String,
}

#[test]
fn the_vector_extension_works_end_to_end() {
    let db = TestDatabase::create_pgvector();
    assert!(db.is_pgvector());
    assert_eq!(db.backend(), Backend::Postgres);
    let mut conn = connect(&db);

    // A copy of the migrated template; the extension is not there until someone creates it.
    let mut any = AnyConnection::Pg(connect(&db));
    assert_eq!(owp_db::pending_migrations(&mut any).unwrap(), 0);
    drop(any);
    assert_eq!(
        scalar(
            &mut conn,
            "SELECT count(*)::text AS value FROM pg_extension WHERE extname = 'vector'"
        ),
        "0"
    );

    for sql in [
        "CREATE EXTENSION IF NOT EXISTS vector",
        "CREATE TABLE items (id bigint PRIMARY KEY, embedding vector(3) NOT NULL)",
        "CREATE INDEX items_embedding_idx ON items USING hnsw (embedding vector_cosine_ops)",
        "INSERT INTO items (id, embedding) VALUES \
         (4, '[0,0,1]'), (2, '[0.9,0.1,0]'), (5, '[-1,0,0]'), (1, '[1,0,0]'), (3, '[0.5,0.5,0]')",
    ] {
        diesel::sql_query(sql)
            .execute(&mut conn)
            .unwrap_or_else(|err| panic!("{sql}: {err}"));
    }

    let nearest = "SELECT id, embedding <=> $1::vector AS distance FROM items \
                   ORDER BY embedding <=> $1::vector LIMIT 5";
    // With a sequential scan off the table, the nearest rows come through the HNSW index.
    diesel::sql_query("SET enable_seqscan = off")
        .execute(&mut conn)
        .unwrap();
    let literal = nearest.replace("$1", "'[1,0,0]'");
    let plan = diesel::sql_query(format!("EXPLAIN (COSTS OFF) {literal}"))
        .load::<PlanLine>(&mut conn)
        .unwrap()
        .into_iter()
        .map(|l| l.line)
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        plan.contains("Index Scan using items_embedding_idx"),
        "{plan}"
    );
    let found = diesel::sql_query(nearest)
        .bind::<Text, _>("[1,0,0]")
        .load::<Neighbour>(&mut conn)
        .unwrap();
    assert_eq!(
        found.iter().map(|n| n.id).collect::<Vec<_>>(),
        [1, 2, 3, 4, 5],
        "{found:?}"
    );
    assert!(found[0].distance.abs() < 1e-6, "{found:?}");
    assert!((found[3].distance - 1.0).abs() < 1e-6, "{found:?}");
    assert!((found[4].distance - 2.0).abs() < 1e-6, "{found:?}");

    diesel::sql_query("RESET enable_seqscan")
        .execute(&mut conn)
        .unwrap();

    // The column's dimension is enforced.
    let wrong = diesel::sql_query("INSERT INTO items (id, embedding) VALUES (6, '[1,2]')")
        .execute(&mut conn)
        .unwrap_err();
    assert!(wrong.to_string().contains("dimensions"), "{wrong}");
}

#[derive(QueryableByName)]
struct Scalar {
    #[diesel(sql_type = Text)]
    value: String,
}

fn scalar(conn: &mut PgConnection, sql: &str) -> String {
    diesel::sql_query(sql)
        .get_result::<Scalar>(conn)
        .unwrap_or_else(|err| panic!("{sql}: {err}"))
        .value
}

#[test]
fn every_migration_applies_on_the_pgvector_server() {
    let db = TestDatabase::create_pgvector_empty();
    let mut conn = AnyConnection::Pg(connect(&db));
    let on_disk = std::fs::read_dir(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../migrations/postgres"
    ))
    .unwrap()
    .filter(|entry| entry.as_ref().unwrap().path().is_dir())
    .count();
    assert_eq!(owp_db::run_migrations(&mut conn).unwrap(), on_disk);
    assert_eq!(owp_db::pending_migrations(&mut conn).unwrap(), 0);

    // The migrated schema and the extension side by side, on the bundled PostgreSQL.
    let AnyConnection::Pg(mut conn) = conn else {
        unreachable!()
    };
    diesel::sql_query("CREATE EXTENSION IF NOT EXISTS vector")
        .execute(&mut conn)
        .unwrap();
    let version = scalar(
        &mut conn,
        "SELECT current_setting('server_version') AS value",
    );
    let vector = scalar(
        &mut conn,
        "SELECT extversion AS value FROM pg_extension WHERE extname = 'vector'",
    );
    println!("PostgreSQL {version}, pgvector {vector}");
    let major: u32 = version.split('.').next().unwrap().parse().unwrap();
    assert!(
        major >= 13,
        "pgvector needs PostgreSQL 13 or later: {version}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_app_runs_on_the_pgvector_server() {
    let app = TestApp::builder(Backend::Postgres).pgvector().spawn().await;
    let server = pgvector_admin_url();
    let authority = |url: &str| url.split('/').nth(2).map(str::to_owned);
    assert_eq!(authority(app.database_url()), authority(&server));

    let res = app.get("/readyz").await;
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["database"]["backend"], "postgres");
    assert_eq!(body["database"]["pending_migrations"], 0);

    // Bootstrap wrote the admin; signing in and listing users reads and writes the schema.
    let token = app.admin_token().await;
    let res = app.get_as(&token, "/api/v1/users").await;
    assert_eq!(res.status(), 200);
}
