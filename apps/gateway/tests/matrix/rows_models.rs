//! Rows of the matrix: models, embeddings, chat, conversations, invitations, usage and the Ollama-compatible API.

use crate::statuses::{NOTHING_THERE, admins, all, signed_in};
use crate::{NO_ID, Row, World, row};
use reqwest::Method;
use serde_json::json;

/// The rows for models, in walking order.
pub fn rows(w: &World) -> Vec<Row> {
    let t = &w.target;
    let c = &w.conversation;
    vec![
        row(
            Method::GET,
            "/api/v1/models",
            "/api/v1/models".into(),
            None,
            [401, 403, 200, 200, 200, 200, 200],
        ),
        row(
            Method::GET,
            "/api/v1/models/{name}",
            "/api/v1/models/llama3.2:latest".into(),
            None,
            [401, 403, 200, 200, 200, 200, 200],
        ),
        row(
            Method::POST,
            "/api/v1/embeddings",
            "/api/v1/embeddings".into(),
            Some(json!({"model": "all-minilm:latest", "input": "hi"})),
            [401, 403, 200, 200, 200, 200, 200],
        ),
        row(
            Method::GET,
            "/v1/models",
            "/v1/models".into(),
            None,
            [401, 403, 200, 200, 200, 200, 200],
        ),
        row(
            Method::GET,
            "/v1/models/{model}",
            "/v1/models/llama3.2".into(),
            None,
            [401, 403, 200, 200, 200, 200, 200],
        ),
        row(
            Method::POST,
            "/v1/embeddings",
            "/v1/embeddings".into(),
            Some(json!({"model": "all-minilm:latest", "input": "hi"})),
            [401, 403, 200, 200, 200, 200, 200],
        ),
        row(
            Method::POST,
            "/api/v1/models/pull",
            "/api/v1/models/pull".into(),
            Some(json!({"name": "{caller}-model"})),
            admins(200, 200, 200),
        ),
        row(
            Method::DELETE,
            "/api/v1/models/{name}",
            "/api/v1/models/not-installed".into(),
            None,
            admins(404, 404, 404),
        ),
        row(
            Method::POST,
            "/v1/chat/completions",
            "/v1/chat/completions".into(),
            Some(
                json!({"model": "llama3.2:latest", "messages": [{"role": "user", "content": "hi"}]}),
            ),
            [401, 403, 200, 200, 200, 200, 200],
        ),
        row(
            Method::POST,
            "/api/v1/invitations",
            "/api/v1/invitations".into(),
            Some(json!({"email": "{caller}@invite.example.org"})),
            admins(201, 201, 201),
        ),
        row(
            Method::GET,
            "/api/v1/invitations",
            "/api/v1/invitations".into(),
            None,
            admins(200, 200, 200),
        ),
        row(
            Method::DELETE,
            "/api/v1/invitations/{id}",
            format!("/api/v1/invitations/{NO_ID}"),
            None,
            admins(404, 404, 404),
        ),
        row(
            Method::POST,
            "/api/v1/auth/accept-invite",
            "/api/v1/auth/accept-invite".into(),
            Some(json!({"token": "not-a-token", "password": "long-enough-pw"})),
            all(404),
        ),
        row(
            Method::POST,
            "/api/v1/chat",
            "/api/v1/chat".into(),
            Some(
                json!({"model": "llama3.2:latest", "messages": [{"role": "user", "content": "hi"}]}),
            ),
            [401, 403, 200, 200, 200, 200, 200],
        ),
        row(
            Method::GET,
            "/api/v1/conversations",
            "/api/v1/conversations".into(),
            None,
            [401, 403, 200, 200, 200, 200, 200],
        ),
        row(
            Method::POST,
            "/api/v1/conversations",
            "/api/v1/conversations".into(),
            Some(json!({"title": "mine"})),
            [401, 403, 201, 201, 201, 201, 201],
        ),
        row(
            Method::GET,
            "/api/v1/conversations/{id}",
            format!("/api/v1/conversations/{c}"),
            None,
            [401, 403, 404, 404, 404, 404, 404],
        ),
        row(
            Method::PATCH,
            "/api/v1/conversations/{id}",
            format!("/api/v1/conversations/{c}"),
            Some(json!({"title": "taken over"})),
            [401, 403, 404, 404, 404, 404, 404],
        ),
        row(
            Method::DELETE,
            "/api/v1/conversations/{id}",
            format!("/api/v1/conversations/{c}"),
            None,
            [401, 403, 404, 404, 404, 404, 404],
        ),
        row(
            Method::GET,
            "/api/v1/conversations/{id}/messages",
            format!("/api/v1/conversations/{c}/messages"),
            None,
            [401, 403, 404, 404, 404, 404, 404],
        ),
        row(
            Method::GET,
            "/api/v1/usage",
            "/api/v1/usage".into(),
            None,
            signed_in(200),
        ),
        row(
            Method::GET,
            "/api/v1/admin/usage",
            "/api/v1/admin/usage".into(),
            None,
            admins(200, 200, 200),
        ),
        row(
            Method::GET,
            "/api/v1/users/{id}/quota",
            format!("/api/v1/users/{t}/quota"),
            None,
            [401, 403, 403, 200, 200, 404, 200],
        ),
        row(
            Method::PUT,
            "/api/v1/users/{id}/quota",
            format!("/api/v1/users/{t}/quota"),
            Some(json!({"daily_tokens": 100000})),
            admins(200, 404, 200),
        ),
        row(
            Method::PUT,
            "/api/v1/users/{id}/api-keys/{key_id}/quota",
            format!("/api/v1/users/{t}/api-keys/{NO_ID}/quota"),
            Some(json!({"daily_tokens": 1000})),
            admins(404, 404, 404),
        ),
        row(
            Method::GET,
            "/ollama/api/version",
            "/ollama/api/version".into(),
            None,
            [401, 403, 200, 200, 200, 200, 200],
        ),
        row(
            Method::GET,
            "/ollama/api/tags",
            "/ollama/api/tags".into(),
            None,
            [401, 403, 200, 200, 200, 200, 200],
        ),
        row(
            Method::POST,
            "/ollama/api/show",
            "/ollama/api/show".into(),
            Some(json!({"model": "llama3.2:latest"})),
            [401, 403, 200, 200, 200, 200, 200],
        ),
        row(
            Method::POST,
            "/ollama/api/chat",
            "/ollama/api/chat".into(),
            Some(
                json!({"model": "llama3.2:latest", "messages": [{"role": "user", "content": "hi"}], "stream": false}),
            ),
            [401, 403, 200, 200, 200, 200, 200],
        ),
        row(
            Method::POST,
            "/ollama/api/generate",
            "/ollama/api/generate".into(),
            Some(json!({"model": "llama3.2:latest", "prompt": "hi", "stream": false})),
            [401, 403, 200, 200, 200, 200, 200],
        ),
        row(
            Method::POST,
            "/ollama/api/embed",
            "/ollama/api/embed".into(),
            Some(json!({"model": "all-minilm:latest", "input": "hi"})),
            [401, 403, 200, 200, 200, 200, 200],
        ),
        row(
            Method::POST,
            "/ollama/api/embeddings",
            "/ollama/api/embeddings".into(),
            Some(json!({"model": "all-minilm:latest", "prompt": "hi"})),
            [401, 403, 200, 200, 200, 200, 200],
        ),
        row(
            Method::DELETE,
            "/api/v1/tools/{id}",
            format!("/api/v1/tools/{NO_ID}"),
            None,
            NOTHING_THERE,
        ),
    ]
}
