//! A database that is unreachable on demand, on either backend.

use crate::database::{Backend, TestDatabase, host_port, postgres_admin_url};
use crate::proxy::TcpProxy;

/// A fresh database the app reaches through something a test can break and mend: a proxy for
/// PostgreSQL, a not-yet-existing folder for SQLite (which can only be missing at start).
pub struct Outage {
    database: TestDatabase,
    proxy: Option<TcpProxy>,
    url: String,
}

impl Outage {
    /// A database that is unreachable until [`Outage::restore`].
    pub async fn start_down(backend: Backend) -> Self {
        // Empty: the app (or test) migrates it once it comes up, as on a first deployment.
        let database = TestDatabase::create_empty(backend);
        match backend {
            Backend::Postgres => {
                let proxy = TcpProxy::start(&host_port(&postgres_admin_url()), false).await;
                let url = database.url_via(proxy.address());
                Self {
                    database,
                    proxy: Some(proxy),
                    url,
                }
            }
            Backend::Sqlite => {
                let path = database.dir().join("not-yet").join("owp.db");
                let url = format!("sqlite://{}", path.display());
                Self {
                    database,
                    proxy: None,
                    url,
                }
            }
        }
    }

    /// A PostgreSQL database that is reachable until [`Outage::interrupt`].
    pub async fn start_up_postgres() -> Self {
        let database = TestDatabase::create(Backend::Postgres);
        let proxy = TcpProxy::start(&host_port(&postgres_admin_url()), true).await;
        let url = database.url_via(proxy.address());
        Self {
            database,
            proxy: Some(proxy),
            url,
        }
    }

    /// The URL to give the app.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Makes the database reachable.
    pub fn restore(&self) {
        match &self.proxy {
            Some(proxy) => proxy.come_up(),
            None => std::fs::create_dir_all(self.database.dir().join("not-yet"))
                .expect("cannot create the SQLite folder"),
        }
    }

    /// Cuts a PostgreSQL database off, open connections included.
    pub fn interrupt(&self) {
        self.proxy
            .as_ref()
            .expect("only a proxied PostgreSQL database can be interrupted")
            .go_down();
    }
}
