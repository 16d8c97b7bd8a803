//! The real gateway, in-process, on a random port.

use std::collections::HashMap;

use actix_web::dev::ServerHandle;
use owp_gateway::config::Config;
use owp_gateway::startup::{Application, ExtraRoutes, ServeOptions};

use crate::database::{Backend, TestDatabase};

/// A running gateway and a client for it.
pub struct TestApp {
    /// `http://127.0.0.1:<port>`.
    pub address: String,
    /// A client without redirects, so tests see exactly what the server said.
    pub client: reqwest::Client,
    handle: ServerHandle,
    database: owp_db::Database,
    _test_database: Option<TestDatabase>,
}

/// Adjusts the environment and routes before the app starts.
pub struct TestAppBuilder {
    backend: Backend,
    env: HashMap<String, String>,
    database_url: Option<String>,
    extra_routes: Option<ExtraRoutes>,
}

impl TestApp {
    /// The app on a fresh database of `backend` with default settings.
    pub async fn spawn(backend: Backend) -> Self {
        Self::builder(backend).spawn().await
    }

    /// Starts configuring an app.
    pub fn builder(backend: Backend) -> TestAppBuilder {
        TestAppBuilder {
            backend,
            env: HashMap::new(),
            database_url: None,
            extra_routes: None,
        }
    }

    /// Absolute URL of `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    /// `GET path`.
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("request failed")
    }

    /// The app's database handle, for state the API does not expose.
    pub fn database(&self) -> &owp_db::Database {
        &self.database
    }

    /// The server handle, to stop it.
    pub fn handle(&self) -> ServerHandle {
        self.handle.clone()
    }
}

impl TestAppBuilder {
    /// Sets an environment variable as the app will see it.
    pub fn env(mut self, name: &str, value: &str) -> Self {
        self.env.insert(name.to_owned(), value.to_owned());
        self
    }

    /// Uses this database URL instead of a fresh database (for outage tests).
    pub fn database_url(mut self, url: &str) -> Self {
        self.database_url = Some(url.to_owned());
        self
    }

    /// Mounts extra routes (see [`crate::Probes`]).
    pub fn routes(mut self, routes: ExtraRoutes) -> Self {
        self.extra_routes = Some(routes);
        self
    }

    /// Starts the app and waits until it listens.
    pub async fn spawn(self) -> TestApp {
        let (test_database, url) = match self.database_url {
            Some(url) => (None, url),
            None => {
                let db = TestDatabase::create(self.backend);
                let url = db.url().to_owned();
                (Some(db), url)
            }
        };
        let mut env: HashMap<String, String> = [
            ("DATABASE_URL", url.as_str()),
            ("BIND", "127.0.0.1"),
            ("PORT", "0"),
            ("OLLAMA_BASE_URL", "http://127.0.0.1:9"),
            ("DB_POOL_TIMEOUT_MS", "1000"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        env.extend(self.env);
        let config =
            Config::from_lookup(|name| env.get(name).cloned()).expect("test configuration");
        let options = ServeOptions {
            workers: Some(1),
            extra_routes: self.extra_routes,
        };
        let app = Application::build(&config, options)
            .await
            .expect("app start");
        let address = format!("http://{}", app.address());
        let handle = app.handle();
        let database = app.database().clone();
        tokio::spawn(app.run_until_stopped());
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        TestApp {
            address,
            client,
            handle,
            database,
            _test_database: test_database,
        }
    }
}
