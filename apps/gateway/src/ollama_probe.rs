//! Ollama reachability for `/readyz`: informational, since the platform's accounts, content and
//! audit keep working while Ollama is down.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Short enough that a probe never outlives Kubernetes' one-second default.
const PROBE_TIMEOUT: Duration = Duration::from_millis(500);

/// Asks Ollama for its version.
#[derive(Clone)]
pub struct OllamaProbe {
    client: reqwest::Client,
    version_url: String,
}

/// What the probe found.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OllamaStatus {
    /// Whether Ollama answered.
    pub reachable: bool,
    /// Ollama's version, when it answered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Why it is not reachable, when it is not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

#[derive(Deserialize)]
struct VersionAnswer {
    version: String,
}

impl OllamaProbe {
    /// A probe of the Ollama at `base_url`.
    pub fn new(base_url: &str) -> Self {
        let client = reqwest::Client::builder()
            .timeout(PROBE_TIMEOUT)
            .connect_timeout(PROBE_TIMEOUT)
            .build()
            .unwrap_or_default();
        Self {
            client,
            version_url: format!("{base_url}/api/version"),
        }
    }

    /// Probes now.
    pub async fn status(&self) -> OllamaStatus {
        let answer = async {
            let response = self.client.get(&self.version_url).send().await?;
            response.error_for_status()?.json::<VersionAnswer>().await
        }
        .await;
        match answer {
            Ok(answer) => OllamaStatus {
                reachable: true,
                version: Some(answer.version),
                error: None,
            },
            Err(err) => OllamaStatus {
                reachable: false,
                version: None,
                error: Some(describe(&err)),
            },
        }
    }
}

fn describe(err: &reqwest::Error) -> String {
    if err.is_timeout() {
        "Ollama did not answer in time".into()
    } else if err.is_connect() {
        "Ollama is not reachable".into()
    } else if let Some(status) = err.status() {
        format!("Ollama answered {status}")
    } else {
        "Ollama gave an unexpected answer".into()
    }
}
