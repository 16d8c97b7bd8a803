use std::collections::HashMap;
use std::time::Duration;

use owp_db::Backend;

use super::*;

fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
    let map: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| ((*k).into(), (*v).into()))
        .collect();
    Config::from_lookup(|name| map.get(name).cloned())
}

const STRONG: &str = "0123456789abcdef0123456789abcdef";

#[test]
fn no_configuration_means_local_sqlite_under_data() {
    let c = config(&[]).unwrap();
    assert_eq!(c.environment, Environment::Local);
    assert_eq!(c.database_url.sqlite_path(), Some("./data/owp.db"));
    assert_eq!(c.bind.to_string(), "127.0.0.1");
    assert_eq!(c.port, 8080);
    assert_eq!(c.ollama_base_url, "http://localhost:11434");
    assert_eq!(c.signup_mode, SignupMode::Approval);
    assert_eq!(c.access_token_ttl, Duration::from_secs(900));
    assert_eq!(c.refresh_token_ttl, Duration::from_secs(1_209_600));
    assert_eq!(c.rate_limit_per_minute, 60);
    assert_eq!(c.log_format, LogFormat::Pretty);
    assert!(c.cors_origins.contains(&"http://localhost:5173".to_owned()));
    assert!(c.jwt_secret.is_none());
}

#[test]
fn prod_refuses_missing_or_short_jwt_secret_in_one_line() {
    let missing =
        config(&[("ENVIRONMENT", "prod"), ("DATABASE_URL", "postgres://h/db")]).unwrap_err();
    assert!(
        missing.to_string().contains("JWT_SECRET is required"),
        "{missing}"
    );
    let short = config(&[
        ("ENVIRONMENT", "prod"),
        ("JWT_SECRET", "short"),
        ("DATABASE_URL", "postgres://h/db"),
    ])
    .unwrap_err();
    assert!(short.to_string().contains("at least 32 bytes"), "{short}");
    assert!(!short.to_string().contains('\n'));
}

#[test]
fn prod_defaults_are_cluster_friendly() {
    let c = config(&[("ENVIRONMENT", "prod"), ("JWT_SECRET", STRONG)]).unwrap();
    assert_eq!(c.database_url.backend(), Backend::Postgres);
    assert_eq!(
        c.database_url.redacted(),
        "postgres://app:***@localhost:5432/app"
    );
    assert_eq!(c.bind.to_string(), "0.0.0.0");
    assert_eq!(
        c.ollama_base_url,
        "http://ollama.default.svc.cluster.local:11434"
    );
    assert_eq!(c.log_format, LogFormat::Json);
    assert!(c.cors_origins.is_empty());
}

#[test]
fn db_parts_compose_an_encoded_postgres_url() {
    let c = config(&[
        ("DB_HOST", "db.internal"),
        ("DB_PORT", "6543"),
        ("DB_USER", "owp"),
        ("DB_PASSWORD", "p@ss:w/rd"),
        ("DB_NAME", "workshop"),
    ])
    .unwrap();
    assert_eq!(c.database_url.backend(), Backend::Postgres);
    assert_eq!(
        c.database_url.redacted(),
        "postgres://owp:***@db.internal:6543/workshop"
    );
    assert!(!format!("{c:?}").contains("p@ss"));
}

#[test]
fn explicit_database_url_wins_over_parts() {
    let c = config(&[
        ("DATABASE_URL", "sqlite:///tmp/x.db"),
        ("DB_HOST", "ignored"),
    ])
    .unwrap();
    assert_eq!(c.database_url.sqlite_path(), Some("/tmp/x.db"));
}

#[test]
fn every_problem_is_reported_together() {
    let err = config(&[
        ("ENVIRONMENT", "staging"),
        ("PORT", "99999"),
        ("SIGNUP_MODE", "maybe"),
        ("DATABASE_URL", "mysql://x"),
        ("OLLAMA_BASE_URL", "ftp://x"),
        ("CORS_ORIGINS", "https://ok.example, nope"),
        ("JWT_ALG", "RS256"),
        ("ACCESS_TOKEN_TTL", "0"),
    ])
    .unwrap_err();
    for needle in [
        "ENVIRONMENT",
        "PORT",
        "SIGNUP_MODE",
        "DATABASE_URL",
        "OLLAMA_BASE_URL",
        "CORS_ORIGINS",
        "JWT_ALG",
        "ACCESS_TOKEN_TTL",
    ] {
        assert!(
            err.to_string().contains(needle),
            "{needle} missing from {err}"
        );
    }
}

#[test]
fn force_flag_accepts_the_usual_truthy_words() {
    for yes in ["1", "true", "YES"] {
        assert!(
            config(&[("ADMIN_BOOTSTRAP_PASSWORD_FORCE", yes)])
                .unwrap()
                .admin_bootstrap_password_force
        );
    }
    assert!(
        !config(&[("ADMIN_BOOTSTRAP_PASSWORD_FORCE", "no")])
            .unwrap()
            .admin_bootstrap_password_force
    );
}

#[test]
fn ollama_url_override_and_trailing_slash() {
    let c = config(&[("OLLAMA_BASE_URL", "http://gpu-box:11434/")]).unwrap();
    assert_eq!(c.ollama_base_url, "http://gpu-box:11434");
}

#[test]
fn audit_secret_is_optional_but_strong_in_prod() {
    assert!(config(&[]).unwrap().audit_secret.is_none());
    let local = config(&[("AUDIT_SECRET", "short is fine locally")]).unwrap();
    assert_eq!(
        local.audit_secret.as_ref().map(Secret::expose),
        Some("short is fine locally")
    );
    assert!(!format!("{local:?}").contains("short is fine"));
    let prod = [("ENVIRONMENT", "prod"), ("JWT_SECRET", STRONG)];
    assert!(
        config(&prod).unwrap().audit_secret.is_none(),
        "JWT_SECRET stands in"
    );
    let short = config(&[prod[0], prod[1], ("AUDIT_SECRET", "short")]).unwrap_err();
    assert!(
        short
            .to_string()
            .contains("AUDIT_SECRET must be at least 32 bytes"),
        "{short}"
    );
    assert!(config(&[prod[0], prod[1], ("AUDIT_SECRET", STRONG)]).is_ok());
}

/// The names `from_lookup` asks for, in local mode and in prod (where the `DB_*` parts and the
/// success-only settings are read too).
fn names_read(vars: &[(&str, &str)]) -> std::collections::BTreeSet<String> {
    let read = std::sync::Mutex::new(std::collections::BTreeSet::new());
    let map: HashMap<&str, &str> = vars.iter().copied().collect();
    let parsed = Config::from_lookup(|name| {
        read.lock().unwrap().insert(name.to_owned());
        map.get(name).map(|v| (*v).to_owned())
    });
    assert!(parsed.is_ok(), "{parsed:?}");
    read.into_inner().unwrap()
}

#[test]
fn env_vars_lists_exactly_what_the_config_reads_and_rust_log() {
    let mut read = names_read(&[]);
    read.extend(names_read(&[
        ("ENVIRONMENT", "prod"),
        ("JWT_SECRET", STRONG),
    ]));
    read.insert("RUST_LOG".to_owned());
    let listed: std::collections::BTreeSet<String> =
        ENV_VARS.iter().map(|n| (*n).to_owned()).collect();
    assert_eq!(listed.len(), ENV_VARS.len(), "a name is listed twice");
    assert_eq!(read, listed);
}
