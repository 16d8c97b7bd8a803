//! nginx on the deployed config, adapted to this run's ports, certificate and upstreams.

use std::path::Path;
use std::process::{Child, Command, Stdio};

use super::{REDIS_URL, wait_until};

/// Debian's nginx on deploy/nginx/owp.conf, in the foreground in a temporary prefix.
pub(super) struct Nginx {
    child: Child,
    /// The plain HTTP server (80 in the deployment).
    pub(super) http: u16,
    /// The TLS server (443 in the deployment).
    pub(super) https: u16,
    dir: tempfile::TempDir,
}

impl Nginx {
    /// Starts nginx with `upstreams` (`127.0.0.1:<port>`) for `owp-a` and `owp-b` and waits
    /// until its TLS port answers.
    pub(super) async fn start(upstreams: [String; 2]) -> Self {
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

    pub(super) fn error_log(&self) -> String {
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

/// Fails saying how to start Redis when it does not answer at [`REDIS_URL`].
pub(super) async fn require_redis() {
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
