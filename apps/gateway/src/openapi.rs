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
    tags(
        (name = "operations", description = "Probes and metrics"),
        (name = "instance", description = "Public facts about this installation"),
    )
)]
struct ApiDoc;

/// The full spec of every route `routes::register` serves.
pub fn spec() -> utoipa::openapi::OpenApi {
    let (_, spec) = App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .configure(crate::routes::register)
        .split_for_parts();
    spec
}
