//! What chat and agents rely on, without HTTP: `usable_tools` checks visibility and grants,
//! lists count only what their reader sees, and a deleted tool leaves every grant.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a failing test panics with its cause"
)]

use owp_audit::{AuditContext, ChainKey};
use owp_db::AnyConnection;
use owp_db::ids::{OrganizationId, ToolId};
use owp_db::{Page, StoreError};
use owp_identity::organizations;
use owp_identity::principal::principal_for_user;
use owp_identity::users::{self, NewUser, UserStatus};
use owp_rbac::{Grants, Principal, resolve_role_names, seed_system_roles, set_user_roles};
use owp_testkit::{Backend, TestDatabase, on_both_backends};
use owp_workshop::WorkshopError;
use owp_workshop::tools::{self, NewTool, ToolFilter};
use owp_workshop::visibility::Visibility;
use serde_json::json;

on_both_backends!(model_calls_get_only_visible_granted_tools);

fn ctx() -> AuditContext {
    AuditContext::system(ChainKey::derive(b"workshop-test-secret"))
}

fn person(conn: &mut AnyConnection, org: OrganizationId, email: &str, role: &str) -> Principal {
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
    let roles = resolve_role_names(conn, org, &[role.to_owned()]).unwrap();
    set_user_roles(conn, &ctx(), user.id, &roles, at).unwrap();
    principal_for_user(conn, user.id).unwrap()
}

fn tool(name: &str, visibility: Visibility) -> NewTool {
    NewTool {
        name: name.into(),
        description: String::new(),
        parameters: json!({"type": "object", "properties": {}}),
        visibility,
        project_id: None,
    }
}

async fn model_calls_get_only_visible_granted_tools(backend: Backend) {
    let test_db = TestDatabase::create(backend);
    let db = test_db.migrated().await;
    db.run(|conn| {
        let at = owp_db::time::now();
        seed_system_roles(conn, at)?;
        let org = organizations::default_organization(conn)?.id;
        let teacher = person(conn, org, "teacher@example.org", "instructor");
        let alice = person(conn, org, "alice@example.org", "user");
        let shared =
            tools::create_tool(conn, &teacher, &ctx(), tool("shared", Visibility::Org), at)
                .unwrap();
        let secret = tools::create_tool(
            conn,
            &teacher,
            &ctx(),
            tool("secret", Visibility::Private),
            at,
        )
        .unwrap();

        let listed =
            tools::list_tools(conn, &alice, &ToolFilter::default(), Page::default()).unwrap();
        assert_eq!((listed.total, listed.items[0].name.as_str()), (1, "shared"));
        let got = tools::usable_tools(conn, &alice, &[shared.id]).unwrap();
        assert_eq!(got[0].definition()["function"]["name"], "shared");
        let hidden = tools::usable_tools(conn, &alice, &[secret.id]).unwrap_err();
        assert!(
            matches!(hidden, WorkshopError::Invalid(ref f, _) if f == "tool_ids"),
            "{hidden:?}"
        );
        let unknown = tools::usable_tools(conn, &alice, &[ToolId::new()]).unwrap_err();
        assert!(matches!(unknown, WorkshopError::Invalid(..)), "{unknown:?}");

        let grants = Grants {
            allowed_model_ids: None,
            allowed_tool_ids: Some(vec![secret.id.to_string()]),
        };
        users::set_grants(conn, &ctx(), alice.user_id, &grants, at).unwrap();
        let alice = principal_for_user(conn, alice.user_id).unwrap();
        assert_eq!(alice.allowed_tool_names, Some(vec!["secret".to_owned()]));
        let refused = tools::usable_tools(conn, &alice, &[shared.id]).unwrap_err();
        assert!(
            matches!(refused, WorkshopError::Forbidden(_)),
            "{refused:?}"
        );

        tools::delete_tool(conn, &teacher, &ctx(), secret.id, at).unwrap();
        let alice = principal_for_user(conn, alice.user_id).unwrap();
        assert_eq!(
            alice.allowed_tool_ids,
            Some(Vec::new()),
            "the deleted tool left the grant"
        );
        Ok::<_, StoreError>(())
    })
    .await
    .unwrap();
}
