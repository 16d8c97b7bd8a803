//! The caller's own conversations and their messages. Nobody else's are reachable: another
//! user's conversation id answers 404, whatever the caller's role.

use actix_web::{HttpResponse, delete, get, patch, post, web};
use chrono::NaiveDateTime;
use owp_chat::conversations::{self, Conversation, Message};
use owp_db::ids::{ConversationId, ProjectId};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

use crate::http::auth::Auth;
use crate::http::problem::{ApiError, Problem};
use crate::routes::params::{PageQuery, page};
use crate::state::AppState;

/// A conversation.
#[derive(Serialize, ToSchema)]
pub struct ConversationView {
    /// Id.
    id: String,
    /// Shown in the list.
    title: String,
    /// The model last used.
    model: Option<String>,
    /// The agent last chatted with.
    agent_id: Option<String>,
    /// The project it belongs to.
    project_id: Option<String>,
    /// UTC.
    created_at: NaiveDateTime,
    /// UTC, bumped by every turn.
    updated_at: NaiveDateTime,
}

impl From<Conversation> for ConversationView {
    fn from(c: Conversation) -> Self {
        Self {
            id: c.id.to_string(),
            title: c.title,
            model: c.model,
            agent_id: c.agent_id.map(|id| id.to_string()),
            project_id: c.project_id.map(|id| id.to_string()),
            created_at: c.created_at,
            updated_at: c.updated_at,
        }
    }
}

/// A stored message.
#[derive(Serialize, ToSchema)]
pub struct MessageView {
    /// Id.
    id: String,
    /// `system`, `user`, `assistant` or `tool`.
    role: String,
    /// The text.
    content: String,
    /// The model that wrote an assistant message.
    model: Option<String>,
    /// Tokens Ollama counted for the reply (prompt + completion).
    tokens_used: Option<i64>,
    /// Time from request to the last token.
    processing_time_ms: Option<i64>,
    /// Tool calls, done reason, timings, or the error that cut the reply off.
    #[schema(value_type = Object)]
    metadata: Value,
    /// Still streaming, or cut off.
    incomplete: bool,
    /// UTC.
    created_at: NaiveDateTime,
}

impl From<Message> for MessageView {
    fn from(m: Message) -> Self {
        Self {
            id: m.id.to_string(),
            role: m.role,
            content: m.content,
            model: m.model,
            tokens_used: m.tokens_used,
            processing_time_ms: m.processing_time_ms,
            metadata: m.metadata,
            incomplete: m.incomplete,
            created_at: m.created_at,
        }
    }
}

/// A page of conversations.
#[derive(Serialize, ToSchema)]
pub struct ConversationList {
    /// Most recently active first.
    items: Vec<ConversationView>,
    /// How many in all.
    total: i64,
}

/// A page of messages.
#[derive(Serialize, ToSchema)]
pub struct MessageList {
    /// Oldest first.
    items: Vec<MessageView>,
    /// How many in all.
    total: i64,
}

/// A conversation to start.
#[derive(Deserialize, ToSchema)]
pub struct CreateConversation {
    /// Title (default "New conversation").
    title: Option<String>,
    /// Model to use.
    model: Option<String>,
    /// A project you see (a member's, or any of your organization's for its admins).
    #[schema(value_type = Option<String>)]
    project_id: Option<ProjectId>,
}

/// Which of your conversations to list.
#[derive(Deserialize, IntoParams)]
pub struct ConversationQuery {
    /// 1..=500, default 50.
    limit: Option<i64>,
    /// Rows to skip.
    offset: Option<i64>,
    /// Only those of this project.
    #[param(value_type = Option<String>)]
    project_id: Option<ProjectId>,
}

/// A new title.
#[derive(Deserialize, ToSchema)]
pub struct RenameConversation {
    /// 1 to 200 characters.
    title: String,
}

/// Your conversations.
#[utoipa::path(
    tag = "chat",
    params(ConversationQuery),
    responses((status = 200, body = ConversationList)),
    security(("bearer" = []))
)]
#[get("/conversations")]
pub async fn list(
    state: web::Data<AppState>,
    auth: Auth,
    query: web::Query<ConversationQuery>,
) -> Result<web::Json<ConversationList>, ApiError> {
    let window = page(query.limit, query.offset)?;
    let (user, project) = (auth.0.user_id, query.project_id);
    let found = state
        .db
        .run(move |conn| conversations::list_conversations(conn, user, project, window))
        .await?;
    Ok(web::Json(ConversationList {
        total: found.total,
        items: found.items.into_iter().map(Into::into).collect(),
    }))
}

/// Start an empty conversation.
#[utoipa::path(
    tag = "chat",
    request_body = CreateConversation,
    responses((status = 201, body = ConversationView), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []))
)]
#[post("/conversations")]
pub async fn create(
    state: web::Data<AppState>,
    auth: Auth,
    body: web::Json<CreateConversation>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let title = body.title.unwrap_or_else(|| "New conversation".into());
    let at = owp_db::time::now();
    let created = state
        .db
        .run(move |conn| {
            let (model, project) = (body.model.as_deref(), body.project_id);
            conversations::start_conversation(conn, &auth.0, &title, model, project, at)
        })
        .await?;
    Ok(HttpResponse::Created().json(ConversationView::from(created)))
}

/// One of your conversations.
#[utoipa::path(
    tag = "chat",
    params(("id" = String, Path, description = "conversation id")),
    responses((status = 200, body = ConversationView), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []))
)]
#[get("/conversations/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<ConversationId>,
) -> Result<web::Json<ConversationView>, ApiError> {
    let id = id.into_inner();
    let user = auth.0.user_id;
    let found = state
        .db
        .run(move |conn| conversations::get_conversation(conn, user, id))
        .await?;
    Ok(web::Json(found.into()))
}

/// Rename one of your conversations.
#[utoipa::path(
    tag = "chat",
    params(("id" = String, Path, description = "conversation id")),
    request_body = RenameConversation,
    responses((status = 200, body = ConversationView), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []))
)]
#[patch("/conversations/{id}")]
pub async fn rename(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<ConversationId>,
    body: web::Json<RenameConversation>,
) -> Result<web::Json<ConversationView>, ApiError> {
    let id = id.into_inner();
    let user = auth.0.user_id;
    let title = body.into_inner().title;
    let at = owp_db::time::now();
    let renamed = state
        .db
        .run(move |conn| conversations::rename_conversation(conn, user, id, &title, at))
        .await?;
    Ok(web::Json(renamed.into()))
}

/// Delete one of your conversations and its messages.
#[utoipa::path(
    tag = "chat",
    params(("id" = String, Path, description = "conversation id")),
    responses((status = 204, description = "deleted"), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []))
)]
#[delete("/conversations/{id}")]
pub async fn remove(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<ConversationId>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let user = auth.0.user_id;
    state
        .db
        .run(move |conn| conversations::delete_conversation(conn, user, id))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The messages of one of your conversations, oldest first.
#[utoipa::path(
    tag = "chat",
    params(("id" = String, Path, description = "conversation id"), PageQuery),
    responses((status = 200, body = MessageList), (status = 404, body = Problem, content_type = "application/problem+json")),
    security(("bearer" = []))
)]
#[get("/conversations/{id}/messages")]
pub async fn messages(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<ConversationId>,
    query: web::Query<PageQuery>,
) -> Result<web::Json<MessageList>, ApiError> {
    let id = id.into_inner();
    let window = page(query.limit, query.offset)?;
    let user = auth.0.user_id;
    let found = state
        .db
        .run(move |conn| conversations::list_messages(conn, user, id, window))
        .await?;
    Ok(web::Json(MessageList {
        total: found.total,
        items: found.items.into_iter().map(Into::into).collect(),
    }))
}
