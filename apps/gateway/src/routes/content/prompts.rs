//! Prompts: templates with typed variables, versions (list, read, restore) and rendering.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use owp_db::ids::{ProjectId, PromptId};
use owp_workshop::prompts::{
    self, NewPrompt, Prompt, PromptChange, PromptFilter, PromptVersion, Rendered, Values,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::http::auth::Auth;
use crate::http::problem::{ApiError, Problem};
use crate::routes::params::{PageQuery, page};
use crate::state::AppState;

/// A page of prompts.
#[derive(Serialize, ToSchema)]
pub struct PromptList {
    /// By name.
    items: Vec<Prompt>,
    /// How many in all.
    total: i64,
}

/// A page of versions.
#[derive(Serialize, ToSchema)]
pub struct VersionList {
    /// Newest first.
    items: Vec<PromptVersion>,
    /// How many in all.
    total: i64,
}

/// Filters and paging of the prompt list.
#[derive(Deserialize, IntoParams)]
pub struct PromptQuery {
    /// Text in the name, command or a tag.
    q: Option<String>,
    /// Only prompts with this tag.
    tag: Option<String>,
    /// Only this project's prompts.
    #[param(value_type = Option<String>)]
    project_id: Option<ProjectId>,
    /// 1..=500, default 50.
    limit: Option<i64>,
    /// Rows to skip.
    offset: Option<i64>,
}

/// Values for a rendering.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RenderBody {
    /// Variable values by name.
    #[serde(default)]
    #[schema(value_type = Object)]
    variables: Values,
}

/// An optional message for a restore.
#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct RestoreBody {
    /// Message of the new version (default "restored version n").
    message: Option<String>,
}

/// The version named by `If-Match` (`3`, `"3"` or `W/"3"`), if sent.
fn if_match(req: &HttpRequest) -> Result<Option<i64>, ApiError> {
    let Some(value) = req.headers().get(header::IF_MATCH) else {
        return Ok(None);
    };
    let text = value.to_str().unwrap_or_default().trim();
    let text = text.strip_prefix("W/").unwrap_or(text).trim_matches('"');
    text.parse()
        .map(Some)
        .map_err(|_| ApiError::invalid_field("If-Match", "must be the prompt version, e.g. \"3\""))
}

/// The prompts you can see; `q` searches name, command and tags.
#[utoipa::path(tag = "content", params(PromptQuery), responses((status = 200, body = PromptList)), security(("bearer" = [])))]
#[get("/prompts")]
pub async fn list(
    state: web::Data<AppState>,
    auth: Auth,
    query: web::Query<PromptQuery>,
) -> Result<web::Json<PromptList>, ApiError> {
    let query = query.into_inner();
    let window = page(query.limit, query.offset)?;
    let filter = PromptFilter {
        q: query.q,
        tag: query.tag,
        project_id: query.project_id,
    };
    let found = state
        .db
        .run(move |conn| prompts::list_prompts(conn, &auth.0, &filter, window))
        .await?;
    Ok(web::Json(PromptList {
        items: found.items,
        total: found.total,
    }))
}

/// Create a prompt (version 1). Content may use only declared variables and built-ins.
#[utoipa::path(
    tag = "content",
    request_body = NewPrompt,
    responses((status = 201, body = Prompt), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json", description = "the command is taken"), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []))
)]
#[post("/prompts")]
pub async fn create(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    body: web::Json<NewPrompt>,
) -> Result<HttpResponse, ApiError> {
    let ctx = auth.audit(&req, &state);
    let at = owp_db::time::now();
    let body = body.into_inner();
    let created = state
        .db
        .run(move |conn| prompts::create_prompt(conn, &auth.0, &ctx, body, at))
        .await?;
    Ok(HttpResponse::Created().json(created))
}

/// One prompt you can see (its version also as `ETag`).
#[utoipa::path(
    tag = "content",
    params(("id" = String, Path, description = "prompt id")),
    responses((status = 200, body = Prompt), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []))
)]
#[get("/prompts/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<PromptId>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let found = state
        .db
        .run(move |conn| prompts::get_prompt(conn, &auth.0, id))
        .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, format!("\"{}\"", found.version)))
        .json(found))
}

/// Change a prompt you may write, based on version `base_version` (or `If-Match`); a stale
/// base is 409 and nothing is written. New content or variables make a new version.
#[utoipa::path(
    tag = "content",
    params(("id" = String, Path, description = "prompt id"), ("If-Match" = Option<String>, Header, description = "the version the change is based on")),
    request_body = PromptChange,
    responses((status = 200, body = Prompt), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json", description = "stale version or command taken"), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []))
)]
#[patch("/prompts/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    id: web::Path<PromptId>,
    body: web::Json<PromptChange>,
) -> Result<web::Json<Prompt>, ApiError> {
    let id = id.into_inner();
    let mut change = body.into_inner();
    if let Some(header_version) = if_match(&req)? {
        if change.base_version.is_some_and(|b| b != header_version) {
            return Err(ApiError::invalid_field(
                "base_version",
                "differs from If-Match",
            ));
        }
        change.base_version = Some(header_version);
    }
    let ctx = auth.audit(&req, &state);
    let at = owp_db::time::now();
    let updated = state
        .db
        .run(move |conn| prompts::update_prompt(conn, &auth.0, &ctx, id, change, at))
        .await?;
    Ok(web::Json(updated))
}

/// Delete a prompt you may write, with its versions.
#[utoipa::path(
    tag = "content",
    params(("id" = String, Path, description = "prompt id")),
    responses((status = 204, description = "deleted"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []))
)]
#[delete("/prompts/{id}")]
pub async fn remove(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    id: web::Path<PromptId>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let ctx = auth.audit(&req, &state);
    let at = owp_db::time::now();
    state
        .db
        .run(move |conn| prompts::delete_prompt(conn, &auth.0, &ctx, id, at))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The versions of a prompt you can see, newest first.
#[utoipa::path(
    tag = "content",
    params(("id" = String, Path, description = "prompt id"), PageQuery),
    responses((status = 200, body = VersionList), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []))
)]
#[get("/prompts/{id}/versions")]
pub async fn versions(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<PromptId>,
    query: web::Query<PageQuery>,
) -> Result<web::Json<VersionList>, ApiError> {
    let id = id.into_inner();
    let window = page(query.limit, query.offset)?;
    let found = state
        .db
        .run(move |conn| prompts::list_versions(conn, &auth.0, id, window))
        .await?;
    Ok(web::Json(VersionList {
        items: found.items,
        total: found.total,
    }))
}

/// One version of a prompt you can see.
#[utoipa::path(
    tag = "content",
    params(("id" = String, Path, description = "prompt id"), ("n" = i64, Path, description = "version")),
    responses((status = 200, body = PromptVersion), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []))
)]
#[get("/prompts/{id}/versions/{n}")]
pub async fn version(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<(PromptId, i64)>,
) -> Result<web::Json<PromptVersion>, ApiError> {
    let (id, n) = path.into_inner();
    let found = state
        .db
        .run(move |conn| prompts::get_version(conn, &auth.0, id, n))
        .await?;
    Ok(web::Json(found))
}

/// Make version n the newest again (a new version equal to it).
#[utoipa::path(
    tag = "content",
    params(("id" = String, Path, description = "prompt id"), ("n" = i64, Path, description = "version")),
    request_body(content = RestoreBody, description = "optional"),
    responses((status = 200, body = Prompt), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []))
)]
#[post("/prompts/{id}/versions/{n}/restore")]
pub async fn restore(
    state: web::Data<AppState>,
    req: HttpRequest,
    auth: Auth,
    path: web::Path<(PromptId, i64)>,
    body: Option<web::Json<RestoreBody>>,
) -> Result<web::Json<Prompt>, ApiError> {
    let (id, n) = path.into_inner();
    let message = body.map(|b| b.into_inner()).unwrap_or_default().message;
    let ctx = auth.audit(&req, &state);
    let at = owp_db::time::now();
    let restored = state
        .db
        .run(move |conn| {
            prompts::restore_version(conn, &auth.0, &ctx, id, n, message.as_deref(), at)
        })
        .await?;
    Ok(web::Json(restored))
}

/// Render the current version of a prompt you can see with `variables`.
#[utoipa::path(
    tag = "content",
    params(("id" = String, Path, description = "prompt id")),
    request_body = RenderBody,
    responses((status = 200, body = Rendered), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json", description = "a value is missing or of the wrong type")),
    security(("bearer" = []))
)]
#[post("/prompts/{id}/render")]
pub async fn render(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<PromptId>,
    body: web::Json<RenderBody>,
) -> Result<web::Json<Rendered>, ApiError> {
    let id = id.into_inner();
    let values = body.into_inner().variables;
    let at = owp_db::time::now();
    let rendered = state
        .db
        .run(move |conn| prompts::render_prompt(conn, &auth.0, id, &values, at))
        .await?;
    Ok(web::Json(rendered))
}
