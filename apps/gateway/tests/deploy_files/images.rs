//! The Dockerfile and the nginx config agree with the build and the gateway's limits.

use owp_gateway::http::extract::JSON_BODY_LIMIT;

use super::{assert_known, read};

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
