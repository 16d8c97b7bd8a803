//! The answer for requests no route took: 405 with `Allow` when the path exists under other
//! methods, else 404. Route-macro resources make a wrong method fall through to here, so the
//! known routes come from the OpenAPI spec, which is generated from the same registrations.

use actix_web::{HttpRequest, web};
use utoipa::openapi::OpenApi;
use utoipa::openapi::path::HttpMethod;

use super::problem::ApiError;

/// Path templates and their methods; `{param}` segments match any one segment and a trailing
/// `*` matches any rest of the path.
#[derive(Debug, Clone, Default)]
pub struct KnownRoutes(Vec<(Vec<String>, Vec<String>)>);

impl KnownRoutes {
    /// Every operation of `spec`, plus `extra` (paths served outside the spec, such as `/docs`).
    pub fn from_spec(spec: &OpenApi, extra: &[(&str, &str)]) -> Self {
        let mut routes = Vec::new();
        for (path, item) in &spec.paths.paths {
            let methods = [
                (HttpMethod::Get, &item.get),
                (HttpMethod::Put, &item.put),
                (HttpMethod::Post, &item.post),
                (HttpMethod::Delete, &item.delete),
                (HttpMethod::Options, &item.options),
                (HttpMethod::Head, &item.head),
                (HttpMethod::Patch, &item.patch),
                (HttpMethod::Trace, &item.trace),
            ]
            .into_iter()
            .filter(|(_, op)| op.is_some())
            .map(|(m, _)| method_name(&m).to_owned())
            .collect();
            routes.push((segments(path), methods));
        }
        for (method, path) in extra {
            routes.push((segments(path), vec![(*method).to_owned()]));
        }
        Self(routes)
    }

    /// The methods `path` accepts (empty when no route has this path).
    pub fn methods_for(&self, path: &str) -> Vec<String> {
        let wanted = segments(path);
        let mut methods: Vec<String> = self
            .0
            .iter()
            .filter(|(template, _)| matches(template, &wanted))
            .flat_map(|(_, methods)| methods.iter().cloned())
            .collect();
        methods.sort();
        methods.dedup();
        methods
    }
}

/// Default service of the app.
pub async fn no_route(
    req: HttpRequest,
    routes: web::Data<KnownRoutes>,
) -> Result<actix_web::HttpResponse, ApiError> {
    let allow = routes.methods_for(req.path());
    Err(if allow.is_empty() {
        ApiError::NotFound(format!("no route for {} {}", req.method(), req.path()))
    } else {
        ApiError::MethodNotAllowed {
            method: req.method().to_string(),
            allow,
        }
    })
}

/// The segments of `path`, empty ones included, so `/a//b` and `/a/b/` are not `/a/b`.
fn segments(path: &str) -> Vec<String> {
    path.split('/').map(str::to_owned).collect()
}

fn matches(template: &[String], path: &[String]) -> bool {
    if template.last().is_some_and(|s| s == "*") {
        let prefix = &template[..template.len() - 1];
        return path.len() >= prefix.len() && matches(prefix, &path[..prefix.len()]);
    }
    template.len() == path.len()
        && template
            .iter()
            .zip(path)
            .all(|(t, p)| (t.starts_with('{') && t.ends_with('}') && !p.is_empty()) || t == p)
}

fn method_name(method: &HttpMethod) -> &'static str {
    match method {
        HttpMethod::Get => "GET",
        HttpMethod::Post => "POST",
        HttpMethod::Put => "PUT",
        HttpMethod::Delete => "DELETE",
        HttpMethod::Options => "OPTIONS",
        HttpMethod::Head => "HEAD",
        HttpMethod::Patch => "PATCH",
        HttpMethod::Trace => "TRACE",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn routes() -> KnownRoutes {
        KnownRoutes(vec![
            (
                segments("/api/v1/users/{id}"),
                vec!["GET".into(), "PATCH".into()],
            ),
            (segments("/api/v1/users"), vec!["GET".into()]),
            (segments("/docs/*"), vec!["GET".into()]),
        ])
    }

    #[test]
    fn matches_templates_and_prefixes() {
        let r = routes();
        assert_eq!(r.methods_for("/api/v1/users/42"), ["GET", "PATCH"]);
        assert!(
            r.methods_for("/api/v1/users/").is_empty(),
            "exact paths only"
        );
        assert!(r.methods_for("/api//v1/users").is_empty());
        assert!(r.methods_for("/api/v1/users/42/keys").is_empty());
        assert_eq!(r.methods_for("/docs/index.css"), ["GET"]);
        assert_eq!(r.methods_for("/docs"), ["GET"]);
        assert!(r.methods_for("/nope").is_empty());
    }
}
