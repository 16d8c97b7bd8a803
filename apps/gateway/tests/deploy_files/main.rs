//! deploy/: the compose files and Kubernetes manifests are parsed and checked (the fields
//! kubectl requires, probes on a declared port, security context, replicas, the migration job,
//! health-gated start), every environment variable they set is one `owp` reads and the settings
//! a production replica needs are all set, and the Dockerfile and nginx config agree with the
//! build and the gateway's limits. No Docker engine or cluster is needed (nginx runs the config
//! for real in nginx_two_replicas.rs).

use std::collections::BTreeSet;
use std::path::PathBuf;

use owp_gateway::config::ENV_VARS;
use yaml_rust2::{Yaml, YamlLoader};

mod images;
mod kubernetes;

fn repo(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(path)
}

fn read(path: &str) -> String {
    std::fs::read_to_string(repo(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn yaml(path: &str) -> Vec<Yaml> {
    YamlLoader::load_from_str(&read(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn str_of<'a>(node: &'a Yaml, what: &str) -> &'a str {
    node.as_str()
        .unwrap_or_else(|| panic!("{what} is not a string: {node:?}"))
}

fn keys(node: &Yaml) -> Vec<String> {
    node.as_hash()
        .map(|h| h.keys().map(|k| str_of(k, "a key").to_owned()).collect())
        .unwrap_or_default()
}

fn assert_known(names: impl IntoIterator<Item = String>, place: &str) {
    for name in names {
        assert!(
            ENV_VARS.contains(&name.as_str()),
            "{place} sets {name}, which owp does not read"
        );
    }
}

/// The names an env file (its committed `.example`) sets.
fn env_file_names(path: &str) -> Vec<String> {
    read(path)
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| l.split('=').next().unwrap_or_default().to_owned())
        .collect()
}

/// What a production deployment of several replicas must set: `ENVIRONMENT=prod` refuses to
/// start without `JWT_SECRET`; without `DB_HOST` and `DB_PASSWORD` it looks for PostgreSQL on
/// localhost with the default password; without `REDIS_URL` each replica allows the whole rate
/// limit; without `TRUSTED_PROXIES` every client behind the proxy shares the proxy's address in
/// sign-in throttles and audit events.
const REQUIRED_IN_PROD: &[&str] = &[
    "ENVIRONMENT",
    "JWT_SECRET",
    "DB_HOST",
    "DB_PASSWORD",
    "REDIS_URL",
    "TRUSTED_PROXIES",
];

fn assert_required_set(names: &BTreeSet<String>, place: &str) {
    for name in REQUIRED_IN_PROD {
        assert!(names.contains(*name), "{place} does not set {name}");
    }
}

fn condition<'a>(service: &'a Yaml, on: &str) -> &'a str {
    str_of(&service["depends_on"][on]["condition"], on)
}

#[test]
fn dev_compose_runs_owp_on_sqlite_after_a_healthy_ollama() {
    let doc = &yaml("deploy/compose.dev.yml")[0];
    let owp = &doc["services"]["owp"];
    assert_eq!(
        str_of(&owp["build"]["dockerfile"], "dockerfile"),
        "deploy/Dockerfile"
    );
    assert_eq!(owp["read_only"].as_bool(), Some(true));
    let env = keys(&owp["environment"]);
    assert!(!env.contains(&"DATABASE_URL".to_owned()) && !env.contains(&"DB_HOST".to_owned()));
    assert_known(env, "compose.dev.yml owp");
    assert!(
        owp["volumes"]
            .as_vec()
            .unwrap()
            .iter()
            .any(|v| str_of(v, "volume").ends_with(":/data"))
    );
    assert_eq!(condition(owp, "ollama"), "service_healthy");
    assert!(
        doc["services"]["ollama"]["healthcheck"]["test"]
            .as_vec()
            .is_some()
    );
}

#[test]
fn prod_compose_migrates_then_starts_two_owp_behind_nginx_in_health_order() {
    let doc = &yaml("deploy/compose.prod.yml")[0];
    let services = &doc["services"];
    let owp_services: Vec<String> = keys(services)
        .into_iter()
        .filter(|name| {
            services[name.as_str()]["image"]
                .as_str()
                .is_some_and(|i| i.starts_with("owp:"))
        })
        .collect();
    assert_eq!(owp_services, ["migrate", "owp-a", "owp-b"]);
    for name in &owp_services {
        let service = &services[name.as_str()];
        let mut set: BTreeSet<String> = keys(&service["environment"]).into_iter().collect();
        assert_known(set.clone(), &format!("compose.prod.yml {name}"));
        for file in service["env_file"].as_vec().unwrap() {
            let example = format!("deploy/{}.example", str_of(file, "env_file"));
            assert_known(env_file_names(&example), &example);
            set.extend(env_file_names(&example));
        }
        if name != "migrate" {
            assert_required_set(&set, &format!("compose.prod.yml {name}"));
        }
        assert_eq!(service["read_only"].as_bool(), Some(true), "{name}");
        assert_eq!(str_of(&service["environment"]["ENVIRONMENT"], name), "prod");
    }
    let migrate = &services["migrate"];
    assert_eq!(
        migrate["command"].as_vec().unwrap(),
        &[Yaml::String("migrate".into())]
    );
    assert_eq!(condition(migrate, "postgres"), "service_healthy");
    for replica in ["owp-a", "owp-b"] {
        assert_eq!(
            condition(&services[replica], "migrate"),
            "service_completed_successfully"
        );
        assert_eq!(condition(&services[replica], "redis"), "service_healthy");
        assert_eq!(condition(&services["nginx"], replica), "service_healthy");
    }
    assert!(str_of(&services["postgres"]["image"], "image").contains("pgvector"));
    for store in ["postgres", "redis"] {
        assert!(
            services[store]["healthcheck"]["test"].as_vec().is_some(),
            "{store}"
        );
    }
    // nginx's fixed address is the one owp trusts for X-Forwarded-For.
    let nginx_ip = str_of(
        &services["nginx"]["networks"]["backend"]["ipv4_address"],
        "ip",
    );
    let trusted = str_of(
        &services["owp-a"]["environment"]["TRUSTED_PROXIES"],
        "proxies",
    );
    assert_eq!(trusted, format!("{nginx_ip}/32"));
}
