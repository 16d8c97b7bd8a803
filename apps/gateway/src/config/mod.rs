//! Configuration from the environment (names per DESIGN §5), validated once at start so a
//! mistake stops the process with one line saying what to fix, instead of failing later.

mod parse;
mod secret;
#[cfg(test)]
mod tests;

use std::net::IpAddr;
use std::path::PathBuf;
use std::time::Duration;

use owp_db::{DatabaseUrl, PoolOptions};

pub use secret::Secret;

/// Every environment variable `owp` reads: those [`Config::from_lookup`] asks for (a unit test
/// holds the two together) and `RUST_LOG` (read by [`crate::telemetry`]). Deployment files are
/// checked against it, so a misspelt name in a manifest fails a test instead of being ignored.
pub const ENV_VARS: &[&str] = &[
    "ENVIRONMENT",
    "DATABASE_URL",
    "DB_USER",
    "DB_PASSWORD",
    "DB_HOST",
    "DB_PORT",
    "DB_NAME",
    "DB_POOL_SIZE",
    "DB_POOL_TIMEOUT_MS",
    "JWT_SECRET",
    "JWT_ALG",
    "AUDIT_SECRET",
    "ACCESS_TOKEN_TTL",
    "REFRESH_TOKEN_TTL",
    "RATE_LIMIT_PER_MINUTE",
    "OLLAMA_BASE_URL",
    "OLLAMA_TIMEOUT_SECS",
    "UPLOAD_MAX_MB",
    "EMBED_BATCH_SIZE",
    "JOB_WORKERS",
    "VECTOR_CACHE_MB",
    "ADMIN_BOOTSTRAP_PASSWORD",
    "ADMIN_BOOTSTRAP_PASSWORD_FORCE",
    "SIGNUP_MODE",
    "CORS_ORIGINS",
    "TRUSTED_PROXIES",
    "MODEL_REGISTRIES",
    "REDIS_URL",
    "REDIS_KEY_PREFIX",
    "BIND",
    "PORT",
    "LOG_FORMAT",
    "RUST_LOG",
];

/// Where the platform runs; `prod` refuses weak or missing secrets and logs JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Environment {
    /// A laptop: friendly defaults, generated secrets.
    Local,
    /// A deployment: every secret must be given and strong.
    Prod,
}

/// HMAC algorithm of access tokens; pinned, so a token signed otherwise is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JwtAlgorithm {
    /// HMAC-SHA256.
    Hs256,
    /// HMAC-SHA384.
    Hs384,
    /// HMAC-SHA512.
    Hs512,
}

pub use owp_identity::users::SignupMode;

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    /// One JSON object per line, for log collectors.
    Json,
    /// Human-readable, for a terminal.
    Pretty,
}

/// Everything the gateway reads from its environment.
#[derive(Debug, Clone)]
pub struct Config {
    /// `ENVIRONMENT`.
    pub environment: Environment,
    /// `DATABASE_URL`, or composed from `DB_*`, or SQLite under `./data/`.
    pub database_url: DatabaseUrl,
    /// `DB_POOL_SIZE` and `DB_POOL_TIMEOUT_MS`.
    pub pool: PoolOptions,
    /// `JWT_SECRET`; absent in local mode means "generate one per data directory".
    pub jwt_secret: Option<Secret>,
    /// `AUDIT_SECRET`: keys the audit hash chain; absent means "derive from the JWT secret".
    pub audit_secret: Option<Secret>,
    /// `JWT_ALG`.
    pub jwt_algorithm: JwtAlgorithm,
    /// `ACCESS_TOKEN_TTL`.
    pub access_token_ttl: Duration,
    /// `REFRESH_TOKEN_TTL`.
    pub refresh_token_ttl: Duration,
    /// `RATE_LIMIT_PER_MINUTE`.
    pub rate_limit_per_minute: u32,
    /// `OLLAMA_BASE_URL`, resolved per environment.
    pub ollama_base_url: String,
    /// `OLLAMA_TIMEOUT_SECS`: longest silence from Ollama before a call fails.
    pub ollama_timeout: Duration,
    /// `UPLOAD_MAX_MB` in bytes: the largest document upload (refused with 413 while streaming).
    pub upload_max_bytes: u64,
    /// `EMBED_BATCH_SIZE`: chunks per embedding call of an ingestion job.
    pub embed_batch_size: usize,
    /// `JOB_WORKERS`: ingestion jobs this replica runs at once (so embedding calls in flight).
    pub job_workers: usize,
    /// `VECTOR_CACHE_MB` in bytes: the builtin index's in-process copies of collections, least
    /// recently searched dropped first.
    pub vector_cache_bytes: usize,
    /// `ADMIN_BOOTSTRAP_PASSWORD`.
    pub admin_bootstrap_password: Option<Secret>,
    /// `ADMIN_BOOTSTRAP_PASSWORD_FORCE`.
    pub admin_bootstrap_password_force: bool,
    /// `SIGNUP_MODE`.
    pub signup_mode: SignupMode,
    /// `CORS_ORIGINS`.
    pub cors_origins: Vec<String>,
    /// `TRUSTED_PROXIES`: peers whose `X-Forwarded-For` / `Forwarded` headers are believed.
    pub trusted_proxies: crate::http::client_address::TrustedProxies,
    /// `MODEL_REGISTRIES`: registry hosts besides Ollama's own that admins may pull from.
    pub model_registries: Vec<String>,
    /// `REDIS_URL`.
    pub redis_url: Option<Secret>,
    /// `REDIS_KEY_PREFIX`: the namespace of this installation's keys in a shared Redis.
    pub redis_key_prefix: String,
    /// `BIND`.
    pub bind: IpAddr,
    /// `PORT` (0 picks a free port).
    pub port: u16,
    /// `LOG_FORMAT`.
    pub log_format: LogFormat,
    /// The folder for local state (the default SQLite file); created at start when used.
    pub data_dir: PathBuf,
}

/// Every problem found in the environment, reported together so one restart fixes them all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid configuration: {}", .0.join("; "))]
pub struct ConfigError(pub Vec<String>);

impl Config {
    /// Reads the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads configuration through `lookup`, so tests never touch the process environment.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        parse::parse(&|name| lookup(name).filter(|v| !v.trim().is_empty()))
    }

    /// Whether this is a production deployment.
    pub fn is_prod(&self) -> bool {
        self.environment == Environment::Prod
    }
}
