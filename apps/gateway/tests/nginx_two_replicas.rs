//! Two `owp serve` processes on one PostgreSQL database and one Redis, behind Debian's nginx
//! running deploy/nginx/owp.conf (adapted as scripts/check-nginx.sh does: a temporary prefix, a
//! throw-away certificate, the upstreams `owp-a`/`owp-b` replaced by the replicas' loopback
//! ports, free ports instead of 80/443), with the fake Ollama behind them. It shows that a
//! session or key made on one replica works on the other and that its revocation there is
//! immediate, that streams pass nginx token by token, that killing the replica serving a stream
//! ends that stream cleanly while the other keeps serving with no row lost or doubled, and that
//! the rate limit is one allowance for both replicas. nginx, openssl, PostgreSQL and Redis must
//! be there: the test fails saying what is missing, it never skips.

// Shared with cli.rs, which uses the rest of it; this test needs only starting and killing.
#[allow(dead_code)]
mod support;

use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use owp_ollama_client::fake::{FakeOllama, reply_text};
use owp_testkit::{ADMIN_PASSWORD, Backend, TestDatabase, USER_PASSWORD};
use reqwest::{Client, Method, Response};
use serde_json::{Value, json};
use support::Owp;

/// The Redis the project's machines run (as in limits.rs).
const REDIS_URL: &str = "redis://127.0.0.1:6379";
/// The model every turn asks for (one of the fake's).
const MODEL: &str = "llama3.2:latest";
/// Requests a minute per user or key on each replica (and, through Redis, on both together).
const RATE_LIMIT: usize = 20;
/// How long any awaited condition may take before the test fails instead of hanging.
const PATIENCE: Duration = Duration::from_secs(15);
/// Pause between two looks at a condition that is awaited.
const POLL: Duration = Duration::from_millis(20);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_replicas_behind_nginx_share_sessions_revocation_streams_and_limits() {
    let mut cluster = Cluster::start().await;
    let carol = cluster.user("carol@example.org").await;

    sessions_and_revocations_reach_the_other_replica(&cluster).await;
    let conversation = a_stream_through_nginx_arrives_token_by_token(&cluster, &carol).await;
    the_rate_limit_is_one_allowance_for_both_replicas(&cluster, &carol).await;
    killing_the_streaming_replica_ends_the_stream_and_the_other_serves_on(
        &mut cluster,
        &carol,
        &conversation,
    )
    .await;
}

/// 1 and 2: a token from A works on B; signing out, revoking a key and disabling the user on A
/// are refused by B on its very next request.
async fn sessions_and_revocations_reach_the_other_replica(cluster: &Cluster) {
    let [a, b] = &cluster.doors;
    let (alice, token) = cluster.user_with_id("alice@example.org").await;
    let me = b.get(&token, "/api/v1/auth/me").await;
    assert_eq!(me.status(), 200, "a token made by A works on B");
    assert_eq!(json_of(me).await["user"]["email"], "alice@example.org");
    assert_eq!(
        cluster.front.get(&token, "/api/v1/auth/me").await.status(),
        200
    );
    let out = a
        .send(&token, Method::POST, "/api/v1/auth/logout", None)
        .await;
    assert_eq!(out.status(), 204);
    assert_eq!(
        b.get(&token, "/api/v1/auth/me").await.status(),
        401,
        "signed out on A → refused on B at once"
    );

    let token = a.login("alice@example.org", USER_PASSWORD).await;
    let issued = a
        .send(
            &token,
            Method::POST,
            "/api/v1/me/api-keys",
            Some(json!({"label": "two replicas"})),
        )
        .await;
    assert_eq!(issued.status(), 201);
    let issued = json_of(issued).await;
    let secret = issued["secret"].as_str().expect("secret");
    let key_id = issued["key"]["id"].as_str().expect("key id");
    assert_eq!(b.get(secret, "/api/v1/auth/me").await.status(), 200);
    let revoked = a
        .send(
            &token,
            Method::DELETE,
            &format!("/api/v1/me/api-keys/{key_id}"),
            None,
        )
        .await;
    assert_eq!(revoked.status(), 200);
    assert_eq!(
        b.get(secret, "/api/v1/auth/me").await.status(),
        401,
        "a key revoked on A → refused on B at once, though B had verified it before"
    );

    assert_eq!(b.get(&token, "/api/v1/auth/me").await.status(), 200);
    let disabled = a
        .send(
            &cluster.admin_key,
            Method::DELETE,
            &format!("/api/v1/users/{alice}"),
            None,
        )
        .await;
    assert_eq!(disabled.status(), 200);
    assert_eq!(
        b.get(&token, "/api/v1/auth/me").await.status(),
        401,
        "a user disabled on A → refused on B at once"
    );
}

/// 3: a streamed chat through nginx arrives piece by piece, as the model writes it. Returns
/// the conversation's id.
async fn a_stream_through_nginx_arrives_token_by_token(cluster: &Cluster, token: &str) -> String {
    const TOKENS: u32 = 12;
    const DELAY: Duration = Duration::from_millis(100);
    cluster.ollama.set_tokens_per_reply(TOKENS as usize);
    cluster.ollama.set_token_delay(DELAY);
    let prompt = "why is the sky blue";
    let mut res = cluster
        .front
        .send(
            token,
            Method::POST,
            "/api/v1/chat",
            Some(turn(prompt, None)),
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "text/event-stream");
    let mut body = String::new();
    let mut delta_arrivals = Vec::new();
    while let Some(chunk) = next_chunk(&mut res).await.expect("the stream completes") {
        if chunk.contains("event: delta") {
            delta_arrivals.push(Instant::now());
        }
        body.push_str(&chunk);
    }
    let ended = Instant::now();
    let events = events(&body);
    assert_eq!(events.last().expect("events").0, "done", "{body}");
    let text: String = events
        .iter()
        .filter(|(name, _)| name == "delta")
        .map(|(_, data)| data["content"].as_str().expect("content"))
        .collect();
    assert_eq!(text, reply_text(prompt, TOKENS as usize));

    let (first, last) = (delta_arrivals[0], delta_arrivals[delta_arrivals.len() - 1]);
    assert!(
        delta_arrivals.len() >= TOKENS as usize / 3,
        "the deltas came in {} reads: nginx held them back",
        delta_arrivals.len()
    );
    let spread = last - first;
    assert!(
        spread >= DELAY * (TOKENS - 1) / 2,
        "the deltas arrived within {spread:?} of each other: buffered"
    );
    assert!(
        ended - first >= DELAY * (TOKENS - 1) / 2,
        "the first delta arrived only {:?} before the end",
        ended - first
    );
    events[0].1["conversation_id"]
        .as_str()
        .expect("conversation id")
        .to_owned()
}

/// 5: with `RATE_LIMIT` requests a minute, one key's requests spread over A, B and nginx are
/// counted together (in Redis): the allowance is used up by the total, then every way in says
/// 429.
async fn the_rate_limit_is_one_allowance_for_both_replicas(cluster: &Cluster, token: &str) {
    let [a, b] = &cluster.doors;
    let issued = a
        .send(
            token,
            Method::POST,
            "/api/v1/me/api-keys",
            Some(json!({"label": "limits"})),
        )
        .await;
    assert_eq!(issued.status(), 201);
    let key = json_of(issued).await["secret"]
        .as_str()
        .expect("secret")
        .to_owned();
    let doors = [a, b, &cluster.front];
    for n in 0..RATE_LIMIT {
        let door = doors[n % doors.len()];
        assert_eq!(
            door.get(&key, "/api/v1/auth/me").await.status(),
            200,
            "request {} of {RATE_LIMIT}, through {}",
            n + 1,
            door.name
        );
    }
    for door in doors {
        let res = door.get(&key, "/api/v1/auth/me").await;
        assert_eq!(
            res.status(),
            429,
            "{} still allows requests after {RATE_LIMIT} in all",
            door.name
        );
        assert!(res.headers().contains_key("retry-after"));
    }
}

/// 4: SIGKILL to the replica serving a stream: the client's stream ends at once (an error or
/// an end without `done`), the upstream model call is dropped, the other replica answers
/// everything through nginx, and the interrupted turn is stored exactly once.
async fn killing_the_streaming_replica_ends_the_stream_and_the_other_serves_on(
    cluster: &mut Cluster,
    token: &str,
    earlier: &str,
) {
    cluster.ollama.set_tokens_per_reply(400);
    cluster.ollama.set_token_delay(Duration::from_millis(50));
    let prompt = "count to four hundred";
    let mut res = cluster
        .front
        .send(
            token,
            Method::POST,
            "/api/v1/chat",
            Some(turn(prompt, None)),
        )
        .await;
    assert_eq!(res.status(), 200);
    let upstream = upstream_of(&res);
    let serving = cluster
        .doors
        .iter()
        .position(|door| upstream == door.host_port())
        .unwrap_or_else(|| panic!("nginx used {upstream}, which is neither replica"));
    let survivor = 1 - serving;
    let mut seen = String::new();
    while !seen.contains("event: delta") {
        let chunk = next_chunk(&mut res).await.expect("the stream goes on");
        seen.push_str(&chunk.expect("the stream goes on"));
    }
    let conversation = events(&seen)[0].1["conversation_id"]
        .as_str()
        .expect("conversation id")
        .to_owned();

    let killed = &mut cluster.replicas[serving];
    killed.signal("KILL");
    let status = killed.wait(PATIENCE).await;
    assert_eq!(status.signal(), Some(9), "{status:?}");
    // nginx closes the connection without the chunked body's last chunk, so the client sees
    // an error, not an answer that merely looks short.
    let ended = loop {
        match next_chunk(&mut res).await {
            Ok(Some(chunk)) => seen.push_str(&chunk),
            Ok(None) => break Ok(()),
            Err(error) => break Err(error),
        }
    };
    assert!(ended.is_err(), "the cut stream ended like a whole one");
    assert!(!seen.contains("event: done"), "{seen}");
    wait_until(
        "the killed replica's call to Ollama is dropped",
        async || cluster.ollama.abandoned_streams() == 1,
    )
    .await;

    cluster.ollama.set_tokens_per_reply(5);
    cluster.ollama.set_token_delay(Duration::ZERO);
    let survivor_at = cluster.doors[survivor].host_port();
    for path in ["/readyz", "/api/v1/conversations", "/api/v1/auth/me"] {
        let res = cluster.front.get(token, path).await;
        assert_eq!(
            res.status(),
            200,
            "{path} through nginx with one replica down"
        );
        assert!(
            upstream_of(&res).ends_with(&survivor_at),
            "{path} answered by {}",
            upstream_of(&res)
        );
    }
    let list = json_of(cluster.front.get(token, "/api/v1/conversations").await).await;
    assert_eq!(list["total"], 2, "{list}");

    let messages = cluster.messages(token, &conversation).await;
    assert_eq!(
        messages["total"], 2,
        "the interrupted turn is stored once: {messages}"
    );
    let (asked, reply) = (&messages["items"][0], &messages["items"][1]);
    assert_eq!(asked["role"], "user");
    assert_eq!(asked["content"], prompt);
    assert_eq!(reply["role"], "assistant");
    assert_eq!(reply["incomplete"], true, "{reply}");
    assert!(reply_text(prompt, 400).starts_with(reply["content"].as_str().expect("content")));
    let before = cluster.messages(token, earlier).await;
    assert_eq!(before["total"], 2, "{before}");
    assert_eq!(before["items"][1]["incomplete"], false);

    let res = cluster
        .front
        .send(
            token,
            Method::POST,
            "/api/v1/chat",
            Some(turn("go on", Some(&conversation))),
        )
        .await;
    assert_eq!(res.status(), 200);
    let events = events(&res.text().await.expect("body"));
    assert_eq!(events.last().expect("events").0, "done");
    let messages = cluster.messages(token, &conversation).await;
    assert_eq!(messages["total"], 4, "{messages}");
}

/// One way in: a replica directly or nginx.
struct Door {
    name: &'static str,
    client: Client,
    base: String,
}

impl Door {
    async fn send(&self, token: &str, method: Method, path: &str, body: Option<Value>) -> Response {
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

    async fn get(&self, token: &str, path: &str) -> Response {
        self.send(token, Method::GET, path, None).await
    }

    /// Signs in and returns the access token.
    async fn login(&self, email: &str, password: &str) -> String {
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
    fn host_port(&self) -> String {
        self.base.trim_start_matches("http://").to_owned()
    }
}

/// The replicas A and B, nginx in front of them, their fake Ollama and database.
struct Cluster {
    /// A and B (dropped, so killed, before the database).
    replicas: Vec<Owp>,
    /// A and B directly.
    doors: [Door; 2],
    /// nginx's TLS server.
    front: Door,
    nginx: Nginx,
    ollama: FakeOllama,
    /// The bootstrap admin's API key, printed by A at its first start.
    admin_key: String,
    _database: TestDatabase,
}

impl Cluster {
    async fn start() -> Self {
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
    async fn user_with_id(&self, email: &str) -> (String, String) {
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
    async fn user(&self, email: &str) -> String {
        self.user_with_id(email).await.1
    }

    /// A conversation's messages, read through nginx.
    async fn messages(&self, token: &str, conversation: &str) -> Value {
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

/// Debian's nginx on deploy/nginx/owp.conf, in the foreground in a temporary prefix.
struct Nginx {
    child: Child,
    /// The plain HTTP server (80 in the deployment).
    http: u16,
    /// The TLS server (443 in the deployment).
    https: u16,
    dir: tempfile::TempDir,
}

impl Nginx {
    /// Starts nginx with `upstreams` (`127.0.0.1:<port>`) for `owp-a` and `owp-b` and waits
    /// until its TLS port answers.
    async fn start(upstreams: [String; 2]) -> Self {
        require("nginx", "-v", "apt-get install -y nginx");
        require("openssl", "version", "apt-get install -y openssl");
        let dir = tempfile::tempdir().expect("a temporary folder");
        let root = dir.path();
        std::fs::create_dir_all(root.join("certs")).expect("certs folder");
        std::fs::create_dir_all(root.join("logs")).expect("logs folder");
        let made = Command::new("openssl")
            .args(["req", "-x509", "-newkey", "ec", "-pkeyopt"])
            .args(["ec_paramgen_curve:prime256v1", "-nodes", "-days", "1"])
            .args(["-subj", "/CN=owp.test", "-keyout"])
            .arg(root.join("certs/privkey.pem"))
            .arg("-out")
            .arg(root.join("certs/fullchain.pem"))
            .stderr(Stdio::null())
            .status()
            .expect("openssl runs");
        assert!(made.success(), "openssl made no certificate");
        let (http, https) = (free_port(), free_port());
        let deployed = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../deploy/nginx/owp.conf"),
        )
        .expect("deploy/nginx/owp.conf");
        std::fs::write(
            root.join("owp.conf"),
            adapt(&deployed, root, &upstreams, http, https),
        )
        .expect("owp.conf");
        std::fs::write(root.join("nginx.conf"), main_config(root)).expect("nginx.conf");
        let child = Command::new("nginx")
            .arg("-p")
            .arg(root)
            .arg("-e")
            .arg(root.join("logs/error.log"))
            .arg("-c")
            .arg(root.join("nginx.conf"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("nginx starts");
        let mut nginx = Self {
            child,
            http,
            https,
            dir,
        };
        wait_until("nginx listens", async || {
            if let Some(status) = nginx.child.try_wait().expect("nginx's status") {
                panic!("nginx exited ({status}): {}", nginx.error_log());
            }
            tokio::net::TcpStream::connect(("127.0.0.1", https))
                .await
                .is_ok()
        })
        .await;
        nginx
    }

    fn error_log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("logs/error.log")).unwrap_or_default()
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The deployed config with this run's certificate, upstreams and ports; fails when a line it
/// replaces is gone, so the deployed file and this test cannot drift apart unnoticed.
fn adapt(deployed: &str, root: &Path, upstreams: &[String; 2], http: u16, https: u16) -> String {
    let [a, b] = upstreams;
    [
        (
            "/etc/nginx/certs/".to_owned(),
            format!("{}/certs/", root.display()),
        ),
        ("server owp-a:8080".to_owned(), format!("server {a}")),
        ("server owp-b:8080".to_owned(), format!("server {b}")),
        ("listen 80;".to_owned(), format!("listen 127.0.0.1:{http};")),
        ("listen [::]:80;".to_owned(), String::new()),
        (
            "listen 443 ssl http2;".to_owned(),
            format!("listen 127.0.0.1:{https} ssl http2;"),
        ),
        ("listen [::]:443 ssl http2;".to_owned(), String::new()),
    ]
    .into_iter()
    .fold(deployed.to_owned(), |text, (from, to)| {
        assert!(
            text.contains(&from),
            "deploy/nginx/owp.conf no longer has `{from}`: adapt this test"
        );
        text.replace(&from, &to)
    })
}

/// A main config around owp.conf (an http-context file), as check-nginx.sh writes it, in the
/// foreground as one process, naming the upstream that answered in `X-Owp-Upstream`.
fn main_config(root: &Path) -> String {
    let root = root.display();
    format!(
        "daemon off;
master_process off;
pid {root}/nginx.pid;
error_log {root}/logs/error.log;
events {{}}
http {{
    access_log off;
    add_header X-Owp-Upstream $upstream_addr always;
    client_body_temp_path {root}/client_body;
    proxy_temp_path {root}/proxy;
    fastcgi_temp_path {root}/fastcgi;
    uwsgi_temp_path {root}/uwsgi;
    scgi_temp_path {root}/scgi;
    include {root}/owp.conf;
}}
"
    )
}

/// Fails saying how to install `tool` when it does not run.
fn require(tool: &str, arg: &str, install: &str) {
    let runs = Command::new(tool)
        .arg(arg)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success());
    assert!(runs, "{tool} is missing: {install}");
}

async fn require_redis() {
    let client = redis::Client::open(REDIS_URL).expect("Redis URL");
    let mut conn = client
        .get_multiplexed_async_connection()
        .await
        .unwrap_or_else(|e| {
            panic!(
                "Redis does not answer at {REDIS_URL} ({e}); start it with \
                 redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save '' --appendonly no"
            )
        });
    let pong: String = redis::cmd("PING")
        .query_async(&mut conn)
        .await
        .expect("PING");
    assert_eq!(pong, "PONG");
}

/// A port nothing listens on right now (the kernel's pick for port 0).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port()
}

/// Waits until `check` holds, looking every [`POLL`]; fails after [`PATIENCE`].
async fn wait_until(what: &str, mut check: impl AsyncFnMut() -> bool) {
    let deadline = Instant::now() + PATIENCE;
    while !check().await {
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        tokio::time::sleep(POLL).await;
    }
}

/// The next piece of a streamed body as it arrived; fails when the stream neither moves nor
/// ends within [`PATIENCE`] (a hang).
async fn next_chunk(res: &mut Response) -> reqwest::Result<Option<String>> {
    let chunk = tokio::time::timeout(PATIENCE, res.chunk())
        .await
        .expect("the stream neither moved nor ended: it hangs");
    chunk.map(|piece| piece.map(|bytes| String::from_utf8_lossy(&bytes).into_owned()))
}

/// The replica nginx passed a request to (the last one tried, when it tried several).
fn upstream_of(res: &Response) -> String {
    res.headers()
        .get("x-owp-upstream")
        .and_then(|v| v.to_str().ok())
        .expect("nginx names its upstream")
        .to_owned()
}

fn turn(text: &str, conversation: Option<&str>) -> Value {
    let mut body = json!({"model": MODEL, "messages": [{"role": "user", "content": text}]});
    if let Some(id) = conversation {
        body["conversation_id"] = json!(id);
    }
    body
}

async fn json_of(res: Response) -> Value {
    res.json().await.expect("a JSON body")
}

/// The events of an SSE body as (name, data) pairs.
fn events(text: &str) -> Vec<(String, Value)> {
    text.split("\n\n")
        .filter(|block| !block.trim().is_empty())
        .map(|block| {
            let mut name = String::new();
            let mut data = Value::Null;
            for line in block.lines() {
                if let Some(n) = line.strip_prefix("event: ") {
                    name = n.to_owned();
                } else if let Some(d) = line.strip_prefix("data: ") {
                    data = serde_json::from_str(d).expect("JSON data");
                }
            }
            (name, data)
        })
        .collect()
}
