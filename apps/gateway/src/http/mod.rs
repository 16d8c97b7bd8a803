//! HTTP plumbing shared by every route: problem+json errors, extractor settings, middleware
//! (request id, access log, metrics, security headers, CORS) and the 404/405 fallback.

pub mod access;
pub mod auth;
pub mod body_rules;
pub mod client_address;
mod domain_errors;
pub mod error_shapes;
pub mod extract;
pub mod fallback;
pub mod json_rules;
pub mod limits;
pub mod metrics;
pub mod passwords;
pub mod problem;
pub mod problem_fallback;
pub mod request_context;
pub mod security;
pub mod shared_limits;
pub mod spa;
