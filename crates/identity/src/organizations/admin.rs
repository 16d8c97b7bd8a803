//! Organization operations as callers perform them: the tenant rule (others see only their own;
//! another organization is "not found"), the name and slug rules, and an audit event written in
//! the same transaction as each change. Only super admins reach the changing ones (the route
//! table asks for `organizations:write`).

use chrono::NaiveDateTime;
use owp_audit::{AuditContext, EventType, NewAuditEvent, record};
use owp_db::ids::OrganizationId;
use owp_db::{AnyConnection, Page, Paged, StoreError};
use owp_rbac::Principal;
use serde_json::json;

use super::{NewOrganization, Organization, create, delete, get, list, rename};
use crate::IdentityError;

/// The longest display name, in characters.
const NAME_MAX: usize = 200;
/// The longest slug, in bytes (ASCII only).
const SLUG_MAX: usize = 64;

fn checked_name(name: &str) -> Result<String, IdentityError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > NAME_MAX {
        return Err(IdentityError::Invalid(
            "name",
            format!("must be 1 to {NAME_MAX} characters"),
        ));
    }
    Ok(name.to_owned())
}

fn check_slug(slug: &str) -> Result<(), IdentityError> {
    let ok = !slug.is_empty()
        && slug.len() <= SLUG_MAX
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(IdentityError::Invalid(
            "slug",
            format!("must be 1 to {SLUG_MAX} characters of a-z, 0-9 and '-'"),
        ))
    }
}

fn event(kind: EventType, organization: &Organization) -> NewAuditEvent {
    NewAuditEvent::new(kind).detail(json!({
        "organization_id": organization.id.to_string(),
        "name": organization.name,
        "slug": organization.slug,
    }))
}

/// The organizations `principal` may see: all of them for super admins, else their own.
pub fn list_visible(
    conn: &mut AnyConnection,
    principal: &Principal,
    page: Page,
) -> Result<Paged<Organization>, IdentityError> {
    if principal.is_super_admin() {
        return Ok(list(conn, page)?);
    }
    Ok(Paged {
        items: vec![get(conn, principal.organization_id)?],
        total: 1,
    })
}

/// One organization, if `principal` may see it (another one's is "not found").
pub fn get_visible(
    conn: &mut AnyConnection,
    principal: &Principal,
    id: OrganizationId,
) -> Result<Organization, IdentityError> {
    if !principal.can_reach(id) {
        return Err(StoreError::NotFound.into());
    }
    Ok(get(conn, id)?)
}

/// Creates an organization and records `organization_created`, in one transaction.
pub fn create_as(
    conn: &mut AnyConnection,
    ctx: &AuditContext,
    new: NewOrganization,
    at: NaiveDateTime,
) -> Result<Organization, IdentityError> {
    let name = checked_name(&new.name)?;
    check_slug(&new.slug)?;
    owp_db::write_transaction(conn, |conn| {
        let created = create(
            conn,
            NewOrganization {
                name,
                slug: new.slug,
            },
            at,
        )?;
        record(
            conn,
            ctx,
            &event(EventType::OrganizationCreated, &created),
            at,
        )?;
        Ok(created)
    })
}

/// Renames an organization and records `organization_renamed` (with the old name), in one
/// transaction.
pub fn rename_as(
    conn: &mut AnyConnection,
    principal: &Principal,
    ctx: &AuditContext,
    id: OrganizationId,
    name: &str,
    at: NaiveDateTime,
) -> Result<Organization, IdentityError> {
    let name = checked_name(name)?;
    owp_db::write_transaction(conn, |conn| {
        let before = get_visible(conn, principal, id)?;
        let renamed = rename(conn, id, &name, at)?;
        let mut renamed_event = event(EventType::OrganizationRenamed, &renamed);
        renamed_event.detail["previous_name"] = json!(before.name);
        record(conn, ctx, &renamed_event, at)?;
        Ok(renamed)
    })
}

/// Deletes an organization nothing refers to any more and records `organization_deleted`
/// (naming it in the detail, since the event cannot point at a row that is gone), in one
/// transaction. The default organization and one with users, roles or history stay (409).
pub fn delete_as(
    conn: &mut AnyConnection,
    principal: &Principal,
    ctx: &AuditContext,
    id: OrganizationId,
    at: NaiveDateTime,
) -> Result<(), IdentityError> {
    owp_db::write_transaction(conn, |conn| {
        let organization = get_visible(conn, principal, id)?;
        delete(conn, id)?;
        record(
            conn,
            ctx,
            &event(EventType::OrganizationDeleted, &organization),
            at,
        )?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(checked_name("  Acme ").ok().as_deref(), Some("Acme"));
        assert!(checked_name("   ").is_err());
        assert!(checked_name(&"x".repeat(201)).is_err());
    }

    #[test]
    fn slugs_are_lowercase_ascii() {
        assert!(check_slug("acme-2").is_ok());
        for bad in ["", "Acme", "a b", "ä", &"a".repeat(65)] {
            assert!(check_slug(bad).is_err(), "{bad:?}");
        }
    }
}
