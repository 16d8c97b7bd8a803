//! The OpenAPI 3.1 document, collected from the route registrations themselves.

use actix_web::App;
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
