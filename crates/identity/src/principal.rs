//! Loading the [`Principal`] of a request from an access token or an API key.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use owp_credentials::{ApiKeyCache, ApiKeyRejection, authenticate_api_key};
use owp_db::ids::OrganizationId;
use owp_db::ids::UserId;
use owp_db::schema::users;
use owp_db::{AnyConnection, StoreError};
use owp_rbac::{Principal, parse_list, roles_and_permissions_of, tool_names_of};

use crate::IdentityError;
use crate::sessions::session_is_open;
use crate::tokens::VerifiedToken;

/// The principal of an active user: roles, permissions and grants.
pub fn principal_for_user(
    conn: &mut AnyConnection,
    user: UserId,
) -> Result<Principal, IdentityError> {
    let found: Option<(String, String, Option<String>, Option<String>)> = users::table
        .find(user.to_string())
        .select((
            users::organization_id,
            users::status,
            users::allowed_model_ids,
            users::allowed_tool_ids,
        ))
        .first(conn)
        .optional()?;
    let Some((organization, status, models, tools)) = found else {
        return Err(IdentityError::Unauthenticated(
            "the account no longer exists".into(),
        ));
    };
    if status != "active" {
        return Err(IdentityError::Inactive(status));
    }
    let (roles, permissions) = roles_and_permissions_of(conn, user)?;
    let organization_id: OrganizationId = organization
        .parse()
        .map_err(|_| StoreError::Internal("malformed organization id".into()))?;
    let allowed_tool_ids = parse_list(tools.as_deref());
    let allowed_tool_names = tool_names_of(conn, organization_id, allowed_tool_ids.as_deref())?;
    Ok(Principal {
        user_id: user,
        organization_id,
        roles,
        permissions,
        allowed_model_ids: parse_list(models.as_deref()),
        allowed_tool_ids,
        allowed_tool_names,
        session_id: None,
        credential_id: None,
    })
}

/// The principal behind a verified access token, if its session is still open.
pub fn principal_for_token(
    conn: &mut AnyConnection,
    token: VerifiedToken,
    at: NaiveDateTime,
) -> Result<Principal, IdentityError> {
    if !session_is_open(conn, token.session_id, at)? {
        return Err(IdentityError::Unauthenticated(
            "the session has ended".into(),
        ));
    }
    let mut principal = principal_for_user(conn, token.user_id)?;
    principal.session_id = Some(token.session_id);
    Ok(principal)
}

/// The principal behind an `owp_` API key, narrowed to the key's scopes and models.
pub fn principal_for_api_key(
    conn: &mut AnyConnection,
    cache: &ApiKeyCache,
    token: &str,
    at: NaiveDateTime,
) -> Result<Principal, IdentityError> {
    let key =
        authenticate_api_key(conn, cache, token, at).map_err(|rejection| match rejection {
            ApiKeyRejection::Store(err) => IdentityError::Store(err),
            other => IdentityError::Unauthenticated(other.to_string()),
        })?;
    let owner = principal_for_user(conn, key.user_id)?;
    Ok(owner.narrowed_to_key(
        key.id,
        key.scopes.as_deref(),
        key.allowed_model_ids.as_deref(),
    ))
}
