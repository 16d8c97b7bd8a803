//! Builds the HTTP server from a [`Config`]: database, migrations, middleware, routes.

use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;
use std::time::Duration;

use actix_web::dev::{Server, ServerHandle};
use actix_web::middleware::from_fn;
use actix_web::{App, HttpServer, web};
use owp_db::Database;
use tracing_actix_web::TracingLogger;
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::SwaggerUi;

use crate::config::Config;
use crate::http::extract::{form_config, json_config, path_config, payload_config, query_config};
use crate::http::fallback::KnownRoutes;
use crate::http::limits::SignInThrottle;
use crate::http::metrics::Metrics;
use crate::http::problem_fallback::problem_fallback;
use crate::http::request_context::{RequestSpan, request_context};
use crate::http::security::{cors, security_headers};
use crate::http::shared_limits::RateWindow;
use crate::ollama_probe::OllamaProbe;
use crate::preparation::Preparation;
use crate::secrets::{self, LocalSecret};
use crate::state::AppState;
use crate::{audit_heads, openapi, routes};

/// Routes a caller adds beside the platform's own (the test harness mounts probes this way).
pub type ExtraRoutes = Arc<dyn Fn(&mut web::ServiceConfig) + Send + Sync>;

/// How long a request may hold up a graceful shutdown.
const SHUTDOWN_GRACE: u64 = 30;
/// How long start-up waits for the database before serving anyway and retrying in the background.
const STARTUP_DATABASE_WAIT: Duration = Duration::from_secs(1);
/// Longest pause between migration attempts while the database is away.
const MAX_RETRY_DELAY: Duration = Duration::from_secs(10);

/// Server options that are not configuration: they vary by caller, not by deployment.
#[derive(Default, Clone)]
pub struct ServeOptions {
    /// Worker threads (default: one per core).
    pub workers: Option<usize>,
    /// Extra routes mounted before the fallback.
    pub extra_routes: Option<ExtraRoutes>,
}

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The data directory or the listening socket could not be set up.
    #[error("{context}: {source}")]
    Io {
        /// What was being done.
        context: String,
        /// The cause.
        source: std::io::Error,
    },
    /// A server secret could not be had: the local JWT secret file could not be read or
    /// written, or (for read-only commands) there is none to derive the audit key from.
    #[error("JWT secret: {0}")]
    Secret(String),
    /// The Ollama client could not be built.
    #[error("Ollama client: {0}")]
    Ollama(String),
    /// Metrics could not be registered.
    #[error("metrics: {0}")]
    Metrics(#[from] prometheus::Error),
    /// The OpenAPI document could not be encoded.
    #[error("OpenAPI document: {0}")]
    OpenApi(#[from] serde_json::Error),
}

/// A bound, not yet running server.
pub struct Application {
    server: Server,
    address: SocketAddr,
    db: Database,
    preparation: Preparation,
    audit_heads: audit_heads::HeadWatch,
}

impl Application {
    /// Prepares the database (migrating it if it answers), binds the socket and builds the app.
    /// A database that is down does not stop the start: the server answers `/healthz` and keeps
    /// trying to migrate in the background.
    pub async fn build(config: &Config, options: ServeOptions) -> Result<Self, StartError> {
        prepare_data_dir(config)?;
        let jwt_secret = secrets::jwt_secret(config, LocalSecret::CreateIfMissing)?;
        let audit_key = secrets::audit_key(config, &jwt_secret);
        let db = Database::new(&config.database_url, config.pool);
        let preparation =
            Preparation::new(db.clone(), bootstrap_options(config), audit_key.clone());
        prepare_or_retry_later(&preparation).await;
        let tokens = token_keys(config, &jwt_secret);

        let spec = openapi::spec();
        let known_routes = web::Data::new(KnownRoutes::from_spec(
            &spec,
            &[
                ("GET", "/openapi.json"),
                ("GET", "/docs"),
                ("GET", "/docs/*"),
            ],
        ));
        let spec_json = web::Data::new(openapi::SpecJson::encode(&spec)?);
        drop(spec);
        let redis = match &config.redis_url {
            Some(url) => {
                crate::http::shared_limits::connect(url.expose(), &config.redis_key_prefix).await
            }
            None => None,
        };
        let metrics = web::Data::new(Metrics::new()?);
        let ollama_client = ollama_client(config)?;
        let pgvector = pgvector_index(&db, preparation.is_done().await).await;
        let indexes = owp_vectors::Indexes::new(
            owp_vectors::BuiltinIndex::new(config.vector_cache_bytes),
            pgvector,
        );
        let jobs = owp_vectors::jobs::JobRunner::new(
            db.clone(),
            ollama_client.clone(),
            indexes.clone(),
            &replica_name(),
            owp_vectors::jobs::RunnerSettings {
                batch_size: config.embed_batch_size,
                workers: config.job_workers,
                ..owp_vectors::jobs::RunnerSettings::default()
            },
            owp_db::time::now,
        );
        jobs.spawn();
        let state = web::Data::new(AppState {
            db: db.clone(),
            ollama: OllamaProbe::new(&config.ollama_base_url),
            ollama_client,
            indexes,
            jobs,
            signup_mode: config.signup_mode,
            tokens,
            audit_key,
            api_keys: owp_credentials::ApiKeyCache::default(),
            refresh_ttl_secs: i64::try_from(config.refresh_token_ttl.as_secs()).unwrap_or(i64::MAX),
            preparation: preparation.clone(),
            request_rate: Arc::new(RateWindow::new(
                "requests",
                config.rate_limit_per_minute,
                Duration::from_secs(60),
                redis.clone(),
            )),
            sign_in_throttle: Arc::new(SignInThrottle::new(redis)),
            trusted_proxies: config.trusted_proxies.clone(),
            model_registries: config.model_registries.clone(),
            upload_max_bytes: config.upload_max_bytes,
        });
        let cors_origins = config.cors_origins.clone();
        let prod = config.is_prod();
        let extra_routes = options.extra_routes.clone();

        let listener =
            TcpListener::bind((config.bind, config.port)).map_err(|source| StartError::Io {
                context: format!("cannot listen on {}:{}", config.bind, config.port),
                source,
            })?;
        let address = listener.local_addr().map_err(|source| StartError::Io {
            context: "cannot read the listening address".into(),
            source,
        })?;

        let mut server = HttpServer::new(move || {
            let extra_routes = extra_routes.clone();
            App::new()
                .app_data(state.clone())
                .app_data(metrics.clone())
                .app_data(known_routes.clone())
                .app_data(spec_json.clone())
                .app_data(json_config())
                .app_data(form_config())
                .app_data(payload_config())
                .app_data(path_config())
                .app_data(query_config())
                .wrap(cors(&cors_origins))
                .wrap(from_fn(problem_fallback))
                .wrap(security_headers(prod))
                .wrap(TracingLogger::<RequestSpan>::new())
                .wrap(from_fn(request_context))
                .into_utoipa_app()
                .configure(routes::register)
                .into_app()
                .route("/docs", web::get().to(redirect_to_docs))
                .route("/openapi.json", web::get().to(openapi::serve))
                .service(SwaggerUi::new("/docs/{_:.*}").config(
                    utoipa_swagger_ui::Config::new(["/openapi.json"]).validator_url("none"),
                ))
                .configure(move |cfg| {
                    if let Some(extra) = &extra_routes {
                        extra(cfg);
                    }
                })
                .default_service(web::to(crate::http::spa::spa_or_no_route))
        })
        // Streams are many small writes; without this, Nagle's algorithm holds the tail of each
        // answer back until the client's delayed ACK (about 40 ms per streamed reply).
        .on_connect(|connection, _| {
            if let Some(tcp) = connection.downcast_ref::<actix_web::rt::net::TcpStream>() {
                let _ = tcp.set_nodelay(true);
            }
        })
        .shutdown_timeout(SHUTDOWN_GRACE)
        .disable_signals();
        if let Some(workers) = options.workers {
            server = server.workers(workers);
        }
        let server = server
            .listen(listener)
            .map_err(|source| StartError::Io {
                context: "cannot start the HTTP server".into(),
                source,
            })?
            .run();
        let audit_heads = audit_heads::watch(db.clone());
        Ok(Self {
            server,
            address,
            db,
            preparation,
            audit_heads,
        })
    }

    /// The bound address (useful with `PORT=0`).
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// A handle to stop the server (gracefully or not) from elsewhere.
    pub fn handle(&self) -> ServerHandle {
        self.server.handle()
    }

    /// The database the server uses.
    pub fn database(&self) -> &Database {
        &self.db
    }

    /// What bootstrap created at start (secrets included), when the database was ready then.
    pub async fn bootstrap_report(&self) -> Option<owp_identity::bootstrap::BootstrapReport> {
        self.preparation.report().await
    }

    /// Serves until stopped through the handle; after a stop it logs the audit chain head
    /// (target `owp::audit`), so the last head before the process ended is kept in the logs.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let served = self.server.await;
        drop(self.audit_heads);
        audit_heads::log_stored_head(&self.db, "shutdown").await;
        served
    }
}

/// `/docs` → `/docs/`, where the API page's relative asset links resolve.
async fn redirect_to_docs() -> actix_web::HttpResponse {
    actix_web::HttpResponse::PermanentRedirect()
        .insert_header((actix_web::http::header::LOCATION, "/docs/"))
        .finish()
}

/// Creates the local data folder when the SQLite file lives in it (the no-configuration case).
fn prepare_data_dir(config: &Config) -> Result<(), StartError> {
    let in_data_dir = config
        .database_url
        .sqlite_path()
        .is_some_and(|path| std::path::Path::new(path).starts_with(&config.data_dir));
    if in_data_dir {
        std::fs::create_dir_all(&config.data_dir).map_err(|source| StartError::Io {
            context: format!("cannot create {}", config.data_dir.display()),
            source,
        })?;
    }
    Ok(())
}

/// The Ollama client, with the configured URL and read timeout.
fn ollama_client(config: &Config) -> Result<owp_ollama_client::OllamaClient, StartError> {
    let client_config = owp_ollama_client::ClientConfig::new(&config.ollama_base_url)
        .map(|c| c.with_timeout(config.ollama_timeout))
        .map_err(|e| StartError::Ollama(e.to_string()))?;
    owp_ollama_client::OllamaClient::new(&client_config)
        .map_err(|e| StartError::Ollama(e.to_string()))
}

/// Bootstrap settings from the configuration.
pub fn bootstrap_options(config: &Config) -> owp_identity::bootstrap::BootstrapOptions {
    owp_identity::bootstrap::BootstrapOptions {
        password: config
            .admin_bootstrap_password
            .as_ref()
            .map(|p| p.expose().to_owned()),
        force: config.admin_bootstrap_password_force,
        prod: config.is_prod(),
    }
}

/// The access-token keys over the JWT signing secret.
fn token_keys(config: &Config, secret: &[u8]) -> owp_identity::tokens::TokenKeys {
    let algorithm = match config.jwt_algorithm {
        crate::config::JwtAlgorithm::Hs256 => jsonwebtoken::Algorithm::HS256,
        crate::config::JwtAlgorithm::Hs384 => jsonwebtoken::Algorithm::HS384,
        crate::config::JwtAlgorithm::Hs512 => jsonwebtoken::Algorithm::HS512,
    };
    let ttl = i64::try_from(config.access_token_ttl.as_secs()).unwrap_or(900);
    owp_identity::tokens::TokenKeys::new(secret, algorithm, ttl)
}

/// The pgvector index this server offers, if any (docs/decisions.md, "pgvector backend"):
/// - SQLite: none (a `pgvector` collection is refused with 422).
/// - PostgreSQL, database ready at start: offered when the server has the `vector` extension
///   and the index could be prepared (extension and table created if missing); when it could
///   not — typically no permission to create the extension — a warning, and none.
/// - PostgreSQL not ready at start (migrations still pending): offered, and it prepares itself
///   on first use; creating a `pgvector` collection still checks that the server has the
///   extension (422 otherwise).
async fn pgvector_index(
    db: &Database,
    database_ready: bool,
) -> Option<Arc<dyn owp_vectors::VectorIndex>> {
    if db.backend() != owp_db::Backend::Postgres {
        return None;
    }
    let index = Arc::new(owp_vectors::PgvectorIndex::new());
    if !database_ready {
        tracing::info!("database not ready at start; the pgvector index prepares on first use");
        return Some(index);
    }
    let probe = Arc::clone(&index);
    let prepared = db
        .run(move |conn| -> Result<bool, owp_vectors::VectorsError> {
            if !owp_vectors::PgvectorIndex::available(conn)? {
                return Ok(false);
            }
            probe.prepare(conn).map(|()| true)
        })
        .await;
    match prepared {
        Ok(true) => {
            tracing::info!("pgvector index ready");
            Some(index)
        }
        Ok(false) => {
            tracing::info!("no vector extension on this PostgreSQL; collections use builtin");
            None
        }
        Err(err) => {
            tracing::warn!(%err, "cannot prepare the pgvector index; running without it");
            None
        }
    }
}

async fn prepare_or_retry_later(preparation: &Preparation) {
    match preparation.ensure(STARTUP_DATABASE_WAIT).await {
        Ok(()) => tracing::info!("database ready"),
        Err(err) => {
            tracing::warn!(%err, "database not ready at start; serving anyway and retrying");
            tokio::spawn(retry_preparation(preparation.clone()));
        }
    }
}

/// Keeps trying with growing pauses until it works (or `/readyz` did it first).
async fn retry_preparation(preparation: Preparation) {
    let mut delay = Duration::from_millis(250);
    while !preparation.is_done().await {
        tokio::time::sleep(delay).await;
        match preparation.ensure(STARTUP_DATABASE_WAIT).await {
            Ok(()) => tracing::info!("database is back; migrations applied"),
            Err(err) => tracing::debug!(%err, "database still not ready"),
        }
        delay = (delay * 2).min(MAX_RETRY_DELAY);
    }
}

/// This process's name in job leases: the host (a pod's name on Kubernetes) and a random part,
/// so a restarted process never mistakes its predecessor's leases for its own.
fn replica_name() -> String {
    let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "owp".into());
    format!("{host}-{}", uuid::Uuid::new_v4().simple())
}
