//! The real gateway, in-process, on a random port.

use std::collections::HashMap;

use actix_web::dev::ServerHandle;
use owp_gateway::config::Config;
use owp_gateway::startup::{Application, ExtraRoutes, ServeOptions};
use owp_identity::bootstrap::{ADMIN_EMAIL, BootstrapReport};
use owp_ollama_client::fake::FakeOllama;
use serde_json::Value;

use crate::database::{Backend, TestDatabase};

/// A running gateway and a client for it.
pub struct TestApp {
    /// `http://127.0.0.1:<port>`.
    pub address: String,
    /// A client without redirects, so tests see exactly what the server said.
    pub client: reqwest::Client,
    handle: ServerHandle,
    database: owp_db::Database,
    database_url: String,
    bootstrap: Option<BootstrapReport>,
    ollama: FakeOllama,
    _test_database: Option<TestDatabase>,
}

/// The bootstrap admin's password in every test app.
pub const ADMIN_PASSWORD: &str = "admin-password-for-tests";

/// The password [`TestApp::user_token`] gives its users.
pub const USER_PASSWORD: &str = "user-password-for-tests";

/// Adjusts the environment and routes before the app starts.
pub struct TestAppBuilder {
    backend: Backend,
    env: HashMap<String, String>,
    database_url: Option<String>,
    extra_routes: Option<ExtraRoutes>,
    workers: usize,
    pgvector: bool,
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
            workers: 1,
            pgvector: false,
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

    /// The URL of the app's database, to start a second replica on it.
    pub fn database_url(&self) -> &str {
        &self.database_url
    }

    /// The app's database handle, for state the API does not expose.
    pub fn database(&self) -> &owp_db::Database {
        &self.database
    }

    /// The bootstrap admin's API key (the database was up at start).
    pub fn admin_api_key(&self) -> String {
        self.bootstrap
            .as_ref()
            .and_then(|b| b.api_key.clone())
            .expect("bootstrap ran at start")
    }

    /// Signs in and returns the whole token answer; panics unless it is 200.
    pub async fn login(&self, email: &str, password: &str) -> Value {
        let res = self
            .client
            .post(self.url("/api/v1/auth/login"))
            .json(&serde_json::json!({"email": email, "password": password}))
            .send()
            .await
            .expect("login request");
        let status = res.status();
        let body: Value = res.json().await.expect("login body");
        assert_eq!(status, 200, "login as {email} failed: {body}");
        body
    }

    /// An access token of the bootstrap admin.
    pub async fn admin_token(&self) -> String {
        self.login(ADMIN_EMAIL, ADMIN_PASSWORD).await["access_token"]
            .as_str()
            .expect("access_token")
            .to_owned()
    }

    /// Creates an active user in the admin's organization with `roles` and a password, signs it
    /// in, and returns its id and access token.
    pub async fn user_token(&self, email: &str, roles: &[&str]) -> (String, String) {
        let admin = self.admin_token().await;
        let res = self
            .send_as(
                &admin,
                reqwest::Method::POST,
                "/api/v1/users",
                Some(serde_json::json!({"email": email})),
            )
            .await;
        assert_eq!(res.status(), 201, "create {email}");
        let id = res.json::<Value>().await.expect("user body")["id"]
            .as_str()
            .expect("user id")
            .to_owned();
        for (method, path, body) in [
            (
                reqwest::Method::PATCH,
                format!("/api/v1/users/{id}"),
                serde_json::json!({"roles": roles}),
            ),
            (
                reqwest::Method::PUT,
                format!("/api/v1/users/{id}/password"),
                serde_json::json!({"password": USER_PASSWORD}),
            ),
        ] {
            let res = self.send_as(&admin, method, &path, Some(body)).await;
            assert!(
                res.status().is_success(),
                "set up {email}: {}",
                res.status()
            );
        }
        let token = self.login(email, USER_PASSWORD).await["access_token"]
            .as_str()
            .expect("access_token")
            .to_owned();
        (id, token)
    }

    /// `GET path` with a bearer token.
    pub async fn get_as(&self, token: &str, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .expect("request failed")
    }

    /// `method path` with a bearer token and an optional JSON body.
    pub async fn send_as(
        &self,
        token: &str,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> reqwest::Response {
        let request = self
            .client
            .request(method, self.url(path))
            .bearer_auth(token);
        let request = match body {
            Some(body) => request.json(&body),
            None => request,
        };
        request.send().await.expect("request failed")
    }

    /// `POST path` as a `multipart/form-data` upload: a `file` part named `file_name` holding
    /// `bytes`, then the text `fields` (a name may repeat).
    pub async fn upload_as(
        &self,
        token: &str,
        path: &str,
        file_name: &str,
        bytes: Vec<u8>,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        let mut form = reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(bytes).file_name(file_name.to_owned()),
        );
        for (name, value) in fields {
            form = form.text((*name).to_owned(), (*value).to_owned());
        }
        self.client
            .post(self.url(path))
            .bearer_auth(token)
            .multipart(form)
            .send()
            .await
            .expect("request failed")
    }

    /// The fake Ollama this app talks to, to script it and see what reached it.
    pub fn ollama(&self) -> &FakeOllama {
        &self.ollama
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

    /// Server worker threads (1 by default; benchmarks use more).
    pub fn workers(mut self, workers: usize) -> Self {
        self.workers = workers;
        self
    }

    /// Puts the app on a fresh migrated database of the PostgreSQL with pgvector
    /// ([`TestDatabase::create_pgvector`]) instead of the backend's usual server. Only for
    /// `Backend::Postgres`: pgvector is PostgreSQL, on another server.
    pub fn pgvector(mut self) -> Self {
        assert_eq!(
            self.backend,
            Backend::Postgres,
            "pgvector is a PostgreSQL server: build the app with Backend::Postgres"
        );
        self.pgvector = true;
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
                let db = if self.pgvector {
                    TestDatabase::create_pgvector()
                } else {
                    TestDatabase::create(self.backend)
                };
                let url = db.url().to_owned();
                (Some(db), url)
            }
        };
        let ollama = FakeOllama::start().await.expect("fake Ollama starts");
        let ollama_url = ollama.url();
        let mut env: HashMap<String, String> = [
            ("DATABASE_URL", url.as_str()),
            ("BIND", "127.0.0.1"),
            ("PORT", "0"),
            ("OLLAMA_BASE_URL", ollama_url.as_str()),
            ("DB_POOL_TIMEOUT_MS", "1000"),
            ("JWT_SECRET", "test-secret-test-secret-test-secret-0123"),
            ("RATE_LIMIT_PER_MINUTE", "100000"),
            ("ADMIN_BOOTSTRAP_PASSWORD", ADMIN_PASSWORD),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        env.extend(self.env);
        let config =
            Config::from_lookup(|name| env.get(name).cloned()).expect("test configuration");
        let options = ServeOptions {
            workers: Some(self.workers),
            extra_routes: self.extra_routes,
        };
        let app = Application::build(&config, options)
            .await
            .expect("app start");
        let address = format!("http://{}", app.address());
        let handle = app.handle();
        let database = app.database().clone();
        let bootstrap = app.bootstrap_report().await;
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
            database_url: url,
            bootstrap,
            ollama,
            _test_database: test_database,
        }
    }
}
