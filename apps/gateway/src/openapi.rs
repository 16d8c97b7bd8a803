//! The OpenAPI 3.1 document, collected from the route registrations themselves.

use actix_web::http::header::ContentType;
use actix_web::{App, HttpResponse, web};
use utoipa::OpenApi;
use utoipa_actix_web::AppExt;

use crate::http::problem::{FieldError, Problem};

/// Document-level metadata; paths are added by [`spec`] from the registered routes.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Ollama Workshop Platform API",
        description = "Accounts, roles, API keys, audit and workshop content in front of Ollama. \
            Errors are RFC 9457 problem+json documents."
    ),
    components(schemas(Problem, FieldError)),
    modifiers(&BearerAuth),
    tags(
        (name = "operations", description = "Probes and metrics"),
        (name = "instance", description = "Public facts about this installation"),
        (name = "auth", description = "Sign-in, sessions, the caller's account"),
        (name = "users", description = "User administration and approvals"),
        (name = "api-keys", description = "API keys for CI pipelines and services"),
        (name = "roles", description = "Permissions and roles"),
        (name = "audit", description = "The tamper-evident audit trail"),
        (name = "organizations", description = "Tenants"),
        (name = "invitations", description = "Invitations to join an organization"),
        (name = "models", description = "Ollama models and embeddings"),
        (name = "chat", description = "Chat turns and the caller's conversations"),
        (name = "usage", description = "Token usage and budgets"),
        (name = "content", description = "Projects, prompts, tools and agents"),
        (name = "knowledge", description = "Documents, collections and RAG systems"),
        (name = "openai", description = "OpenAI-compatible endpoints"),
        (name = "ollama", description = "Ollama-compatible endpoints under /ollama"),
    )
)]
struct ApiDoc;

/// Declares the `bearer` scheme every protected route names: a JWT access token or an `owp_`
/// API key in `Authorization: Bearer`.
struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT access token or owp_ API key")
                    .build(),
            ),
        );
    }
}

/// The full spec of every route `routes::register` serves.
pub fn spec() -> utoipa::openapi::OpenApi {
    let (_, spec) = App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .configure(crate::routes::register)
        .split_for_parts();
    spec
}

/// The document encoded once at start. Serving it from bytes instead of handing the spec to
/// each worker's Swagger UI keeps one copy (not one tree per worker) and no encoding per
/// request: idle anonymous memory fell from 33 to 8 MiB with two workers (docs/decisions.md).
#[derive(Clone)]
pub struct SpecJson(web::Bytes);

impl SpecJson {
    /// Encodes the document; the spec itself can be dropped afterwards.
    pub fn encode(spec: &utoipa::openapi::OpenApi) -> Result<Self, serde_json::Error> {
        serde_json::to_vec(spec).map(|bytes| Self(web::Bytes::from(bytes)))
    }
}

/// `GET /openapi.json`: the encoded document.
pub async fn serve(spec: web::Data<SpecJson>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(ContentType::json())
        .body(spec.0.clone())
}
