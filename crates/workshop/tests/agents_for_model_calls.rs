//! What the chat pipeline relies on when it uses an agent, without HTTP: `prepare_use` finds a
//! visible, active agent by id or slug and renders its prompt for the caller at `at`;
//! `list_usable` offers the active agents the caller sees; a deleted tool leaves agents.

use chrono::NaiveDate;
use owp_audit::{AuditContext, ChainKey};
use owp_db::AnyConnection;
use owp_db::StoreError;
use owp_db::ids::{AgentId, OrganizationId};
use owp_identity::organizations;
use owp_identity::principal::principal_for_user;
use owp_identity::users::{self, NewUser, UserStatus};
use owp_rbac::{Principal, resolve_role_names, seed_system_roles, set_user_roles};
use owp_testkit::{Backend, TestDatabase, on_both_backends};
use owp_workshop::WorkshopError;
use owp_workshop::agents::{self, AgentChange, AgentRef, NewAgent};
use owp_workshop::prompts::variables::{Variable, VariableType};
use owp_workshop::prompts::{self, NewPrompt, PromptChange};
use owp_workshop::tools::{self, NewTool};
use owp_workshop::visibility::Visibility;
use serde_json::{Map, Value, json};

on_both_backends!(agents_resolve_for_their_caller);

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

fn agent(slug: &str, visibility: Visibility) -> NewAgent {
    NewAgent {
        name: slug.to_uppercase(),
        slug: slug.into(),
        description: String::new(),
        model: "llama3.2".into(),
        system_prompt: None,
        prompt_id: None,
        prompt_variables: Map::new(),
        tool_ids: Vec::new(),
        options: Value::Null,
        knowledge: Vec::new(),
        visibility,
        project_id: None,
        active: true,
    }
}

fn conflict(err: WorkshopError) -> String {
    match err {
        WorkshopError::Conflict(detail) => detail,
        other => panic!("expected a conflict, got {other:?}"),
    }
}

async fn agents_resolve_for_their_caller(backend: Backend) {
    let test_db = TestDatabase::create(backend);
    let db = test_db.migrated().await;
    db.run(|conn| {
        let at = NaiveDate::from_ymd_opt(2026, 3, 4)
            .unwrap()
            .and_hms_opt(10, 30, 0)
            .unwrap();
        seed_system_roles(conn, at)?;
        let org = organizations::default_organization(conn)?.id;
        let teacher = person(conn, org, "teacher@example.org", "instructor");
        let alice = person(conn, org, "alice@example.org", "user");

        let tutor = NewPrompt {
            name: "Tutor".into(),
            command: "tutor".into(),
            content: "You tutor {{subject}} on {{CURRENT_DATE}}.".into(),
            variables: vec![Variable {
                name: "subject".into(),
                kind: VariableType::Text,
                required: true,
                default: None,
                options: Vec::new(),
                description: String::new(),
            }],
            tags: Vec::new(),
            visibility: Visibility::Org,
            project_id: None,
            message: None,
        };
        let prompt = prompts::create_prompt(conn, &teacher, &ctx(), tutor, at).unwrap();
        let calculator = NewTool {
            name: "calculator".into(),
            description: String::new(),
            parameters: json!({"type": "object", "properties": {}}),
            visibility: Visibility::Org,
            project_id: None,
        };
        let tool = tools::create_tool(conn, &teacher, &ctx(), calculator, at).unwrap();
        let mut math = agent("math", Visibility::Org);
        math.prompt_id = Some(prompt.id);
        math.prompt_variables = json!({"subject": "maths"}).as_object().unwrap().clone();
        math.tool_ids = vec![tool.id];
        math.options = json!({"temperature": 0.3, "num_ctx": 4096});
        let math = agents::create_agent(conn, &teacher, &ctx(), math, at).unwrap();
        assert_eq!(
            math.model, "llama3.2:latest",
            "the model is stored canonical"
        );
        let mut text = agent("text", Visibility::Org);
        text.system_prompt = Some("Answer in French.".into());
        agents::create_agent(conn, &teacher, &ctx(), text, at).unwrap();
        let secret = agents::create_agent(
            conn,
            &teacher,
            &ctx(),
            agent("secret", Visibility::Private),
            at,
        )
        .unwrap();
        let mut off = agent("off", Visibility::Org);
        off.active = false;
        agents::create_agent(conn, &teacher, &ctx(), off, at).unwrap();

        let by_slug = agents::prepare_use(conn, &alice, AgentRef::Slug("math"), at).unwrap();
        assert_eq!(
            by_slug.system_prompt.as_deref(),
            Some("You tutor maths on 2026-03-04."),
            "the prompt renders with the stored values and CURRENT_DATE from at"
        );
        assert_eq!(by_slug.tool_ids, vec![tool.id]);
        assert_eq!(
            serde_json::to_value(&by_slug.options).unwrap(),
            json!({"temperature": 0.3, "num_ctx": 4096})
        );
        let by_id = agents::prepare_use(conn, &alice, AgentRef::Id(math.id), at).unwrap();
        assert_eq!(by_id, by_slug);
        let plain = agents::prepare_use(conn, &alice, AgentRef::Slug("text"), at).unwrap();
        assert_eq!(plain.system_prompt.as_deref(), Some("Answer in French."));

        for hidden in [
            AgentRef::Id(secret.id),
            AgentRef::Slug("secret"),
            AgentRef::Slug("nobody"),
            AgentRef::Id(AgentId::new()),
        ] {
            let err = agents::prepare_use(conn, &alice, hidden, at).unwrap_err();
            assert_eq!(err, WorkshopError::NotFound, "{hidden:?}");
        }
        let err = agents::prepare_use(conn, &alice, AgentRef::Slug("off"), at).unwrap_err();
        assert_eq!(conflict(err), "agent off is not active");

        let slugs =
            |list: Vec<agents::AgentSummary>| list.into_iter().map(|a| a.slug).collect::<Vec<_>>();
        assert_eq!(
            slugs(agents::list_usable(conn, &alice).unwrap()),
            ["math", "text"]
        );
        assert_eq!(
            slugs(agents::list_usable(conn, &teacher).unwrap()),
            ["math", "secret", "text"]
        );

        let private = PromptChange {
            base_version: Some(1),
            visibility: Some(Visibility::Private),
            ..PromptChange::default()
        };
        prompts::update_prompt(conn, &teacher, &ctx(), prompt.id, private, at).unwrap();
        let err = agents::prepare_use(conn, &alice, AgentRef::Slug("math"), at).unwrap_err();
        assert!(conflict(err).contains("unavailable"), "an invisible prompt");
        assert!(agents::prepare_use(conn, &teacher, AgentRef::Slug("math"), at).is_ok());
        prompts::delete_prompt(conn, &teacher, &ctx(), prompt.id, at).unwrap();
        let err = agents::prepare_use(conn, &teacher, AgentRef::Slug("math"), at).unwrap_err();
        assert!(conflict(err).contains("unavailable"), "a deleted prompt");

        let switch = AgentChange {
            system_prompt: Some(Some("Plain now.".into())),
            ..AgentChange::default()
        };
        let switched = agents::update_agent(conn, &teacher, &ctx(), math.id, switch, at).unwrap();
        assert_eq!(
            (switched.prompt_id, switched.prompt_variables.len()),
            (None, 0)
        );
        tools::delete_tool(conn, &teacher, &ctx(), tool.id, at).unwrap();
        let used = agents::prepare_use(conn, &alice, AgentRef::Slug("math"), at).unwrap();
        assert_eq!(
            (used.system_prompt.as_deref(), used.tool_ids.len()),
            (Some("Plain now."), 0),
            "the deleted tool left the agent"
        );
        Ok::<_, StoreError>(())
    })
    .await
    .unwrap();
}
