//! `owp doctor`: what an operator checks before opening a browser — the configuration, the
//! database and its migrations, Ollama and its models, and whether the bootstrap admin can sign
//! in — one line each, so a failed deployment says where it broke.

use std::fmt;

use owp_db::Database;
use owp_identity::bootstrap::{AdminState, admin_state};
use owp_ollama_client::{ClientConfig, OllamaClient};

use crate::config::Config;

/// One check's verdict.
pub struct Finding {
    /// What was checked (`database`, `ollama`, …).
    pub name: &'static str,
    /// Whether it passed.
    pub ok: bool,
    /// What was found, or what to do about it.
    pub detail: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let verdict = if self.ok { "ok  " } else { "FAIL" };
        write!(f, "{verdict} {:<10} {}", self.name, self.detail)
    }
}

fn finding(name: &'static str, ok: bool, detail: impl Into<String>) -> Finding {
    Finding {
        name,
        ok,
        detail: detail.into(),
    }
}

/// Runs every check against `config`'s database and Ollama; it reads only.
pub async fn examine(config: &Config) -> Vec<Finding> {
    let mut findings = vec![finding(
        "config",
        true,
        format!(
            "{} environment, database {}",
            if config.is_prod() { "prod" } else { "local" },
            config.database_url.redacted()
        ),
    )];
    findings.extend(database(config).await);
    findings.extend(ollama(config).await);
    findings
}

/// The database answers, its migrations are applied, and the bootstrap admin can sign in.
async fn database(config: &Config) -> Vec<Finding> {
    let db = Database::new(&config.database_url, config.pool);
    let readiness = db.readiness(config.pool.acquire_timeout).await;
    if !readiness.reachable {
        let why = readiness.error.unwrap_or_else(|| "no answer".into());
        return vec![finding("database", false, why)];
    }
    let mut found = vec![finding(
        "database",
        true,
        format!("{} answers", readiness.backend.as_str()),
    )];
    match readiness.pending_migrations {
        Some(0) => found.push(finding("migrations", true, "all applied")),
        Some(n) => {
            found.push(finding(
                "migrations",
                false,
                format!("{n} pending: run `owp migrate`"),
            ));
            return found;
        }
        None => {
            let why = readiness
                .error
                .unwrap_or_else(|| "could not be read".into());
            found.push(finding("migrations", false, why));
            return found;
        }
    }
    // Nothing is pending (checked above): this only marks the handle's schema as ready.
    let admin = match db.migrate_within(config.pool.acquire_timeout).await {
        Ok(_) => db.run(admin_state).await,
        Err(err) => Err(err.into()),
    };
    found.push(match admin {
        Ok(AdminState::Usable) => finding("admin", true, "the bootstrap admin can sign in"),
        Ok(AdminState::Missing) => finding(
            "admin",
            false,
            "no bootstrap admin yet: run `owp seed` (or start `owp serve` once)",
        ),
        Ok(AdminState::Inactive(status)) => {
            finding("admin", false, format!("the bootstrap admin is {status}"))
        }
        Ok(AdminState::NoPassword) => finding(
            "admin",
            false,
            "the bootstrap admin has no password: set ADMIN_BOOTSTRAP_PASSWORD and \
             ADMIN_BOOTSTRAP_PASSWORD_FORCE=true, then run `owp seed`",
        ),
        Err(err) => finding("admin", false, err.to_string()),
    });
    found
}

/// Ollama answers and has at least one model.
async fn ollama(config: &Config) -> Vec<Finding> {
    let client = ClientConfig::new(&config.ollama_base_url)
        .map(|c| c.with_timeout(config.ollama_timeout))
        .and_then(|c| OllamaClient::new(&c));
    let client = match client {
        Ok(client) => client,
        Err(err) => return vec![finding("ollama", false, err.to_string())],
    };
    let version = match client.version().await {
        Ok(version) => version,
        Err(err) => {
            return vec![finding(
                "ollama",
                false,
                format!("{} does not answer: {err}", client.base_url()),
            )];
        }
    };
    let reached = finding(
        "ollama",
        true,
        format!("{} answers (version {version})", client.base_url()),
    );
    let models = match client.list_models().await {
        Ok(models) if models.is_empty() => finding(
            "models",
            false,
            "none installed: pull one, e.g. `ollama pull llama3.2`",
        ),
        Ok(models) => {
            let names: Vec<&str> = models.iter().map(|m| m.name.as_str()).collect();
            finding("models", true, names.join(", "))
        }
        Err(err) => finding("models", false, err.to_string()),
    };
    vec![reached, models]
}
