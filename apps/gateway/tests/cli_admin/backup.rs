//! `owp backup` and `owp restore`: SQLite copied while serving and put back only when intact;
//! PostgreSQL pointed at its own tools.

use std::io::Write;

use owp_testkit::{Backend, TestDatabase};

use crate::run::{assert_chain_intact, exported, listed, owp, refused};

/// Backs the database at `url` up while its app serves, restores the copy into a new file and
/// finds the app's state there.
pub(crate) async fn backup_while_serving(url: &str) {
    let dir = tempfile::tempdir().unwrap();
    let backup = dir.path().join("live.db");
    let backup = backup.to_str().unwrap();
    owp(url, &["backup", backup], None).await.ok();
    let restored = format!("sqlite://{}", dir.path().join("restored.db").display());
    owp(&restored, &["restore", backup], None).await.ok();
    let list = owp(&restored, &["api-key", "list", "erin@example.com"], None)
        .await
        .ok();
    assert!(list.stdout.contains("\trevoked\t"), "{}", list.stdout);
    assert_chain_intact(&restored).await;
}

/// A seeded SQLite database in a folder of its own, and that folder for backups.
async fn seeded_sqlite() -> (TestDatabase, tempfile::TempDir) {
    let db = TestDatabase::create(Backend::Sqlite);
    owp(db.url(), &["seed"], None).await.ok();
    (db, tempfile::tempdir().unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_backup_and_restore_round_trip() {
    let (db, dir) = seeded_sqlite().await;
    let url = db.url();
    owp(url, &["user", "create", "before@example.com"], None)
        .await
        .ok();
    let backup = dir.path().join("owp-backup.db");
    let backup = backup.to_str().unwrap();
    let done = owp(url, &["backup", backup], None).await.ok();
    assert!(done.stdout.contains("2 users"), "{}", done.stdout);
    refused(url, &["backup", backup], None, 2, "already exists").await;

    owp(url, &["user", "create", "after@example.com"], None)
        .await
        .ok();
    refused(url, &["restore", backup], None, 2, "--force").await;
    assert!(
        listed(url, "after@example.com", &[]).await.is_some(),
        "untouched"
    );

    owp(url, &["restore", backup, "--force"], None).await.ok();
    assert!(listed(url, "before@example.com", &[]).await.is_some());
    assert!(listed(url, "after@example.com", &[]).await.is_none());
    assert_chain_intact(url).await;
    let events = exported(url).await;
    assert!(
        events
            .iter()
            .all(|e| e["detail"]["email"] != "after@example.com")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restore_refuses_what_is_not_an_owp_database() {
    let (db, dir) = seeded_sqlite().await;
    let url = db.url();
    let garbage = dir.path().join("garbage.db");
    std::fs::File::create(&garbage)
        .unwrap()
        .write_all(&[0x42; 8192])
        .unwrap();
    let foreign = dir.path().join("foreign.db");
    {
        use diesel::{Connection, connection::SimpleConnection};
        let mut conn = diesel::SqliteConnection::establish(foreign.to_str().unwrap()).unwrap();
        conn.batch_execute("CREATE TABLE notes (body TEXT)")
            .unwrap();
    }
    for (file, says) in [
        (&garbage, "not a database"),
        (&foreign, "no migrations table"),
    ] {
        let file = file.to_str().unwrap();
        refused(url, &["restore", file, "--force"], None, 1, says).await;
    }
    refused(
        url,
        &["restore", "/nonexistent/backup.db", "--force"],
        None,
        1,
        "no backup",
    )
    .await;
    assert!(
        listed(url, "admin@example.com", &[]).await.is_some(),
        "kept as it was"
    );
    assert_chain_intact(url).await;
    let leftovers: Vec<_> = std::fs::read_dir(db.dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.contains("restore"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[tokio::test]
async fn postgres_is_pointed_at_pg_dump_and_pg_restore() {
    let url = "postgres://app:s3cret@db.internal:5432/owp";
    let dump = owp(url, &["backup", "/backups/owp.dump"], None).await;
    assert_eq!(dump.code, 2, "{}", dump.stderr);
    assert!(
        dump.stderr.contains(
            "pg_dump --format=custom --no-owner --file='/backups/owp.dump' \
             --dbname='postgres://app:***@db.internal:5432/owp'"
        ),
        "{}",
        dump.stderr
    );
    let restore = owp(url, &["restore", "/backups/owp.dump"], None).await;
    assert_eq!(restore.code, 2, "{}", restore.stderr);
    assert!(
        restore.stderr.contains(
            "pg_restore --clean --if-exists --no-owner \
             --dbname='postgres://app:***@db.internal:5432/owp' '/backups/owp.dump'"
        ),
        "{}",
        restore.stderr
    );
    for run in [dump, restore] {
        assert!(!run.stderr.contains("s3cret") && run.stdout.is_empty());
    }
}
