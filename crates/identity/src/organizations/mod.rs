//! Organizations: the tenants every user and every piece of content belongs to.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use owp_db::ids::OrganizationId;
use owp_db::schema::organizations;
use owp_db::{AnyConnection, Page, Paged, StoreError};

/// The organization created by the first migration; users join it unless placed elsewhere.
pub const DEFAULT_ORGANIZATION_SLUG: &str = "default";

/// An organization as callers see it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Organization {
    /// Stable id.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub id: OrganizationId,
    /// Display name.
    pub name: String,
    /// URL-safe unique handle.
    pub slug: String,
    /// When it was created (UTC).
    pub created_at: NaiveDateTime,
    /// When it last changed (UTC).
    pub updated_at: NaiveDateTime,
}

/// What a caller supplies to create an organization.
#[derive(Debug, Clone, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewOrganization {
    /// Display name (1..=200 characters).
    pub name: String,
    /// 1..=64 of `a-z0-9-`, unique (a taken slug is a conflict on `slug`).
    pub slug: String,
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = organizations)]
struct OrganizationRow {
    id: String,
    name: String,
    slug: String,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

impl TryFrom<OrganizationRow> for Organization {
    type Error = StoreError;

    fn try_from(row: OrganizationRow) -> Result<Self, StoreError> {
        Ok(Organization {
            id: row.id.parse().map_err(|e| {
                StoreError::Internal(format!("bad organization id {}: {e}", row.id))
            })?,
            name: row.name,
            slug: row.slug,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

/// Creates an organization at `now`.
pub fn create(
    conn: &mut AnyConnection,
    new: NewOrganization,
    now: NaiveDateTime,
) -> Result<Organization, StoreError> {
    let row = OrganizationRow {
        id: OrganizationId::new().to_string(),
        name: new.name,
        slug: new.slug,
        created_at: now,
        updated_at: now,
    };
    diesel::insert_into(organizations::table)
        .values(&row)
        .execute(conn)?;
    row.try_into()
}

/// Looks an organization up by id.
pub fn get(conn: &mut AnyConnection, id: OrganizationId) -> Result<Organization, StoreError> {
    organizations::table
        .find(id.to_string())
        .select(OrganizationRow::as_select())
        .first(conn)?
        .try_into()
}

/// Looks an organization up by its slug.
pub fn get_by_slug(conn: &mut AnyConnection, slug: &str) -> Result<Organization, StoreError> {
    organizations::table
        .filter(organizations::slug.eq(slug))
        .select(OrganizationRow::as_select())
        .first(conn)?
        .try_into()
}

/// The organization new users join by default.
pub fn default_organization(conn: &mut AnyConnection) -> Result<Organization, StoreError> {
    get_by_slug(conn, DEFAULT_ORGANIZATION_SLUG)
}

/// Organizations ordered by name, one page at a time.
pub fn list(conn: &mut AnyConnection, page: Page) -> Result<Paged<Organization>, StoreError> {
    let total = organizations::table.count().get_result(conn)?;
    let rows = organizations::table
        .order((organizations::name.asc(), organizations::id.asc()))
        .limit(page.limit())
        .offset(page.offset())
        .select(OrganizationRow::as_select())
        .load(conn)?;
    let items = rows
        .into_iter()
        .map(Organization::try_from)
        .collect::<Result<_, _>>()?;
    Ok(Paged { items, total })
}

/// Renames an organization.
pub fn rename(
    conn: &mut AnyConnection,
    id: OrganizationId,
    name: &str,
    now: NaiveDateTime,
) -> Result<Organization, StoreError> {
    let changed = diesel::update(organizations::table.find(id.to_string()))
        .set((
            organizations::name.eq(name),
            organizations::updated_at.eq(now),
        ))
        .execute(conn)?;
    if changed == 0 {
        return Err(StoreError::NotFound);
    }
    get(conn, id)
}

/// Deletes an organization that nothing refers to any more; the default organization stays.
/// One that still has users, roles or history answers [`StoreError::ForeignKey`].
pub fn delete(conn: &mut AnyConnection, id: OrganizationId) -> Result<(), StoreError> {
    let organization = get(conn, id)?;
    if organization.slug == DEFAULT_ORGANIZATION_SLUG {
        return Err(StoreError::ForeignKey { field: None });
    }
    diesel::delete(organizations::table.find(id.to_string())).execute(conn)?;
    Ok(())
}

mod admin;
pub use admin::{create_as, delete_as, get_visible, list_visible, rename_as};
