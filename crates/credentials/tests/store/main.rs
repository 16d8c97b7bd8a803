//! The credential store on real SQLite and PostgreSQL: passwords, API keys, authentication and
//! the audit events written with them. One test binary, so the harness is linked once.

mod api_keys;
mod authenticate;
mod passwords;

use diesel::RunQueryDsl;
use diesel::prelude::*;
use owp_audit::{AuditContext, AuditEvent, AuditFilter, EventType, query};
use owp_db::ids::UserId;
use owp_db::schema::{credentials, users};
use owp_db::{Database, Page, StoreError};

/// The organization every migrated database starts with.
const DEFAULT_ORG: &str = "019ab0c4-0000-7000-8000-000000000001";

/// The audit chain key of these tests.
fn chain_key() -> owp_audit::ChainKey {
    owp_audit::ChainKey::derive(b"credentials test secret")
}

/// Walks the audit chain with [`chain_key`].
fn verify(conn: &mut owp_db::AnyConnection) -> Result<owp_audit::ChainReport, StoreError> {
    owp_audit::verify(conn, &chain_key(), None)
}

fn ctx(actor: UserId) -> AuditContext {
    AuditContext {
        chain_key: chain_key(),
        actor_user_id: Some(actor),
        system_actor: None,
        organization_id: Some(DEFAULT_ORG.parse().unwrap()),
        ip: Some("127.0.0.1".into()),
        user_agent: Some("tests".into()),
        request_id: Some("req-1".into()),
    }
}

/// An active user of the default organization; credentials need one to belong to.
async fn new_user(db: &Database) -> UserId {
    let user = UserId::new();
    db.run(move |conn| {
        let now = owp_db::time::now();
        let email = format!("{user}@example.com");
        diesel::insert_into(users::table)
            .values((
                users::id.eq(user.to_string()),
                users::organization_id.eq(DEFAULT_ORG),
                users::email.eq(&email),
                users::email_normalized.eq(&email),
                users::status.eq("active"),
                users::created_at.eq(now),
                users::updated_at.eq(now),
            ))
            .execute(conn)
            .map_err(StoreError::from)
    })
    .await
    .unwrap();
    user
}

/// Every recorded event of one type, newest first.
async fn events(db: &Database, event_type: EventType) -> Vec<AuditEvent> {
    db.run(move |conn| {
        let filter = AuditFilter {
            event_type: Some(event_type),
            ..AuditFilter::default()
        };
        query(conn, &filter, Page::default())
    })
    .await
    .unwrap()
    .items
}

/// How many credential rows the user has, and how many of them are unrevoked.
async fn credential_counts(db: &Database, user: UserId) -> (i64, i64) {
    db.run(move |conn| {
        let mine = || credentials::table.filter(credentials::user_id.eq(user.to_string()));
        let all: i64 = mine().count().get_result(conn)?;
        let active: i64 = mine()
            .filter(credentials::revoked_at.is_null())
            .count()
            .get_result(conn)?;
        Ok::<_, StoreError>((all, active))
    })
    .await
    .unwrap()
}
