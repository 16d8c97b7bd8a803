//! State shared by every handler.

use owp_credentials::ApiKeyCache;
use owp_db::Database;
use owp_identity::tokens::TokenKeys;

use crate::config::SignupMode;
use crate::ollama_probe::OllamaProbe;
use crate::preparation::Preparation;

/// What handlers reach through `web::Data<AppState>`.
#[derive(Clone)]
pub struct AppState {
    /// The database.
    pub db: Database,
    /// Ollama reachability for readiness.
    pub ollama: OllamaProbe,
    /// Registration policy, shown to clients before sign-in.
    pub signup_mode: SignupMode,
    /// Access-token signing keys.
    pub tokens: TokenKeys,
    /// The key of the audit hash chain (from `AUDIT_SECRET` or the JWT secret).
    pub audit_key: owp_audit::ChainKey,
    /// Verified API keys, so requests skip argon2.
    pub api_keys: ApiKeyCache,
    /// Refresh-token (session) lifetime in seconds.
    pub refresh_ttl_secs: i64,
    /// The Ollama client for model calls.
    pub ollama_client: owp_ollama_client::OllamaClient,
    /// Requests per minute per user or API key.
    pub request_rate: std::sync::Arc<crate::http::shared_limits::RateWindow>,
    /// Failed sign-ins per account and per address.
    pub sign_in_throttle: std::sync::Arc<crate::http::limits::SignInThrottle>,
    /// Proxies whose forwarding headers name the client address.
    pub trusted_proxies: crate::http::client_address::TrustedProxies,
    /// Registry hosts besides Ollama's own that model pulls may name (`MODEL_REGISTRIES`).
    pub model_registries: Vec<String>,
    /// The vector indexes (builtin, and pgvector where offered), shared with the job runner.
    pub indexes: owp_vectors::Indexes,
    /// This replica's ingestion job workers (woken when a job is queued here).
    pub jobs: owp_vectors::jobs::JobRunner,
    /// The largest document upload in bytes (`UPLOAD_MAX_MB`).
    pub upload_max_bytes: u64,
    /// Migrations and bootstrap, for `/readyz` to finish when start-up could not.
    pub preparation: Preparation,
}
