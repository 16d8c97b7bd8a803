//! The parsing rules behind [`super::Config::from_lookup`].

use std::net::{IpAddr, Ipv4Addr};
use std::path::PathBuf;
use std::time::Duration;

use owp_db::{DatabaseUrl, PoolOptions};

use super::{Config, ConfigError, Environment, JwtAlgorithm, LogFormat, Secret, SignupMode};

type Lookup<'a> = &'a dyn Fn(&str) -> Option<String>;

/// Shortest `JWT_SECRET` (and `AUDIT_SECRET`) accepted in prod: 32 bytes is HS256's key size.
const MIN_PROD_SECRET_BYTES: usize = 32;
const DEFAULT_DATA_DIR: &str = "./data";
const PROD_OLLAMA_URL: &str = "http://ollama.default.svc.cluster.local:11434";
const LOCAL_OLLAMA_URL: &str = "http://localhost:11434";
const LOCAL_CORS_ORIGINS: [&str; 4] = [
    "http://localhost:5173",
    "http://127.0.0.1:5173",
    "http://localhost:8080",
    "http://127.0.0.1:8080",
];

/// Collects problems instead of stopping at the first, so one message lists them all.
struct Problems(Vec<String>);

impl Problems {
    fn check<T>(&mut self, result: Result<T, String>) -> Option<T> {
        result.map_err(|e| self.0.push(e)).ok()
    }
}

pub(super) fn parse(env: Lookup<'_>) -> Result<Config, ConfigError> {
    let mut problems = Problems(Vec::new());
    let environment = problems
        .check(choice(
            env,
            "ENVIRONMENT",
            &[("local", Environment::Local), ("prod", Environment::Prod)],
        ))
        .flatten()
        .unwrap_or(Environment::Local);
    let prod = environment == Environment::Prod;
    let data_dir = PathBuf::from(DEFAULT_DATA_DIR);

    let database_url = problems.check(database_url(env, prod, &data_dir));
    let pool = PoolOptions {
        max_size: problems
            .check(number(env, "DB_POOL_SIZE", 1..=1000))
            .flatten()
            .unwrap_or(PoolOptions::default().max_size),
        acquire_timeout: problems
            .check(number(env, "DB_POOL_TIMEOUT_MS", 1..=600_000))
            .flatten()
            .map(Duration::from_millis)
            .unwrap_or(PoolOptions::default().acquire_timeout),
        ..PoolOptions::default()
    };
    let jwt_secret = problems.check(jwt_secret(env, prod)).flatten();
    let audit_secret = problems.check(audit_secret(env, prod)).flatten();
    let jwt_algorithm = problems
        .check(choice(
            env,
            "JWT_ALG",
            &[
                ("HS256", JwtAlgorithm::Hs256),
                ("HS384", JwtAlgorithm::Hs384),
                ("HS512", JwtAlgorithm::Hs512),
            ],
        ))
        .flatten()
        .unwrap_or(JwtAlgorithm::Hs256);
    let access_token_ttl = seconds(&mut problems, env, "ACCESS_TOKEN_TTL", 900);
    let refresh_token_ttl = seconds(&mut problems, env, "REFRESH_TOKEN_TTL", 1_209_600);
    let rate_limit_per_minute = problems
        .check(number(env, "RATE_LIMIT_PER_MINUTE", 1..=1_000_000))
        .flatten()
        .unwrap_or(60);
    let embed_batch_size: usize = problems
        .check(number(env, "EMBED_BATCH_SIZE", 1..=512))
        .flatten()
        .unwrap_or(16);
    let job_workers: usize = problems
        .check(number(env, "JOB_WORKERS", 1..=32))
        .flatten()
        .unwrap_or(2);
    let vector_cache_mb: usize = problems
        .check(number(env, "VECTOR_CACHE_MB", 16..=65_536))
        .flatten()
        .unwrap_or(owp_vectors::DEFAULT_CACHE_BYTES / (1024 * 1024));
    let upload_max_mb: u64 = problems
        .check(number(env, "UPLOAD_MAX_MB", 1..=10_240))
        .flatten()
        .unwrap_or(50);
    let ollama_base_url = problems
        .check(ollama_base_url(env, prod))
        .unwrap_or_default();
    let ollama_timeout = seconds(&mut problems, env, "OLLAMA_TIMEOUT_SECS", 300);
    let signup_mode = problems
        .check(choice(
            env,
            "SIGNUP_MODE",
            &[
                ("approval", SignupMode::Approval),
                ("open", SignupMode::Open),
                ("closed", SignupMode::Closed),
            ],
        ))
        .flatten()
        .unwrap_or(SignupMode::Approval);
    let cors_origins = problems.check(cors_origins(env, prod)).unwrap_or_default();
    let bind = problems
        .check(parsed::<IpAddr>(env, "BIND"))
        .flatten()
        .unwrap_or(if prod {
            IpAddr::V4(Ipv4Addr::UNSPECIFIED)
        } else {
            IpAddr::V4(Ipv4Addr::LOCALHOST)
        });
    let port = problems
        .check(number(env, "PORT", 0..=65_535))
        .flatten()
        .unwrap_or(8080);
    let log_format = problems
        .check(choice(
            env,
            "LOG_FORMAT",
            &[("json", LogFormat::Json), ("pretty", LogFormat::Pretty)],
        ))
        .flatten()
        .unwrap_or(if prod {
            LogFormat::Json
        } else {
            LogFormat::Pretty
        });
    let trusted_proxies = problems
        .check(
            crate::http::client_address::TrustedProxies::parse(
                &env("TRUSTED_PROXIES").unwrap_or_default(),
            )
            .map_err(|e| format!("TRUSTED_PROXIES: {e}")),
        )
        .unwrap_or_default();
    let model_registries = env("MODEL_REGISTRIES")
        .unwrap_or_default()
        .split(',')
        .map(|h| h.trim().to_ascii_lowercase())
        .filter(|h| !h.is_empty())
        .collect();
    let admin_bootstrap_password = env("ADMIN_BOOTSTRAP_PASSWORD").map(Secret::new);
    if prod
        && admin_bootstrap_password
            .as_ref()
            .is_some_and(|p| p.expose().len() < 12)
    {
        problems.0.push(
            "ADMIN_BOOTSTRAP_PASSWORD must be at least 12 characters when ENVIRONMENT=prod".into(),
        );
    }

    match (problems.0.is_empty(), database_url) {
        (true, Some(database_url)) => Ok(Config {
            environment,
            database_url,
            pool,
            jwt_secret,
            audit_secret,
            jwt_algorithm,
            access_token_ttl,
            refresh_token_ttl,
            rate_limit_per_minute: u32::try_from(rate_limit_per_minute).unwrap_or(u32::MAX),
            ollama_base_url,
            ollama_timeout,
            upload_max_bytes: upload_max_mb * 1024 * 1024,
            embed_batch_size,
            job_workers,
            vector_cache_bytes: vector_cache_mb * 1024 * 1024,
            admin_bootstrap_password,
            admin_bootstrap_password_force: truthy(
                env("ADMIN_BOOTSTRAP_PASSWORD_FORCE").as_deref(),
            ),
            signup_mode,
            cors_origins,
            trusted_proxies,
            model_registries,
            redis_url: env("REDIS_URL").map(Secret::new),
            redis_key_prefix: env("REDIS_KEY_PREFIX")
                .filter(|p| !p.trim().is_empty())
                .unwrap_or_else(|| "owp".to_owned()),
            bind,
            port: u16::try_from(port).unwrap_or(8080),
            log_format,
            data_dir,
        }),
        _ => Err(ConfigError(problems.0)),
    }
}

fn choice<T: Copy>(
    env: Lookup<'_>,
    name: &str,
    options: &[(&str, T)],
) -> Result<Option<T>, String> {
    let Some(raw) = env(name) else {
        return Ok(None);
    };
    options
        .iter()
        .find(|(key, _)| key.eq_ignore_ascii_case(raw.trim()))
        .map(|(_, value)| Some(*value))
        .ok_or_else(|| {
            let keys: Vec<&str> = options.iter().map(|(k, _)| *k).collect();
            format!("{name} must be one of {} (got {raw:?})", keys.join(", "))
        })
}

fn parsed<T: std::str::FromStr>(env: Lookup<'_>, name: &str) -> Result<Option<T>, String> {
    let Some(raw) = env(name) else {
        return Ok(None);
    };
    raw.trim()
        .parse()
        .map(Some)
        .map_err(|_| format!("{name} is not valid (got {raw:?})"))
}

fn number<T>(
    env: Lookup<'_>,
    name: &str,
    range: std::ops::RangeInclusive<T>,
) -> Result<Option<T>, String>
where
    T: std::str::FromStr + PartialOrd + std::fmt::Display + Copy,
{
    let Some(raw) = env(name) else {
        return Ok(None);
    };
    match raw.trim().parse::<T>() {
        Ok(n) if range.contains(&n) => Ok(Some(n)),
        _ => Err(format!(
            "{name} must be a whole number from {} to {} (got {raw:?})",
            range.start(),
            range.end()
        )),
    }
}

fn seconds(problems: &mut Problems, env: Lookup<'_>, name: &str, default: u64) -> Duration {
    let secs = problems
        .check(number(env, name, 1..=31_536_000))
        .flatten()
        .unwrap_or(default);
    Duration::from_secs(secs)
}

fn truthy(raw: Option<&str>) -> bool {
    raw.is_some_and(|v| matches!(v.trim().to_ascii_lowercase().as_str(), "1" | "true" | "yes"))
}

fn database_url(
    env: Lookup<'_>,
    prod: bool,
    data_dir: &std::path::Path,
) -> Result<DatabaseUrl, String> {
    if let Some(url) = env("DATABASE_URL") {
        return DatabaseUrl::parse(&url).map_err(|e| format!("DATABASE_URL: {e}"));
    }
    if env("DB_HOST").is_some() || prod {
        let part = |name: &str, default: &str| env(name).unwrap_or_else(|| default.to_owned());
        let port = number(env, "DB_PORT", 1..=65_535u16)?.unwrap_or(5432);
        let url = format!(
            "postgres://{}:{}@{}:{port}/{}",
            percent_encode(&part("DB_USER", "app")),
            percent_encode(&part("DB_PASSWORD", "app")),
            part("DB_HOST", "localhost"),
            percent_encode(&part("DB_NAME", "app")),
        );
        return DatabaseUrl::parse(&url).map_err(|e| format!("DB_* settings: {e}"));
    }
    let path = data_dir.join("owp.db");
    DatabaseUrl::parse(&format!("sqlite://{}", path.display())).map_err(|e| e.to_string())
}

fn jwt_secret(env: Lookup<'_>, prod: bool) -> Result<Option<Secret>, String> {
    match env("JWT_SECRET") {
        Some(secret) if prod && secret.len() < MIN_PROD_SECRET_BYTES => Err(format!(
            "JWT_SECRET must be at least {MIN_PROD_SECRET_BYTES} bytes when ENVIRONMENT=prod (got {})",
            secret.len()
        )),
        Some(secret) => Ok(Some(Secret::new(secret))),
        None if prod => Err(format!(
            "JWT_SECRET is required when ENVIRONMENT=prod (at least {MIN_PROD_SECRET_BYTES} random bytes)"
        )),
        None => Ok(None),
    }
}

/// `AUDIT_SECRET` is optional (the JWT secret stands in for it), but in prod one that is given
/// must be as strong as `JWT_SECRET`.
fn audit_secret(env: Lookup<'_>, prod: bool) -> Result<Option<Secret>, String> {
    match env("AUDIT_SECRET") {
        Some(secret) if prod && secret.len() < MIN_PROD_SECRET_BYTES => Err(format!(
            "AUDIT_SECRET must be at least {MIN_PROD_SECRET_BYTES} bytes when ENVIRONMENT=prod (got {})",
            secret.len()
        )),
        other => Ok(other.map(Secret::new)),
    }
}

fn ollama_base_url(env: Lookup<'_>, prod: bool) -> Result<String, String> {
    let url = env("OLLAMA_BASE_URL").unwrap_or_else(|| {
        if prod {
            PROD_OLLAMA_URL
        } else {
            LOCAL_OLLAMA_URL
        }
        .to_owned()
    });
    let url = url.trim().trim_end_matches('/').to_owned();
    if url.starts_with("http://") || url.starts_with("https://") {
        Ok(url)
    } else {
        Err(format!(
            "OLLAMA_BASE_URL must start with http:// or https:// (got {url:?})"
        ))
    }
}

fn cors_origins(env: Lookup<'_>, prod: bool) -> Result<Vec<String>, String> {
    let Some(raw) = env("CORS_ORIGINS") else {
        return Ok(if prod {
            Vec::new()
        } else {
            LOCAL_CORS_ORIGINS.iter().map(|o| (*o).to_owned()).collect()
        });
    };
    raw.split(',')
        .map(str::trim)
        .filter(|o| !o.is_empty())
        .map(|origin| {
            let valid = (origin.starts_with("http://") || origin.starts_with("https://"))
                && !origin.ends_with('/')
                && !origin.contains(' ');
            if valid {
                Ok(origin.to_owned())
            } else {
                Err(format!(
                    "CORS_ORIGINS entries must look like https://host[:port] without a path (got {origin:?})"
                ))
            }
        })
        .collect()
}

/// Encodes a URL component: everything but RFC 3986 unreserved characters.
fn percent_encode(raw: &str) -> String {
    raw.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
