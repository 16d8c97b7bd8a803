//! State shared by every handler.

use owp_db::Database;

use crate::config::SignupMode;
use crate::ollama_probe::OllamaProbe;

/// What handlers reach through `web::Data<AppState>`.
#[derive(Clone)]
pub struct AppState {
    /// The database.
    pub db: Database,
    /// Ollama reachability for readiness.
    pub ollama: OllamaProbe,
    /// Registration policy, shown to clients before sign-in.
    pub signup_mode: SignupMode,
}
