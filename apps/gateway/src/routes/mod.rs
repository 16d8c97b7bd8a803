//! Route handlers, kept thin: parse, call one domain operation (through `Database::run` or a
//! `owp-chat` entry point), map the result. Grouped by domain: `people` (accounts, keys, roles),
//! `models` (model APIs, OpenAI and Ollama surfaces), `chat` (stored chat), `operations`
//! (health, metrics, audit, usage), `content` (projects, prompts, tools, agents), `knowledge`
//! (documents); `access` is
//! the one table of who may call what.

pub mod access;
pub mod chat;
pub mod content;
pub mod knowledge;
pub mod models;
pub mod operations;
pub mod params;
pub mod people;
pub mod views;

pub use chat::{conversations, turn};
pub use models::{model_admin, native, ollama_compat, openai, openai_chat};
pub use operations::{audit, health, instance, metrics, usage};
pub use people::{account, api_keys, auth, invitations, organizations, roles, user_access, users};

use utoipa_actix_web::service_config::ServiceConfig;

/// Registers every documented route; the OpenAPI spec is collected from these same calls, so
/// the spec lists exactly the routes that exist.
pub fn register(cfg: &mut ServiceConfig) {
    cfg.service(health::healthz)
        .service(health::readyz)
        .service(metrics::metrics)
        .service(
            utoipa_actix_web::scope("/api/v1")
                .wrap(actix_web::middleware::from_fn(
                    crate::http::body_rules::body_rules,
                ))
                .wrap(actix_web::middleware::from_fn(crate::http::access::enforce))
                .service(instance::instance)
                .service(auth::login)
                .service(auth::token)
                .service(auth::refresh)
                .service(auth::logout)
                .service(account::me)
                .service(account::change_password)
                .service(account::register)
                .service(users::create_user)
                .service(users::list_users)
                .service(users::pending_users)
                .service(users::get_user)
                .service(users::patch_user)
                .service(users::disable_user)
                .service(users::set_password)
                .service(user_access::get_grants)
                .service(user_access::put_grants)
                .service(user_access::approve_user)
                .service(api_keys::issue_for_user)
                .service(api_keys::list_for_user)
                .service(api_keys::revoke_for_user)
                .service(api_keys::issue_own)
                .service(api_keys::list_own)
                .service(api_keys::revoke_own)
                .service(audit::list)
                .service(audit::verify)
                .service(audit::export)
                .service(roles::list_permissions)
                .service(roles::list_roles)
                .service(roles::create_role)
                .service(roles::get_role)
                .service(roles::patch_role)
                .service(roles::delete_role)
                .service(organizations::list)
                .service(organizations::create)
                .service(organizations::get)
                .service(organizations::rename)
                .service(organizations::remove)
                .service(invitations::create)
                .service(invitations::list)
                .service(invitations::revoke)
                .service(invitations::accept)
                .service(native::list_models)
                .service(native::get_model)
                .service(native::embeddings)
                .service(model_admin::pull)
                .service(model_admin::remove)
                .service(turn::chat)
                .service(conversations::list)
                .service(conversations::create)
                .service(conversations::get)
                .service(conversations::rename)
                .service(conversations::remove)
                .service(conversations::messages)
                .service(usage::own)
                .service(usage::organization)
                .service(usage::get_user_quota)
                .service(usage::put_user_quota)
                .service(usage::put_key_quota)
                .service(content::projects::list)
                .service(content::projects::create)
                .service(content::projects::get)
                .service(content::projects::update)
                .service(content::projects::remove)
                .service(content::projects::set_member)
                .service(content::projects::remove_member)
                .service(content::prompts::list)
                .service(content::prompts::create)
                .service(content::prompts::get)
                .service(content::prompts::update)
                .service(content::prompts::remove)
                .service(content::prompts::versions)
                .service(content::prompts::version)
                .service(content::prompts::restore)
                .service(content::prompts::render)
                .service(content::tools::list)
                .service(content::tools::create)
                .service(content::tools::get)
                .service(content::tools::update)
                .service(content::tools::remove)
                .service(content::agents::list)
                .service(content::agents::create)
                .service(content::agents::get)
                .service(content::agents::update)
                .service(content::agents::remove)
                .service(knowledge::documents::list)
                .service(knowledge::documents::upload)
                .service(knowledge::documents::get)
                .service(knowledge::documents::text)
                .service(knowledge::documents::chunks)
                .service(knowledge::documents::remove)
                .service(knowledge::collections::list)
                .service(knowledge::collections::create)
                .service(knowledge::collections::get)
                .service(knowledge::collections::update)
                .service(knowledge::collections::remove)
                .service(knowledge::collections::documents)
                .service(knowledge::collections::add_document)
                .service(knowledge::collections::remove_document)
                .service(knowledge::collections::search)
                .service(knowledge::collections::chunk)
                .service(knowledge::jobs::get)
                .service(knowledge::jobs::events)
                .service(knowledge::rag::list)
                .service(knowledge::rag::create)
                .service(knowledge::rag::get)
                .service(knowledge::rag::update)
                .service(knowledge::rag::remove)
                .service(knowledge::rag::ask),
        )
        .service(
            utoipa_actix_web::scope("/v1")
                .wrap(actix_web::middleware::from_fn(
                    crate::http::body_rules::body_rules,
                ))
                .wrap(actix_web::middleware::from_fn(crate::http::access::enforce))
                .wrap(actix_web::middleware::from_fn(
                    crate::http::error_shapes::openai_errors,
                ))
                .service(openai::models)
                .service(openai::model)
                .service(openai::embeddings)
                .service(openai_chat::completions),
        )
        .service(
            utoipa_actix_web::scope("/ollama")
                .wrap(actix_web::middleware::from_fn(
                    crate::http::body_rules::body_rules,
                ))
                .wrap(actix_web::middleware::from_fn(crate::http::access::enforce))
                .wrap(actix_web::middleware::from_fn(
                    crate::http::error_shapes::ollama_errors,
                ))
                .service(ollama_compat::version)
                .service(ollama_compat::tags)
                .service(ollama_compat::show)
                .service(ollama_compat::chat)
                .service(ollama_compat::generate)
                .service(ollama_compat::embed_batch)
                .service(ollama_compat::embed_legacy),
        );
}
