//! Accepting a new password: check the rules, then hash it on the blocking pool (argon2 must
//! never run on an async worker).

use actix_web::web;
use owp_credentials::{hash_password, validate_new_password};

use super::problem::ApiError;

/// Validates `password` (a 422 naming `field` when weak) and returns its argon2id hash.
pub async fn hash_new_password(field: &str, password: String) -> Result<String, ApiError> {
    validate_new_password(&password).map_err(|e| ApiError::invalid_field(field, e.to_string()))?;
    web::block(move || hash_password(&password))
        .await
        .map_err(|e| ApiError::Internal(format!("hashing failed: {e}")))?
        .map_err(|e| ApiError::Internal(e.to_string()))
}
