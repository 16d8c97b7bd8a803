//! The two replicas, the ways in (each replica directly and nginx) and the users they share.

use owp_ollama_client::fake::FakeOllama;
use owp_testkit::{ADMIN_PASSWORD, Backend, TestDatabase, USER_PASSWORD};
use reqwest::{Client, Method, Response};
use serde_json::{Value, json};

use super::nginx::{Nginx, require_redis};
use super::support::Owp;
use super::{RATE_LIMIT, REDIS_URL, json_of, wait_until};

/// One way in: a replica directly or nginx.
pub(super) struct Door {
    pub(super) name: &'static str,
    pub(super) client: Client,
    pub(super) base: String,
}

impl Door {
    pub(super) async fn send(
        &self,
        token: &str,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> Response {
        let request = self
            .client
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(token);
        let request = match body {
            Some(body) => request.json(&body),
            None => request,
        };
        request
            .send()
            .await
            .unwrap_or_else(|e| panic!("{} {path}: {e}", self.name))
    }

    pub(super) async fn get(&self, token: &str, path: &str) -> Response {
        self.send(token, Method::GET, path, None).await
    }

    /// Signs in and returns the access token.
    pub(super) async fn login(&self, email: &str, password: &str) -> String {
        let res = self
            .client
            .post(format!("{}/api/v1/auth/login", self.base))
            .json(&json!({"email": email, "password": password}))
            .send()
            .await
            .expect("login request");
        assert_eq!(res.status(), 200, "login as {email} on {}", self.name);
        json_of(res).await["access_token"]
            .as_str()
            .expect("access_token")
            .to_owned()
    }

    /// `127.0.0.1:<port>`, as nginx names its upstream.
    pub(super) fn host_port(&self) -> String {
        self.base.trim_start_matches("http://").to_owned()
    }
}

/// The replicas A and B, nginx in front of them, their fake Ollama and database.
pub(super) struct Cluster {
    /// A and B (dropped, so killed, before the database).
    pub(super) replicas: Vec<Owp>,
    /// A and B directly.
    pub(super) doors: [Door; 2],
    /// nginx's TLS server.
    pub(super) front: Door,
    pub(super) nginx: Nginx,
    pub(super) ollama: FakeOllama,
    /// The bootstrap admin's API key, printed by A at its first start.
    pub(super) admin_key: String,
    _database: TestDatabase,
}

impl Cluster {
    pub(super) async fn start() -> Self {
        require_redis().await;
        let database = TestDatabase::create(Backend::Postgres);
        let ollama = FakeOllama::start().await.expect("fake Ollama starts");
        // Each run counts its limits apart, as two installations sharing one Redis would.
        let prefix = format!("owp-nginx-e2e-{}", uuid::Uuid::now_v7().simple());
        let rate = RATE_LIMIT.to_string();
        let ollama_url = ollama.url();
        let vars = [
            ("DATABASE_URL", database.url()),
            ("BIND", "127.0.0.1"),
            ("OLLAMA_BASE_URL", ollama_url.as_str()),
            ("ADMIN_BOOTSTRAP_PASSWORD", ADMIN_PASSWORD),
            ("REDIS_URL", REDIS_URL),
            ("REDIS_KEY_PREFIX", prefix.as_str()),
            ("RATE_LIMIT_PER_MINUTE", rate.as_str()),
            ("TRUSTED_PROXIES", "127.0.0.1/32"),
        ];
        let direct = Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        let mut replicas = Vec::new();
        for name in ["A", "B"] {
            let replica = Owp::serve(&vars).await;
            let ready = replica.url("/readyz");
            wait_until(&format!("{name} is ready"), async || {
                direct
                    .get(&ready)
                    .send()
                    .await
                    .is_ok_and(|res| res.status() == 200)
            })
            .await;
            replicas.push(replica);
        }
        let admin_key = replicas[0]
            .bootstrap_lines
            .iter()
            .find_map(|line| line.strip_prefix("BOOTSTRAP_ADMIN_API_KEY="))
            .expect("A printed the bootstrap API key")
            .to_owned();
        let doors = [("A", &replicas[0]), ("B", &replicas[1])].map(|(name, replica)| Door {
            name,
            client: direct.clone(),
            base: replica.url(""),
        });
        let nginx = Nginx::start([doors[0].host_port(), doors[1].host_port()]).await;
        // The certificate is a throw-away self-signed one: only the path through nginx is
        // under test, not its trust.
        let tls = Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .danger_accept_invalid_certs(true)
            .build()
            .expect("client");
        let front = Door {
            name: "nginx",
            client: tls,
            base: format!("https://127.0.0.1:{}", nginx.https),
        };
        let redirect = direct
            .get(format!("http://127.0.0.1:{}/healthz", nginx.http))
            .send()
            .await
            .expect("nginx's plain HTTP server answers");
        assert_eq!(redirect.status(), 301, "plain HTTP goes to HTTPS");
        let health = front
            .client
            .get(format!("{}/healthz", front.base))
            .send()
            .await
            .expect("nginx answers over TLS");
        assert_eq!(health.status(), 200, "nginx reaches a replica");
        Self {
            replicas,
            doors,
            front,
            nginx,
            ollama,
            admin_key,
            _database: database,
        }
    }

    /// Creates an active member with the `user` role (on A) and signs it in on A.
    pub(super) async fn user_with_id(&self, email: &str) -> (String, String) {
        let a = &self.doors[0];
        let res = a
            .send(
                &self.admin_key,
                Method::POST,
                "/api/v1/users",
                Some(json!({"email": email})),
            )
            .await;
        assert_eq!(res.status(), 201, "create {email}");
        let id = json_of(res).await["id"]
            .as_str()
            .expect("user id")
            .to_owned();
        for (method, path, body) in [
            (
                Method::PATCH,
                format!("/api/v1/users/{id}"),
                json!({"roles": ["user"]}),
            ),
            (
                Method::PUT,
                format!("/api/v1/users/{id}/password"),
                json!({"password": USER_PASSWORD}),
            ),
        ] {
            let res = a.send(&self.admin_key, method, &path, Some(body)).await;
            assert!(
                res.status().is_success(),
                "set up {email}: {}",
                res.status()
            );
        }
        let token = a.login(email, USER_PASSWORD).await;
        (id, token)
    }

    /// [`Cluster::user_with_id`]'s access token.
    pub(super) async fn user(&self, email: &str) -> String {
        self.user_with_id(email).await.1
    }

    /// A conversation's messages, read through nginx.
    pub(super) async fn messages(&self, token: &str, conversation: &str) -> Value {
        let res = self
            .front
            .get(
                token,
                &format!("/api/v1/conversations/{conversation}/messages"),
            )
            .await;
        assert_eq!(res.status(), 200);
        json_of(res).await
    }
}

impl Drop for Cluster {
    /// On a failure, shows what the replicas and nginx logged (the harness prints it with the
    /// failure).
    fn drop(&mut self) {
        if std::thread::panicking() {
            for (door, replica) in self.doors.iter().zip(&self.replicas) {
                eprintln!("--- replica {} ---\n{}", door.name, replica.stderr());
            }
            eprintln!("--- nginx ---\n{}", self.nginx.error_log());
        }
    }
}
