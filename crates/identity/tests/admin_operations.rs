//! The admin operations on users, without HTTP: visibility across organizations, the
//! escalation and self-lockout rules, and that a refused operation writes nothing.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a failing test panics with its cause"
)]

use owp_audit::{AuditContext, ChainKey};
use owp_db::ids::UserId;
use owp_db::{AnyConnection, StoreError};
use owp_identity::IdentityError;
use owp_identity::organizations::{self, NewOrganization};
use owp_identity::principal::principal_for_user;
use owp_identity::users::{
    self, CreatedUser, Decision, NewUser, UserPatch, UserStatus, create_user_as,
    decide_registration, disable_user_as, update_user_as,
};
use owp_rbac::{Principal, resolve_role_names, seed_system_roles, set_user_roles};
use owp_testkit::{Backend, TestDatabase, on_both_backends};

on_both_backends!(admins_act_only_in_reach_and_within_policy);

fn ctx() -> AuditContext {
    AuditContext::system(ChainKey::derive(b"operations-test-secret"))
}

fn admin_of(conn: &mut AnyConnection, org: owp_db::ids::OrganizationId, email: &str) -> Principal {
    let at = owp_db::time::now();
    let new = NewUser {
        organization_id: org,
        email: email.into(),
        full_name: None,
        status: UserStatus::Active,
        roles: Vec::new(),
    };
    let user =
        users::create_user(conn, &ctx(), &new, owp_audit::EventType::UserCreated, at).unwrap();
    let roles = resolve_role_names(conn, org, &["admin".to_owned()]).unwrap();
    set_user_roles(conn, &ctx(), user.id, &roles, at).unwrap();
    principal_for_user(conn, user.id).unwrap()
}

async fn admins_act_only_in_reach_and_within_policy(backend: Backend) {
    let test_db = TestDatabase::create(backend);
    let db = test_db.migrated().await;
    db.run(|conn| {
        let at = owp_db::time::now();
        seed_system_roles(conn, at)?;
        let home = organizations::default_organization(conn)?.id;
        let other = organizations::create(
            conn,
            NewOrganization {
                name: "Other".into(),
                slug: "other".into(),
            },
            at,
        )?
        .id;
        let admin = admin_of(conn, home, "admin@home.example.org");
        let stranger = admin_of(conn, other, "admin@other.example.org");
        let input = |email: &str| CreatedUser {
            email: email.into(),
            full_name: None,
            organization_id: None,
        };
        let member = create_user_as(conn, &admin, &ctx(), input("member@home.example.org"), at)?;

        let across = update_user_as(conn, &stranger, &ctx(), member.id, UserPatch::default(), at);
        assert!(
            matches!(across, Err(IdentityError::Store(StoreError::NotFound))),
            "another organization's user is not found: {across:?}"
        );
        let into_other = create_user_as(
            conn,
            &admin,
            &ctx(),
            CreatedUser {
                organization_id: Some(other),
                ..input("x@other.example.org")
            },
            at,
        );
        assert!(matches!(into_other, Err(IdentityError::Forbidden(_))));

        let escalate = UserPatch {
            roles: Some(vec!["super_admin".into()]),
            full_name: Some("Renamed".into()),
            ..UserPatch::default()
        };
        let refused = update_user_as(conn, &admin, &ctx(), member.id, escalate, at);
        assert!(matches!(refused, Err(IdentityError::Forbidden(_))));
        let unchanged = users::get_user(conn, member.id)?;
        assert_eq!(
            unchanged.full_name, None,
            "a refused operation writes nothing"
        );

        let lockout = disable_user_as(conn, &admin, &ctx(), admin.user_id, at);
        assert!(matches!(lockout, Err(IdentityError::WrongState(_))));
        let disabled = disable_user_as(conn, &admin, &ctx(), member.id, at)?;
        assert_eq!(disabled.status, UserStatus::Disabled);

        let not_pending = decide_registration(
            conn,
            &admin,
            &ctx(),
            disabled.id,
            Decision {
                approved: true,
                ..Decision::default()
            },
            at,
        );
        assert!(matches!(not_pending, Err(IdentityError::WrongState(_))));
        let nobody = users::get_visible_user(conn, &admin, UserId::new());
        assert!(matches!(
            nobody,
            Err(IdentityError::Store(StoreError::NotFound))
        ));
        Ok::<_, IdentityError>(())
    })
    .await
    .unwrap();
}
