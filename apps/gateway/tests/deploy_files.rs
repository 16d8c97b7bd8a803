//! deploy/: the compose files and Kubernetes manifests are parsed and checked (the fields
//! kubectl requires, probes on a declared port, security context, replicas, the migration job,
//! health-gated start), every environment variable they set is one `owp` reads and the settings
//! a production replica needs are all set, and the Dockerfile and nginx config agree with the
//! build and the gateway's limits. No Docker engine or cluster is needed (nginx runs the config
//! for real in nginx_two_replicas.rs).

use std::collections::BTreeSet;
use std::path::PathBuf;

use owp_gateway::config::ENV_VARS;
use owp_gateway::http::extract::JSON_BODY_LIMIT;
use yaml_rust2::{Yaml, YamlLoader};

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

/// The documents of deploy/k8s, by kind.
struct Manifests(Vec<Yaml>);

impl Manifests {
    fn load() -> Self {
        let mut docs = Vec::new();
        for entry in std::fs::read_dir(repo("deploy/k8s")).unwrap() {
            let name = entry.unwrap().file_name().into_string().unwrap();
            if name.ends_with(".yaml") && name != "kustomization.yaml" {
                docs.extend(yaml(&format!("deploy/k8s/{name}")));
            }
        }
        Self(docs)
    }

    fn kind(&self, kind: &str) -> &Yaml {
        let found: Vec<&Yaml> = self
            .0
            .iter()
            .filter(|d| d["kind"].as_str() == Some(kind))
            .collect();
        assert_eq!(found.len(), 1, "one {kind}");
        found[0]
    }
}

fn assert_locked_down(pod: &Yaml, what: &str) {
    assert_eq!(
        pod["securityContext"]["runAsNonRoot"].as_bool(),
        Some(true),
        "{what}"
    );
    for container in pod["containers"].as_vec().unwrap() {
        let security = &container["securityContext"];
        assert_eq!(
            security["readOnlyRootFilesystem"].as_bool(),
            Some(true),
            "{what}"
        );
        assert_eq!(
            security["allowPrivilegeEscalation"].as_bool(),
            Some(false),
            "{what}"
        );
        assert!(
            container["resources"]["requests"].as_hash().is_some(),
            "{what}"
        );
        assert!(
            container["resources"]["limits"].as_hash().is_some(),
            "{what}"
        );
        let sources: BTreeSet<&str> = container["envFrom"]
            .as_vec()
            .unwrap()
            .iter()
            .map(|source| {
                let reference = if source["configMapRef"].is_badvalue() {
                    &source["secretRef"]
                } else {
                    &source["configMapRef"]
                };
                str_of(&reference["name"], "envFrom")
            })
            .collect();
        assert_eq!(
            sources,
            BTreeSet::from(["owp-config", "owp-secrets"]),
            "{what}"
        );
    }
}

#[test]
fn kubernetes_manifests_have_the_fields_kubectl_requires() {
    let manifests = Manifests::load();
    for doc in &manifests.0 {
        let kind = str_of(&doc["kind"], "kind");
        assert!(
            doc["apiVersion"].as_str().is_some(),
            "{kind} has no apiVersion"
        );
        let name = str_of(&doc["metadata"]["name"], "metadata.name");
        if kind != "Namespace" {
            assert_eq!(
                doc["metadata"]["namespace"].as_str(),
                Some("owp"),
                "{kind} {name}"
            );
        }
    }
    for kind in ["Deployment", "Job"] {
        let spec = &manifests.kind(kind)["spec"];
        for container in spec["template"]["spec"]["containers"].as_vec().unwrap() {
            assert!(
                container["name"].as_str().is_some(),
                "{kind} container name"
            );
            assert!(
                container["image"].as_str().is_some(),
                "{kind} container image"
            );
        }
    }
    let deployment = &manifests.kind("Deployment")["spec"];
    assert_eq!(
        deployment["selector"]["matchLabels"], deployment["template"]["metadata"]["labels"],
        "the Deployment selects its own pods"
    );
}

/// Whether `port` (a number or a name) is one the container declares.
fn declares_port(container: &Yaml, port: &Yaml) -> bool {
    container["ports"]
        .as_vec()
        .unwrap()
        .iter()
        .any(|declared| match port {
            Yaml::Integer(number) => declared["containerPort"].as_i64() == Some(*number),
            Yaml::String(name) => declared["name"].as_str() == Some(name.as_str()),
            _ => false,
        })
}

#[test]
fn kubernetes_manifests_have_probes_replicas_a_locked_down_pod_and_a_migrate_job() {
    let manifests = Manifests::load();

    let deployment = manifests.kind("Deployment");
    assert_eq!(deployment["spec"]["replicas"].as_i64(), Some(2));
    let pod = &deployment["spec"]["template"]["spec"];
    assert_locked_down(pod, "Deployment");
    let container = &pod["containers"][0];
    assert_eq!(
        str_of(&container["livenessProbe"]["httpGet"]["path"], "liveness"),
        "/healthz"
    );
    assert_eq!(
        str_of(&container["readinessProbe"]["httpGet"]["path"], "readiness"),
        "/readyz"
    );
    for probe in ["livenessProbe", "readinessProbe"] {
        assert!(
            declares_port(container, &container[probe]["httpGet"]["port"]),
            "{probe} asks a port the container does not declare"
        );
    }
    assert_eq!(container["ports"][0]["containerPort"].as_i64(), Some(8080));
    assert!(
        declares_port(
            container,
            &manifests.kind("Service")["spec"]["ports"][0]["targetPort"]
        ),
        "the Service targets a port the container does not declare"
    );
    let tmp = container["volumeMounts"]
        .as_vec()
        .unwrap()
        .iter()
        .find(|m| m["mountPath"].as_str() == Some("/tmp"))
        .expect("/tmp is mounted");
    let volume = pod["volumes"]
        .as_vec()
        .unwrap()
        .iter()
        .find(|v| v["name"] == tmp["name"])
        .expect("the /tmp volume");
    assert!(volume["emptyDir"].as_hash().is_some());

    let job = manifests.kind("Job");
    let job_pod = &job["spec"]["template"]["spec"];
    assert_locked_down(job_pod, "Job");
    assert_eq!(
        job_pod["containers"][0]["args"].as_vec().unwrap(),
        &[Yaml::String("migrate".into())]
    );
    assert_eq!(job_pod["containers"][0]["image"], container["image"]);

    let config_names = keys(&manifests.kind("ConfigMap")["data"]);
    let secret_names = keys(&manifests.kind("Secret")["stringData"]);
    assert_known(config_names.clone(), "ConfigMap");
    assert_known(secret_names.clone(), "Secret template");
    assert_required_set(
        &config_names.into_iter().chain(secret_names).collect(),
        "the ConfigMap with the Secret template",
    );
    assert_eq!(
        str_of(&manifests.kind("ConfigMap")["metadata"]["name"], "name"),
        "owp-config"
    );
    assert_eq!(
        str_of(&manifests.kind("Secret")["metadata"]["name"], "name"),
        "owp-secrets"
    );

    let labels = &deployment["spec"]["template"]["metadata"]["labels"];
    assert_eq!(
        &manifests.kind("PodDisruptionBudget")["spec"]["selector"]["matchLabels"],
        labels
    );
    assert_eq!(&manifests.kind("Service")["spec"]["selector"], labels);
    let hpa = &manifests.kind("HorizontalPodAutoscaler")["spec"];
    assert!(hpa["minReplicas"].as_i64().unwrap() >= 2);
    assert_eq!(
        hpa["scaleTargetRef"]["name"],
        deployment["metadata"]["name"]
    );

    let annotations = &manifests.kind("Ingress")["metadata"]["annotations"];
    assert_eq!(
        str_of(
            &annotations["nginx.ingress.kubernetes.io/proxy-buffering"],
            "buffering"
        ),
        "off"
    );
    for timeout in ["proxy-read-timeout", "proxy-send-timeout"] {
        let secs: u64 = str_of(
            &annotations[format!("nginx.ingress.kubernetes.io/{timeout}").as_str()],
            timeout,
        )
        .parse()
        .unwrap();
        assert!(secs >= 600, "{timeout} {secs}");
    }
}

#[test]
fn kustomization_lists_every_manifest_but_the_secret_template() {
    let kustomization = &yaml("deploy/k8s/kustomization.yaml")[0];
    let listed: BTreeSet<String> = kustomization["resources"]
        .as_vec()
        .unwrap()
        .iter()
        .map(|r| str_of(r, "resource").to_owned())
        .collect();
    let present: BTreeSet<String> = std::fs::read_dir(repo("deploy/k8s"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".yaml") && n != "kustomization.yaml" && n != "secret.example.yaml")
        .collect();
    assert_eq!(listed, present);
}

/// Dockerfile instructions with their continuation lines joined.
fn dockerfile_instructions() -> Vec<String> {
    let mut instructions = Vec::new();
    let mut current = String::new();
    for line in read("deploy/Dockerfile").lines() {
        let line = line.trim();
        if line.starts_with('#') || (line.is_empty() && current.is_empty()) {
            continue;
        }
        match line.strip_suffix('\\') {
            Some(part) => current.push_str(part),
            None => {
                current.push_str(line);
                instructions.push(std::mem::take(&mut current));
            }
        }
    }
    instructions
}

#[test]
fn dockerfile_builds_like_make_run_and_checks_itself_with_owp_health() {
    let instructions = dockerfile_instructions();
    let makefile = read("Makefile");
    let make_run_build = makefile
        .lines()
        .find(|l| l.contains("build --release") && l.contains("--features spa"))
        .expect("make run's cargo build")
        .trim()
        .replace("$(CARGO)", "cargo");
    let runs: Vec<&String> = instructions
        .iter()
        .filter(|i| i.starts_with("RUN "))
        .collect();
    assert!(
        runs.iter()
            .any(|r| r.starts_with(&format!("RUN {make_run_build}"))),
        "{runs:?}"
    );
    assert!(make_run_build.contains("--locked"));
    assert!(runs.iter().any(|r| r.starts_with("RUN npm ci")));
    assert!(makefile.contains("cd web && npm run build"));
    assert!(runs.iter().any(|r| r.trim() == "RUN npm run build"));

    let has = |prefix: &str| instructions.iter().any(|i| i.starts_with(prefix));
    assert!(has("EXPOSE 8080"));
    assert!(has("USER 65532"));
    assert!(has("VOLUME [\"/data\"]"));
    let healthcheck = instructions
        .iter()
        .find(|i| i.starts_with("HEALTHCHECK"))
        .unwrap();
    assert!(
        healthcheck.contains(r#"CMD ["/usr/local/bin/owp", "health"]"#),
        "{healthcheck}"
    );
    assert!(has("LABEL org.opencontainers.image.title="));
    let env = instructions.iter().filter(|i| i.starts_with("ENV "));
    let names = env.flat_map(|i| {
        i["ENV ".len()..]
            .split_whitespace()
            .map(|pair| pair.split('=').next().unwrap_or_default().to_owned())
            .collect::<Vec<_>>()
    });
    assert_known(names, "Dockerfile");
}

#[test]
fn nginx_streams_unbuffered_and_limits_bodies_like_the_gateway() {
    let conf = read("deploy/nginx/owp.conf");
    let limit_mib = JSON_BODY_LIMIT / (1024 * 1024);
    assert!(conf.contains(&format!("client_max_body_size {limit_mib}m;")));
    for route in [
        "/api/v1/chat",
        "/v1/chat/completions",
        "/ollama/",
        "~ ^/api/v1/(rag-systems/[^/]+/query|jobs/[^/]+/events)$",
    ] {
        let block = conf
            .split(&format!("location {route} {{"))
            .nth(1)
            .unwrap_or_else(|| panic!("no location for {route}"));
        let block = &block[..block.find('}').unwrap()];
        assert!(block.contains("proxy_buffering off;"), "{route}");
        assert!(block.contains("proxy_read_timeout 3600s;"), "{route}");
    }
    let uploads = conf
        .split("location = /api/v1/documents {")
        .nth(1)
        .expect("no location for document uploads");
    let uploads = &uploads[..uploads.find('}').unwrap()];
    assert!(
        uploads.contains("client_max_body_size 50m;"),
        "UPLOAD_MAX_MB's default"
    );
    assert!(uploads.contains("proxy_request_buffering off;"));
    assert!(conf.contains("proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;"));
    assert!(conf.contains("proxy_set_header X-Forwarded-Proto $scheme;"));
    assert!(conf.contains("TRUSTED_PROXIES"));
}
