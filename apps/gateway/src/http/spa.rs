//! Serves the browser app: the files of `web/dist` embedded at build time (feature `spa`, see
//! `build.rs`), with every other non-API `GET` answered by `index.html` so client-side routes
//! survive a reload. API paths keep the problem+json 404/405 of [`no_route`].

use actix_web::http::{Method, header};
use actix_web::{HttpRequest, HttpResponse, web};

use super::fallback::{KnownRoutes, no_route};
use super::problem::ApiError;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/spa_assets.rs"));
}

/// Path prefixes that belong to the server, never to the app.
const SERVER_PREFIXES: [&str; 8] = [
    "/api",
    "/v1",
    "/ollama",
    "/docs",
    "/openapi.json",
    "/healthz",
    "/readyz",
    "/metrics",
];

/// Hashed build output: its name changes with its content, so it may be cached for good.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// Shown when the binary was built without the app (feature off, or `web/dist` missing).
const NOT_BUILT: &str = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
<title>Ollama Workshop Platform</title></head><body>\
<h1>The web app was not built into this binary</h1>\
<p>Build it and the server together with <code>make run</code>, or run \
<code>npm ci &amp;&amp; npm run build</code> in <code>web/</code> and build <code>owp</code> \
with <code>--features spa</code>.</p>\
<p>The API is up: see <a href=\"/docs/\">/docs/</a>.</p></body></html>";

/// Default service: the app for browser navigation, problem+json for everything else.
pub async fn spa_or_no_route(
    req: HttpRequest,
    routes: web::Data<KnownRoutes>,
) -> Result<HttpResponse, ApiError> {
    if (req.method() == Method::GET || req.method() == Method::HEAD)
        && !is_server_path(req.match_info().as_str())
        && let Some(response) = answer(req.path())
    {
        return Ok(response);
    }
    no_route(req, routes).await
}

/// Whether `path` (as the router decoded it) is under a server prefix, whatever its case or
/// doubled slashes, so `//API/v1/audit` is a 404 like any unknown API path, not the app.
fn is_server_path(path: &str) -> bool {
    let mut normalized = String::with_capacity(path.len());
    for c in path.chars() {
        if !(c == '/' && normalized.ends_with('/')) {
            normalized.push(c.to_ascii_lowercase());
        }
    }
    let path = normalized.as_str();
    SERVER_PREFIXES.iter().any(|prefix| {
        path.strip_prefix(prefix)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    })
}

fn asset(path: &str) -> Option<(&'static str, &'static [u8])> {
    embedded::ASSETS
        .iter()
        .find(|(p, _, _)| *p == path)
        .map(|(_, content_type, bytes)| (*content_type, *bytes))
}

/// The file at `path`, else `index.html` (or the not-built page); `None` for a missing build
/// asset, which must stay a 404 rather than turn into HTML.
fn answer(path: &str) -> Option<HttpResponse> {
    if path != "/index.html"
        && let Some((content_type, bytes)) = asset(path)
    {
        let cache = if path.starts_with("/assets/") {
            IMMUTABLE
        } else {
            "no-cache"
        };
        return Some(respond(content_type, cache, bytes));
    }
    if path.starts_with("/assets/") {
        return None;
    }
    Some(match asset("/index.html") {
        Some((content_type, bytes)) => respond(content_type, "no-cache", bytes),
        None => respond("text/html; charset=utf-8", "no-cache", NOT_BUILT.as_bytes()),
    })
}

fn respond(content_type: &str, cache: &str, bytes: &'static [u8]) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, content_type))
        .insert_header((header::CACHE_CONTROL, cache))
        .body(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_paths_are_matched_by_whole_segments() {
        assert!(is_server_path("/api/v1/nope"));
        assert!(is_server_path("/v1"));
        assert!(is_server_path("/openapi.json"));
        assert!(is_server_path("/docs/index.css"));
        assert!(!is_server_path("/apiary"));
        assert!(is_server_path("//API/v1/audit"));
        assert!(is_server_path("/Ollama/api/chat"));
        assert!(!is_server_path("/admin/users"));
        assert!(!is_server_path("/"));
    }

    #[test]
    fn client_routes_get_html_and_missing_assets_do_not() {
        assert!(answer("/chat").is_some());
        assert!(answer("/").is_some());
        assert!(answer("/assets/missing-0000.js").is_none());
    }
}
