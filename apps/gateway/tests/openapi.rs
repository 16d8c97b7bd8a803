//! The OpenAPI document and the browsable `/docs` page.

use std::collections::BTreeSet;

use owp_testkit::{Backend, TestApp, on_both_backends};
use serde_json::Value;

on_both_backends!(
    openapi_is_3_1_and_lists_every_route,
    docs_page_loads_only_local_assets
);

/// Routes that must be documented; the role × route matrix (matrix/) checks that the
/// document lists exactly the routes the table covers.
const ROUTES: [(&str, &str); 6] = [
    ("get", "/healthz"),
    ("get", "/readyz"),
    ("get", "/metrics"),
    ("get", "/api/v1/instance"),
    ("post", "/api/v1/auth/login"),
    ("get", "/api/v1/users/{id}"),
];

async fn openapi_is_3_1_and_lists_every_route(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let res = app.get("/openapi.json").await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "application/json");
    let spec: Value = res.json().await.unwrap();
    // Served from the bytes encoded at start: the same document the binary prints.
    assert_eq!(
        spec,
        serde_json::to_value(owp_gateway::openapi::spec()).unwrap()
    );
    assert!(
        spec["openapi"].as_str().unwrap().starts_with("3.1."),
        "{}",
        spec["openapi"]
    );
    assert_eq!(spec["info"]["version"], env!("CARGO_PKG_VERSION"));

    let listed: BTreeSet<(String, String)> = spec["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, item)| {
            item.as_object()
                .unwrap()
                .keys()
                .map(move |method| (method.clone(), path.clone()))
        })
        .collect();
    let expected: BTreeSet<(String, String)> = ROUTES
        .iter()
        .map(|(m, p)| ((*m).to_owned(), (*p).to_owned()))
        .collect();
    assert!(listed.is_superset(&expected), "{listed:?}");
    assert!(spec["components"]["securitySchemes"]["bearer"].is_object());

    for (method, path) in &listed {
        let operation = &spec["paths"][path][method];
        assert!(
            operation["responses"]
                .as_object()
                .is_some_and(|r| !r.is_empty()),
            "{method} {path} documents no responses"
        );
    }
    assert_refs_resolve(&spec, &spec);
}

/// Every `$ref` points at a schema the document defines.
fn assert_refs_resolve(spec: &Value, node: &Value) {
    match node {
        Value::Object(map) => {
            if let Some(Value::String(target)) = map.get("$ref") {
                let name = target
                    .strip_prefix("#/components/schemas/")
                    .unwrap_or_else(|| panic!("unexpected $ref {target}"));
                assert!(
                    spec["components"]["schemas"].get(name).is_some(),
                    "dangling $ref {target}"
                );
            }
            map.values().for_each(|v| assert_refs_resolve(spec, v));
        }
        Value::Array(items) => items.iter().for_each(|v| assert_refs_resolve(spec, v)),
        _ => {}
    }
}

async fn docs_page_loads_only_local_assets(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let redirect = app.get("/docs").await;
    assert_eq!(redirect.status(), 308);
    assert_eq!(redirect.headers()["location"], "/docs/");

    let page = app.get("/docs/").await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    let assets: Vec<&str> = html
        .split(['"', '\''])
        .filter(|s| s.ends_with(".js") || s.ends_with(".css") || s.ends_with(".png"))
        .collect();
    assert!(assets.len() >= 4, "expected scripts and styles in {html}");
    for asset in assets {
        assert!(!asset.contains("//"), "{asset} is not a local asset");
        let path = format!("/docs/{}", asset.trim_start_matches("./"));
        assert_eq!(app.get(&path).await.status(), 200, "{path}");
    }
    let init = app
        .get("/docs/swagger-initializer.js")
        .await
        .text()
        .await
        .unwrap();
    assert!(init.contains("\"url\": \"/openapi.json\""), "{init}");
    assert!(
        init.contains("\"validatorUrl\": \"none\""),
        "the validator badge would call out"
    );
}
