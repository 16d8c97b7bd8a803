//! The stored shape of a credential and its conversions.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use owp_db::StoreError;
use owp_db::ids::{CredentialId, UserId};
use owp_db::schema::credentials;

use crate::api_key::ApiKeyInfo;

/// `kind` of the password credential.
pub(crate) const KIND_PASSWORD: &str = "password";
/// `kind` of API keys.
pub(crate) const KIND_API_KEY: &str = "api_key";

/// A row (all but `kind`, which queries filter on), hash included; deliberately not `Debug`, so it cannot end up in a log.
#[derive(Queryable, Selectable)]
#[diesel(table_name = credentials)]
pub(crate) struct CredentialRow {
    pub id: String,
    pub user_id: String,
    pub label: String,
    pub key_prefix: Option<String>,
    pub secret_hash: String,
    pub scopes: Option<String>,
    pub allowed_model_ids: Option<String>,
    pub expires_at: Option<NaiveDateTime>,
    pub last_used_at: Option<NaiveDateTime>,
    pub revoked_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

/// A row to insert.
#[derive(Insertable)]
#[diesel(table_name = credentials)]
pub(crate) struct NewCredentialRow<'a> {
    pub id: &'a str,
    pub user_id: &'a str,
    pub kind: &'a str,
    pub label: &'a str,
    pub key_prefix: Option<&'a str>,
    pub secret_hash: &'a str,
    pub scopes: Option<String>,
    pub allowed_model_ids: Option<String>,
    pub expires_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

impl CredentialRow {
    /// The public view of an API key row: everything but the hash.
    pub fn into_api_key(self) -> Result<ApiKeyInfo, StoreError> {
        Ok(ApiKeyInfo {
            id: parse_credential_id(&self.id)?,
            user_id: self
                .user_id
                .parse::<UserId>()
                .map_err(|e| StoreError::Internal(format!("bad user id {}: {e}", self.user_id)))?,
            label: self.label,
            prefix: self.key_prefix.unwrap_or_default(),
            scopes: decode_list(self.scopes.as_deref())?,
            allowed_model_ids: decode_list(self.allowed_model_ids.as_deref())?,
            created_at: self.created_at,
            last_used_at: self.last_used_at,
            expires_at: self.expires_at,
            revoked_at: self.revoked_at,
        })
    }
}

/// Reads a stored credential id.
pub(crate) fn parse_credential_id(id: &str) -> Result<CredentialId, StoreError> {
    id.parse()
        .map_err(|e| StoreError::Internal(format!("bad credential id {id}: {e}")))
}

/// A list as the JSON text the portable schema stores.
pub(crate) fn encode_list(list: Option<&[String]>) -> Result<Option<String>, StoreError> {
    list.map(serde_json::to_string)
        .transpose()
        .map_err(|e| StoreError::Internal(format!("cannot encode a list: {e}")))
}

fn decode_list(text: Option<&str>) -> Result<Option<Vec<String>>, StoreError> {
    text.map(serde_json::from_str)
        .transpose()
        .map_err(|e| StoreError::Internal(format!("bad stored list: {e}")))
}
