//! The RAG system list: `q` searches the name (case-insensitive, wildcards taken literally),
//! paging like every list, bad search text refused, and only what the caller sees.

use owp_testkit::{Backend, TestApp, on_both_backends};
use reqwest::Method;
use serde_json::{Value, json};

use crate::fixtures::{library, rag_system};
use crate::{field_of, other_org_admin, send};

on_both_backends!(rag_systems_are_searched_by_name_and_paged,);

/// The names a list answered, in order, and its total.
async fn names(app: &TestApp, token: &str, query: &str) -> (Vec<String>, i64) {
    let (status, page) = send(
        app,
        token,
        Method::GET,
        &format!("/api/v1/rag-systems{query}"),
        None,
    )
    .await;
    assert_eq!(status, 200, "{query}: {page}");
    let names = page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|s| s["name"].as_str().expect("a name").to_owned())
        .collect();
    (names, page["total"].as_i64().expect("a total"))
}

async fn rag_systems_are_searched_by_name_and_paged(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (teacher, library) = library(&app).await;
    for (name, visibility) in [
        ("Farm helper", "org"),
        ("Weather desk", "org"),
        ("farm_notes 100%", "org"),
        ("Private farm", "private"),
    ] {
        rag_system(&app, &teacher, json!({"name": name, "collection_ids": [library], "chat_model": "llama3.2", "visibility": visibility})).await;
    }
    let (_, bob) = app.user_token("bob@example.org", &["user"]).await;

    let (all, total) = names(&app, &bob, "").await;
    assert_eq!((all.len(), total), (3, 3), "{all:?}");
    assert_eq!(
        names(&app, &bob, "?q=FARM").await,
        (vec!["Farm helper".into(), "farm_notes 100%".into()], 2)
    );
    assert_eq!(
        names(&app, &teacher, "?q=farm").await.1,
        3,
        "the owner also finds the private one"
    );
    assert_eq!(
        names(&app, &bob, "?q=_").await,
        (vec!["farm_notes 100%".into()], 1),
        "`_` is not a wildcard"
    );
    assert_eq!(names(&app, &bob, "?q=100%25").await.1, 1);
    assert_eq!(
        names(&app, &bob, "?q=%20%20").await.1,
        3,
        "blank: no filter"
    );
    assert_eq!(names(&app, &bob, "?q=nothing").await, (vec![], 0));
    assert_eq!(
        names(&app, &bob, "?q=farm&limit=1&offset=1").await,
        (vec!["farm_notes 100%".into()], 2)
    );

    for (query, field) in [
        (format!("?q={}", "x".repeat(201)), "q"),
        ("?q=a%00b".to_owned(), "q"),
        ("?limit=0".to_owned(), "limit"),
        ("?offset=-1".to_owned(), "offset"),
    ] {
        let (status, problem) = send(
            &app,
            &bob,
            Method::GET,
            &format!("/api/v1/rag-systems{query}"),
            None,
        )
        .await;
        assert_eq!((status, field_of(&problem)), (422, field), "{problem}");
    }
    let (status, problem): (u16, Value) = send(
        &app,
        &bob,
        Method::GET,
        "/api/v1/rag-systems?limit=many",
        None,
    )
    .await;
    assert_eq!(status, 400, "{problem}");

    let stranger = other_org_admin(&app).await;
    assert_eq!(names(&app, &stranger, "?q=farm").await, (vec![], 0));
}
