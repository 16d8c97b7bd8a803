//! Test harness of the Ollama Workshop Platform (dev-only).
//!
//! Starts the real gateway in-process on a random port over a fresh database — a SQLite file in
//! a temporary folder, or a brand-new PostgreSQL database that is dropped afterwards, each copied
//! from a migrated template built once per migration set — so every HTTP test runs the same code
//! as production on both backends. PostgreSQL comes from `TEST_DATABASE_URL`, else
//! `postgres://postgres@127.0.0.1:5432/postgres`; when it does not answer the test fails saying
//! how to start it. It never skips.
//!
//! Vector tests opt in to a second server, PostgreSQL with the pgvector extension
//! (`TEST_PGVECTOR_URL`, else `postgres://postgres@127.0.0.1:5433/postgres`, started by
//! `make pgvector`): [`TestDatabase::create_pgvector`], or
//! `TestApp::builder(Backend::Postgres).pgvector()` for the app. It is not one of the backends
//! every test runs on.

mod app;
mod database;
mod outage;
mod probes;
mod proxy;
mod template;

pub use app::{ADMIN_PASSWORD, TestApp, TestAppBuilder, USER_PASSWORD};
pub use database::{
    Backend, TestDatabase, execute_sql, pgvector_admin_url, postgres_admin_url, tamper,
};
pub use outage::Outage;
pub use probes::Probes;
pub use proxy::TcpProxy;

/// Generates one test per backend from an `async fn name(backend: Backend)`, as `name::sqlite`
/// and `name::postgres`, so the test output names the backend that failed.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),+ $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    super::$name($crate::Backend::Sqlite).await
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    super::$name($crate::Backend::Postgres).await
                }
            }
        )+
    };
}
