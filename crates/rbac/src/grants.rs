//! Per-user grants: which models and tools a user may use.
//!
//! Semantics (documented for the API): `None` means "whatever the roles allow" (every model when
//! the roles grant `models:use`); `Some(list)` means "only these", so `Some([])` allows none.
//! Tool grants name tool ids (`owp-workshop`'s `tools` table): a granted id must be a tool of
//! the user's organization, and a deleted tool leaves every grant ([`forget_tool`]).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use owp_db::ids::{OrganizationId, ToolId};
use owp_db::schema::{tools, users};
use owp_db::{AnyConnection, StoreError};

use crate::RbacError;

/// A user's model and tool allowlists.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Grants {
    /// Allowed model names, or `None` for no restriction.
    pub allowed_model_ids: Option<Vec<String>>,
    /// Allowed tool ids, or `None` for no restriction.
    pub allowed_tool_ids: Option<Vec<String>>,
}

/// Reads a stored JSON list column (NULL = no restriction; unreadable = nothing allowed, the
/// safe reading of a damaged value).
pub fn parse_list(stored: Option<&str>) -> Option<Vec<String>> {
    stored.map(|text| serde_json::from_str(text).unwrap_or_default())
}

/// `Ok` when every id names a tool of `organization`; else the first that does not.
pub fn check_tool_ids(
    conn: &mut AnyConnection,
    organization: OrganizationId,
    ids: &[String],
) -> Result<(), RbacError> {
    for id in ids {
        let known = match id.parse::<ToolId>() {
            Ok(tool) => tools::table
                .filter(tools::id.eq(tool.to_string()))
                .filter(tools::organization_id.eq(organization.to_string()))
                .count()
                .get_result::<i64>(conn)?,
            Err(_) => 0,
        };
        if known == 0 {
            return Err(RbacError::UnknownTool(id.clone()));
        }
    }
    Ok(())
}

/// The names of the granted tools `ids` of `organization` (`None` stays "any tool"), so
/// requests that define tools inline by name are checked against the same grant.
pub fn tool_names_of(
    conn: &mut AnyConnection,
    organization: OrganizationId,
    ids: Option<&[String]>,
) -> Result<Option<Vec<String>>, StoreError> {
    let Some(ids) = ids else {
        return Ok(None);
    };
    let names = tools::table
        .filter(tools::organization_id.eq(organization.to_string()))
        .filter(tools::id.eq_any(ids))
        .select(tools::name)
        .load(conn)?;
    Ok(Some(names))
}

/// Removes tool `id` from the tool grants of `organization`'s users (a user left with an empty
/// list may use no tool, as before it was deleted they could use only that one). Call it in
/// the transaction that deletes the tool.
pub fn forget_tool(
    conn: &mut AnyConnection,
    organization: OrganizationId,
    id: &str,
    at: NaiveDateTime,
) -> Result<(), StoreError> {
    let holders: Vec<(String, Option<String>)> = users::table
        .filter(users::organization_id.eq(organization.to_string()))
        .filter(users::allowed_tool_ids.like(format!("%{id}%")))
        .select((users::id, users::allowed_tool_ids))
        .load(conn)?;
    for (user, stored) in holders {
        let Some(mut list) = parse_list(stored.as_deref()) else {
            continue;
        };
        list.retain(|t| t != id);
        diesel::update(users::table.find(user))
            .set((
                users::allowed_tool_ids.eq(serde_json::json!(list).to_string()),
                users::updated_at.eq(at),
            ))
            .execute(conn)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::parse_list;

    #[test]
    fn null_is_unrestricted_and_garbage_allows_nothing() {
        assert_eq!(parse_list(None), None);
        assert_eq!(
            parse_list(Some("[\"llama3\"]")),
            Some(vec!["llama3".to_owned()])
        );
        assert_eq!(parse_list(Some("[]")), Some(vec![]));
        assert_eq!(parse_list(Some("{oops")), Some(vec![]));
    }
}
