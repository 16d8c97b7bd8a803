//! What a client needs to know before signing in.

use actix_web::{get, web};
use owp_identity::organizations;
use serde::Serialize;
use utoipa::ToSchema;

use crate::config::SignupMode;
use crate::http::problem::{ApiError, Problem};
use crate::state::AppState;

/// Public facts about this installation, for the sign-in page and API clients.
#[derive(Serialize, ToSchema)]
pub struct Instance {
    /// Product name.
    name: &'static str,
    /// Version of the running `owp`.
    version: &'static str,
    /// Whether and how new accounts may register: `approval`, `open` or `closed`.
    signup_mode: &'static str,
    /// The organization new users join.
    default_organization: OrganizationSummary,
}

/// An organization's public face.
#[derive(Serialize, ToSchema)]
pub struct OrganizationSummary {
    /// Display name.
    name: String,
    /// URL-safe handle.
    slug: String,
}

/// Product, version, sign-up mode and default organization; needs no credentials.
#[utoipa::path(
    tag = "instance",
    responses(
        (status = 200, body = Instance),
        (status = 503, body = Problem, content_type = "application/problem+json", description = "database unavailable"),
    )
)]
#[get("/instance")]
pub async fn instance(state: web::Data<AppState>) -> Result<web::Json<Instance>, ApiError> {
    let organization = state.db.run(organizations::default_organization).await?;
    Ok(web::Json(Instance {
        name: "Ollama Workshop Platform",
        version: env!("CARGO_PKG_VERSION"),
        signup_mode: match state.signup_mode {
            SignupMode::Approval => "approval",
            SignupMode::Open => "open",
            SignupMode::Closed => "closed",
        },
        default_organization: OrganizationSummary {
            name: organization.name,
            slug: organization.slug,
        },
    }))
}
