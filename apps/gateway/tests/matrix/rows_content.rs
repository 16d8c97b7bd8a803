//! Rows of the matrix: projects, prompts, tools and agents.

use crate::statuses::{NOTHING_THERE, READERS, WRITERS, hidden, hidden_write};
use crate::{NO_ID, Row, World, row};
use reqwest::Method;
use serde_json::json;

/// The rows for projects, in walking order.
pub fn rows(w: &World) -> Vec<Row> {
    let t = &w.target;
    let p = &w.project;
    let pr = &w.prompt;
    let tl = &w.tool;
    let ag = &w.agent;
    vec![
        row(
            Method::GET,
            "/api/v1/projects",
            "/api/v1/projects".into(),
            None,
            READERS,
        ),
        row(
            Method::POST,
            "/api/v1/projects",
            "/api/v1/projects".into(),
            Some(json!({"name": "{caller}'s"})),
            [401, 403, 403, 201, 201, 201, 201],
        ),
        row(
            Method::GET,
            "/api/v1/projects/{id}",
            format!("/api/v1/projects/{p}"),
            None,
            hidden(200),
        ),
        row(
            Method::PATCH,
            "/api/v1/projects/{id}",
            format!("/api/v1/projects/{p}"),
            Some(json!({"description": "changed"})),
            hidden_write(200),
        ),
        row(
            Method::DELETE,
            "/api/v1/projects/{id}",
            format!("/api/v1/projects/{NO_ID}"),
            None,
            NOTHING_THERE,
        ),
        row(
            Method::PUT,
            "/api/v1/projects/{id}/members/{user_id}",
            format!("/api/v1/projects/{p}/members/{t}"),
            Some(json!({"role": "viewer"})),
            hidden_write(200),
        ),
        row(
            Method::DELETE,
            "/api/v1/projects/{id}/members/{user_id}",
            format!("/api/v1/projects/{p}/members/{NO_ID}"),
            None,
            NOTHING_THERE,
        ),
        row(
            Method::GET,
            "/api/v1/prompts",
            "/api/v1/prompts".into(),
            None,
            READERS,
        ),
        row(
            Method::POST,
            "/api/v1/prompts",
            "/api/v1/prompts".into(),
            Some(json!({"name": "mine", "command": "{caller}", "content": "hi"})),
            WRITERS,
        ),
        row(
            Method::GET,
            "/api/v1/prompts/{id}",
            format!("/api/v1/prompts/{pr}"),
            None,
            hidden(200),
        ),
        row(
            Method::PATCH,
            "/api/v1/prompts/{id}",
            format!("/api/v1/prompts/{pr}"),
            Some(json!({"base_version": 1, "name": "renamed"})),
            hidden_write(200),
        ),
        row(
            Method::DELETE,
            "/api/v1/prompts/{id}",
            format!("/api/v1/prompts/{NO_ID}"),
            None,
            NOTHING_THERE,
        ),
        row(
            Method::GET,
            "/api/v1/prompts/{id}/versions",
            format!("/api/v1/prompts/{pr}/versions"),
            None,
            hidden(200),
        ),
        row(
            Method::GET,
            "/api/v1/prompts/{id}/versions/{n}",
            format!("/api/v1/prompts/{pr}/versions/1"),
            None,
            hidden(200),
        ),
        row(
            Method::POST,
            "/api/v1/prompts/{id}/versions/{n}/restore",
            format!("/api/v1/prompts/{pr}/versions/1/restore"),
            None,
            hidden_write(200),
        ),
        row(
            Method::POST,
            "/api/v1/prompts/{id}/render",
            format!("/api/v1/prompts/{pr}/render"),
            Some(json!({"variables": {}})),
            hidden(200),
        ),
        row(
            Method::GET,
            "/api/v1/tools",
            "/api/v1/tools".into(),
            None,
            READERS,
        ),
        row(
            Method::POST,
            "/api/v1/tools",
            "/api/v1/tools".into(),
            Some(json!({"name": "{caller}", "parameters": {"type": "object", "properties": {}}})),
            WRITERS,
        ),
        row(
            Method::GET,
            "/api/v1/tools/{id}",
            format!("/api/v1/tools/{tl}"),
            None,
            hidden(200),
        ),
        row(
            Method::PATCH,
            "/api/v1/tools/{id}",
            format!("/api/v1/tools/{tl}"),
            Some(json!({"description": "changed"})),
            hidden_write(200),
        ),
        row(
            Method::GET,
            "/api/v1/agents",
            "/api/v1/agents".into(),
            None,
            READERS,
        ),
        row(
            Method::POST,
            "/api/v1/agents",
            "/api/v1/agents".into(),
            Some(json!({"name": "mine", "slug": "{caller}", "model": "llama3.2"})),
            WRITERS,
        ),
        row(
            Method::GET,
            "/api/v1/agents/{id}",
            format!("/api/v1/agents/{ag}"),
            None,
            hidden(200),
        ),
        row(
            Method::PATCH,
            "/api/v1/agents/{id}",
            format!("/api/v1/agents/{ag}"),
            Some(json!({"description": "changed"})),
            hidden_write(200),
        ),
        row(
            Method::DELETE,
            "/api/v1/agents/{id}",
            format!("/api/v1/agents/{NO_ID}"),
            None,
            NOTHING_THERE,
        ),
    ]
}
