//! Where Ollama lives and how long to wait for it.
//!
//! The resolution rules are pure functions of their inputs so they can be unit-tested; only
//! [`ClientConfig::from_env`] reads the process environment.

use std::time::Duration;

use reqwest::Url;

use crate::error::{OllamaError, Result};

/// Ollama's address on a developer machine, used when nothing else is configured.
pub const DEFAULT_LOCAL_URL: &str = "http://localhost:11434";

/// Ollama's in-cluster service address, used in production when `OLLAMA_BASE_URL` is unset.
pub const DEFAULT_PROD_URL: &str = "http://ollama.default.svc.cluster.local:11434";

/// How long a read may stall (waiting for headers or for the next chunk) before the call fails
/// with [`OllamaError::Timeout`]; generous because a cold model load can take minutes.
pub const DEFAULT_READ_TIMEOUT: Duration = Duration::from_secs(300);

/// How long establishing the TCP connection may take; short, so a dead host is reported quickly.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// How long Ollama's model list is served from memory before it is refreshed (see
/// `model_cache`): short, so a model pulled on another replica shows up within seconds.
pub const DEFAULT_MODELS_TTL: Duration = Duration::from_secs(2);

/// Everything the client needs to reach Ollama, resolved once at start-up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientConfig {
    /// Root of the Ollama API (always ends with `/`, so `api/...` joins below it).
    pub base_url: Url,
    /// Read timeout: the longest silence tolerated while waiting for headers or the next chunk.
    /// It is not a cap on a whole streamed answer, which may legitimately run for minutes.
    pub timeout: Duration,
    /// Connect timeout: the longest a TCP connection attempt may take.
    pub connect_timeout: Duration,
    /// How long the model list is fresh in memory; zero asks Ollama every time.
    pub models_ttl: Duration,
}

impl ClientConfig {
    /// Configuration for an explicit URL with the default timeouts (tests, tools, other services).
    pub fn new(base_url: &str) -> Result<Self> {
        Ok(Self {
            base_url: parse_base_url(base_url)?,
            timeout: DEFAULT_READ_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            models_ttl: DEFAULT_MODELS_TTL,
        })
    }

    /// Applies the platform's rules to already-read settings: `explicit_url` is
    /// `OLLAMA_BASE_URL`, `prod` says whether `ENVIRONMENT` is `prod`, `timeout_secs` is
    /// `OLLAMA_TIMEOUT_SECS`. Blank values count as unset.
    pub fn resolve(
        explicit_url: Option<&str>,
        prod: bool,
        timeout_secs: Option<&str>,
    ) -> Result<Self> {
        Ok(Self {
            base_url: resolve_base_url(explicit_url, prod)?,
            timeout: resolve_timeout(timeout_secs)?,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            models_ttl: DEFAULT_MODELS_TTL,
        })
    }

    /// Reads `OLLAMA_BASE_URL`, `ENVIRONMENT` and `OLLAMA_TIMEOUT_SECS` and resolves them with
    /// [`ClientConfig::resolve`], so every binary configures Ollama the same way.
    pub fn from_env() -> Result<Self> {
        let explicit = std::env::var("OLLAMA_BASE_URL").ok();
        let environment = std::env::var("ENVIRONMENT").ok();
        let timeout = std::env::var("OLLAMA_TIMEOUT_SECS").ok();
        Self::resolve(
            explicit.as_deref(),
            is_prod(environment.as_deref()),
            timeout.as_deref(),
        )
    }

    /// Replaces the read timeout (tests use a short one to provoke [`OllamaError::Timeout`]).
    #[must_use]
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Replaces how long the model list stays fresh in memory (zero: no cache).
    #[must_use]
    pub fn with_models_ttl(mut self, ttl: Duration) -> Self {
        self.models_ttl = ttl;
        self
    }

    /// Replaces the connect timeout.
    #[must_use]
    pub fn with_connect_timeout(mut self, connect_timeout: Duration) -> Self {
        self.connect_timeout = connect_timeout;
        self
    }
}

/// Picks Ollama's URL: an explicit (non-blank) URL wins; otherwise production uses the in-cluster
/// service and everything else uses localhost. The result is validated by [`parse_base_url`].
pub fn resolve_base_url(explicit: Option<&str>, prod: bool) -> Result<Url> {
    match non_blank(explicit) {
        Some(url) => parse_base_url(url),
        None if prod => parse_base_url(DEFAULT_PROD_URL),
        None => parse_base_url(DEFAULT_LOCAL_URL),
    }
}

/// Parses `OLLAMA_TIMEOUT_SECS` (a positive whole number of seconds); unset or blank gives
/// [`DEFAULT_READ_TIMEOUT`].
pub fn resolve_timeout(raw: Option<&str>) -> Result<Duration> {
    let Some(raw) = non_blank(raw) else {
        return Ok(DEFAULT_READ_TIMEOUT);
    };
    match raw.parse::<u64>() {
        Ok(secs) if secs > 0 => Ok(Duration::from_secs(secs)),
        _ => Err(OllamaError::InvalidConfig(format!(
            "OLLAMA_TIMEOUT_SECS must be a positive whole number of seconds, got {raw:?}"
        ))),
    }
}

/// Validates an Ollama base URL: absolute `http`/`https` with a host, no query or fragment.
/// The path is kept (Ollama may sit behind a path prefix) and given a trailing `/`.
pub fn parse_base_url(raw: &str) -> Result<Url> {
    let raw = raw.trim();
    let mut url = Url::parse(raw).map_err(|err| {
        OllamaError::InvalidConfig(format!("OLLAMA_BASE_URL {raw:?} is not a valid URL: {err}"))
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(OllamaError::InvalidConfig(format!(
            "OLLAMA_BASE_URL {raw:?} must use http or https, not {:?}",
            url.scheme()
        )));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(OllamaError::InvalidConfig(format!(
            "OLLAMA_BASE_URL {raw:?} has no host"
        )));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(OllamaError::InvalidConfig(format!(
            "OLLAMA_BASE_URL {raw:?} must not carry a query or fragment"
        )));
    }
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    Ok(url)
}

/// Whether an `ENVIRONMENT` value selects production.
fn is_prod(environment: Option<&str>) -> bool {
    non_blank(environment).is_some_and(|env| env.eq_ignore_ascii_case("prod"))
}

fn non_blank(value: Option<&str>) -> Option<&str> {
    value.map(str::trim).filter(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explicit_url_wins_even_in_prod() {
        let url = resolve_base_url(Some("http://gpu-box:11434"), true).unwrap();
        assert_eq!(url.as_str(), "http://gpu-box:11434/");
    }

    #[test]
    fn prod_without_explicit_url_uses_cluster_service() {
        let url = resolve_base_url(None, true).unwrap();
        assert_eq!(
            url.as_str(),
            "http://ollama.default.svc.cluster.local:11434/"
        );
    }

    #[test]
    fn local_without_explicit_url_uses_localhost() {
        assert_eq!(
            resolve_base_url(None, false).unwrap().as_str(),
            "http://localhost:11434/"
        );
    }

    #[test]
    fn blank_explicit_url_counts_as_unset() {
        assert_eq!(
            resolve_base_url(Some("   "), false).unwrap().as_str(),
            "http://localhost:11434/"
        );
    }

    #[test]
    fn path_prefix_is_kept_with_trailing_slash() {
        let url = parse_base_url(" https://proxy.example/ollama ").unwrap();
        assert_eq!(url.as_str(), "https://proxy.example/ollama/");
        assert_eq!(
            url.join("api/tags").unwrap().as_str(),
            "https://proxy.example/ollama/api/tags"
        );
    }

    #[test]
    fn non_http_scheme_is_refused_with_a_clear_message() {
        let err = parse_base_url("ftp://host:11434").unwrap_err();
        assert!(matches!(err, OllamaError::InvalidConfig(_)));
        assert!(err.to_string().contains("must use http or https"), "{err}");
    }

    #[test]
    fn garbage_and_query_are_refused() {
        assert!(matches!(
            parse_base_url("localhost:11434 nope"),
            Err(OllamaError::InvalidConfig(_))
        ));
        let err = parse_base_url("http://h:1/?x=1").unwrap_err();
        assert!(err.to_string().contains("query or fragment"), "{err}");
    }

    #[test]
    fn timeout_defaults_and_parses() {
        assert_eq!(resolve_timeout(None).unwrap(), DEFAULT_READ_TIMEOUT);
        assert_eq!(resolve_timeout(Some("")).unwrap(), DEFAULT_READ_TIMEOUT);
        assert_eq!(
            resolve_timeout(Some(" 42 ")).unwrap(),
            Duration::from_secs(42)
        );
    }

    #[test]
    fn zero_or_non_numeric_timeout_is_refused() {
        for raw in ["0", "-3", "5s", "1.5"] {
            let err = resolve_timeout(Some(raw)).unwrap_err();
            assert!(
                err.to_string().contains("OLLAMA_TIMEOUT_SECS"),
                "{raw}: {err}"
            );
        }
    }

    #[test]
    fn resolve_combines_all_settings() {
        let config = ClientConfig::resolve(None, true, Some("7")).unwrap();
        assert_eq!(
            config.base_url.as_str(),
            "http://ollama.default.svc.cluster.local:11434/"
        );
        assert_eq!(config.timeout, Duration::from_secs(7));
        assert_eq!(config.connect_timeout, DEFAULT_CONNECT_TIMEOUT);
    }

    #[test]
    fn prod_detection_is_case_insensitive_and_strict() {
        assert!(is_prod(Some("PROD")));
        assert!(is_prod(Some(" prod ")));
        assert!(!is_prod(Some("local")));
        assert!(!is_prod(None));
    }
}
