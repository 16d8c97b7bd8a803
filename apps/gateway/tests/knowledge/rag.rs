//! RAG systems: answers grounded in numbered sources (whole and streamed, citations after the
//! answer, the exchange stored), the "nothing relevant" path, bad input and visibility, and
//! knowledge in chat (given per turn, or an agent's).

use owp_testkit::{Backend, TestApp, on_both_backends};
use reqwest::Method;
use serde_json::{Value, json};

use crate::fixtures::{events, last_system_prompt, library, rag_system};
use crate::{field_of, other_org_admin, send};

on_both_backends!(
    a_rag_system_answers_from_numbered_sources,
    nothing_relevant_means_no_citations_and_the_model_is_told,
    rag_systems_refuse_bad_input_and_follow_the_visibility_rule,
    chat_turns_and_agents_are_grounded_in_knowledge,
);

async fn a_rag_system_answers_from_numbered_sources(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (teacher, library) = library(&app).await;
    let id = rag_system(&app, &teacher, json!({"name": "Farm helper", "collection_ids": [library], "chat_model": "llama3.2", "top_k": 2, "mode": "vector", "visibility": "org"})).await;
    let (_, made) = send(
        &app,
        &teacher,
        Method::GET,
        &format!("/api/v1/rag-systems/{id}"),
        None,
    )
    .await;
    assert_eq!(made["chat_model"], "llama3.2:latest");
    assert!(
        made["prompt_template"]
            .as_str()
            .unwrap()
            .contains("{{context}}")
    );

    let (_, bob) = app.user_token("bob@example.org", &["user"]).await;
    let (status, answer) = send(
        &app,
        &bob,
        Method::POST,
        &format!("/api/v1/rag-systems/{id}/query"),
        Some(json!({"question": "What do llamas eat?", "stream": false})),
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    let citations = answer["citations"].as_array().unwrap();
    assert_eq!(citations.len(), 2, "{answer}");
    assert_eq!(citations[0]["n"], 1);
    assert_eq!(citations[0]["document_title"], "llamas.md");
    assert!(citations[0]["text"].as_str().unwrap().contains("grass"));
    assert_eq!(citations[0]["collection_id"], library.as_str());
    let system = last_system_prompt(&app);
    assert!(system.contains("[1] llamas.md"), "{system}");
    assert!(system.contains("Question: What do llamas eat?"), "{system}");
    assert!(!answer["message"]["content"].as_str().unwrap().is_empty());

    // The exchange is a conversation of the asker: the question and the answer, sources kept.
    let conversation = answer["conversation_id"].as_str().unwrap();
    let (status, messages) = send(
        &app,
        &bob,
        Method::GET,
        &format!("/api/v1/conversations/{conversation}/messages"),
        None,
    )
    .await;
    assert_eq!(status, 200, "{messages}");
    let items = messages["items"].as_array().unwrap();
    assert_eq!(
        items.len(),
        2,
        "the rendered prompt is not stored: {messages}"
    );
    assert_eq!(items[0]["content"], "What do llamas eat?");
    assert_eq!(
        items[1]["metadata"]["sources"][0]["document_title"],
        "llamas.md"
    );
    assert_eq!(items[1]["metadata"]["rag_system_id"], id.as_str());

    // Streamed: the answer's pieces, then the citations, then done.
    let res = app
        .send_as(
            &bob,
            Method::POST,
            &format!("/api/v1/rag-systems/{id}/query"),
            Some(json!({"question": "Which storms are expected?"})),
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "text/event-stream");
    let got = events(&res.text().await.unwrap());
    let names: Vec<&str> = got.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names.first(), Some(&"start"), "{names:?}");
    assert!(names.contains(&"delta"), "{names:?}");
    assert_eq!(
        &names[names.len() - 2..],
        &["citations", "done"],
        "{names:?}"
    );
    let cited = &got[names.len() - 2].1["citations"];
    assert_eq!(cited[0]["document_title"], "weather.txt", "{cited}");
    assert!(cited[0]["cited"].is_boolean());
}

async fn nothing_relevant_means_no_citations_and_the_model_is_told(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (teacher, library) = library(&app).await;
    let id = rag_system(&app, &teacher, json!({"name": "Strict", "collection_ids": [library], "chat_model": "llama3.2", "mode": "vector", "min_score": 0.99})).await;
    let (status, answer) = send(
        &app,
        &teacher,
        Method::POST,
        &format!("/api/v1/rag-systems/{id}/query"),
        Some(json!({"question": "What do llamas eat?", "stream": false})),
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["citations"], json!([]));
    let system = last_system_prompt(&app);
    assert!(system.contains("No relevant context was found"), "{system}");
}

async fn rag_systems_refuse_bad_input_and_follow_the_visibility_rule(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (teacher, library) = library(&app).await;
    let (bob_id, bob) = app.user_token("bob@example.org", &["user"]).await;
    let foreign = other_org_admin(&app).await;
    let (_, private) = send(
        &app,
        &teacher,
        Method::POST,
        "/api/v1/collections",
        Some(json!({"name": "Mine", "embedding_model": "all-minilm"})),
    )
    .await;
    let private = private["id"].as_str().unwrap();
    let good = json!({"name": "R", "collection_ids": [library], "chat_model": "llama3.2"});
    for (change, field) in [
        (
            json!({"prompt_template": "Answer {{question}}"}),
            "prompt_template",
        ),
        (
            json!({"prompt_template": "Use {{context}}"}),
            "prompt_template",
        ),
        (json!({"collection_ids": []}), "collection_ids"),
        (
            json!({"collection_ids": ["0190a000-0000-7000-8000-000000000000"]}),
            "collection_ids",
        ),
        (json!({"top_k": 0}), "top_k"),
        (json!({"chat_model": ""}), "chat_model"),
        (json!({"name": " "}), "name"),
    ] {
        let mut body = good.clone();
        body.as_object_mut()
            .unwrap()
            .extend(change.as_object().unwrap().clone());
        let (status, problem) = send(
            &app,
            &teacher,
            Method::POST,
            "/api/v1/rag-systems",
            Some(body.clone()),
        )
        .await;
        assert_eq!(status, 422, "{body}: {problem}");
        assert_eq!(field_of(&problem), field, "{problem}");
    }
    // Another organisation's admin cannot build on the teacher's collection.
    let (status, problem) = send(
        &app,
        &foreign,
        Method::POST,
        "/api/v1/rag-systems",
        Some(good.clone()),
    )
    .await;
    assert_eq!(
        (status, field_of(&problem)),
        (422, "collection_ids"),
        "{problem}"
    );
    let id = rag_system(&app, &teacher, json!({"name": "Shared", "collection_ids": [library, private], "chat_model": "llama3.2", "visibility": "org"})).await;
    let (status, _) = send(
        &app,
        &teacher,
        Method::POST,
        "/api/v1/rag-systems",
        Some(json!({"name": "Shared", "collection_ids": [library], "chat_model": "llama3.2"})),
    )
    .await;
    assert_eq!(status, 409);
    let (status, _) = send(
        &app,
        &bob,
        Method::PATCH,
        &format!("/api/v1/rag-systems/{id}"),
        Some(json!({"top_k": 3})),
    )
    .await;
    assert_eq!(status, 403);
    let (status, changed) = send(
        &app,
        &teacher,
        Method::PATCH,
        &format!("/api/v1/rag-systems/{id}"),
        Some(json!({"top_k": 3, "min_score": null, "mode": "lexical"})),
    )
    .await;
    assert_eq!(
        (status, changed["top_k"].as_i64(), changed["mode"].as_str()),
        (200, Some(3), Some("lexical")),
        "{changed}"
    );
    for (method, path, body) in [
        (Method::GET, format!("/api/v1/rag-systems/{id}"), None),
        (
            Method::PATCH,
            format!("/api/v1/rag-systems/{id}"),
            Some(json!({"top_k": 2})),
        ),
        (Method::DELETE, format!("/api/v1/rag-systems/{id}"), None),
        (
            Method::POST,
            format!("/api/v1/rag-systems/{id}/query"),
            Some(json!({"question": "hi", "stream": false})),
        ),
    ] {
        let (status, _) = send(&app, &foreign, method, &path, body).await;
        assert_eq!(status, 404, "{path}");
    }
    // Bob asks the shared system: the teacher's private collection is skipped for him.
    let (status, answer) = send(
        &app,
        &bob,
        Method::POST,
        &format!("/api/v1/rag-systems/{id}/query"),
        Some(json!({"question": "borrow checker", "stream": false})),
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["citations"][0]["document_title"], "rust.md");
    let (status, problem) = send(
        &app,
        &bob,
        Method::POST,
        &format!("/api/v1/rag-systems/{id}/query"),
        Some(json!({"question": "  ", "stream": false})),
    )
    .await;
    assert_eq!((status, field_of(&problem)), (422, "question"));
    // Without the chat model's grant, nothing is retrieved or asked.
    let admin = app.admin_token().await;
    let (status, _) = send(
        &app,
        &admin,
        Method::PUT,
        &format!("/api/v1/users/{bob_id}/grants"),
        Some(json!({"allowed_model_ids": ["all-minilm:latest"]})),
    )
    .await;
    assert_eq!(status, 200);
    let (status, problem) = send(
        &app,
        &bob,
        Method::POST,
        &format!("/api/v1/rag-systems/{id}/query"),
        Some(json!({"question": "llamas", "stream": false})),
    )
    .await;
    assert_eq!(status, 403, "{problem}");
    let (status, _) = send(
        &app,
        &teacher,
        Method::DELETE,
        &format!("/api/v1/rag-systems/{id}"),
        None,
    )
    .await;
    assert_eq!(status, 204);
    let (_, page) = send(
        &app,
        &admin,
        Method::GET,
        "/api/v1/audit?event_type=rag_system_updated",
        None,
    )
    .await;
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
}

async fn chat_turns_and_agents_are_grounded_in_knowledge(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (teacher, library) = library(&app).await;
    let (status, answer) = send(&app, &teacher, Method::POST, "/api/v1/chat", Some(json!({"model": "llama3.2", "messages": [{"role": "user", "content": "What do llamas eat?"}], "knowledge": [library], "stream": false}))).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(
        answer["citations"][0]["document_title"], "llamas.md",
        "{answer}"
    );
    assert!(last_system_prompt(&app).contains("[1] llamas.md"));
    let (status, answer) = send(&app, &teacher, Method::POST, "/api/v1/chat", Some(json!({"model": "llama3.2", "messages": [{"role": "user", "content": "hi"}], "stream": false}))).await;
    assert_eq!(status, 200);
    assert!(
        answer.get("citations").is_none(),
        "no knowledge, no citations: {answer}"
    );
    let (status, problem) = send(&app, &teacher, Method::POST, "/api/v1/chat", Some(json!({"model": "llama3.2", "messages": [{"role": "user", "content": "hi"}], "knowledge": ["nope"], "stream": false}))).await;
    assert_eq!(
        (status, field_of(&problem)),
        (422, "knowledge[0]"),
        "{problem}"
    );

    // An agent with a RAG system as its knowledge grounds every turn with it.
    let rag = rag_system(&app, &teacher, json!({"name": "Weather desk", "collection_ids": [library], "chat_model": "llama3.2", "visibility": "org"})).await;
    let (status, problem) = send(&app, &teacher, Method::POST, "/api/v1/agents", Some(json!({"name": "X", "slug": "x", "model": "llama3.2", "knowledge": ["0190a000-0000-7000-8000-000000000000"]}))).await;
    assert_eq!(
        (status, field_of(&problem)),
        (422, "knowledge[0]"),
        "{problem}"
    );
    let (status, agent) = send(&app, &teacher, Method::POST, "/api/v1/agents", Some(json!({"name": "Forecaster", "slug": "forecaster", "model": "llama3.2", "knowledge": [rag], "visibility": "org"}))).await;
    assert_eq!(status, 201, "{agent}");
    assert_eq!(agent["knowledge"], json!([rag]));
    let res = app.send_as(&teacher, Method::POST, "/api/v1/chat", Some(json!({"agent_id": agent["id"], "messages": [{"role": "user", "content": "thunderstorms on the coast?"}]}))).await;
    let got = events(&res.text().await.unwrap());
    let citations = got
        .iter()
        .find(|(n, _)| n == "citations")
        .map(|(_, d)| d.clone())
        .expect("a citations event");
    assert_eq!(
        citations["citations"][0]["document_title"], "weather.txt",
        "{citations}"
    );

    // OpenAI clients using the agent get the sources in the extra `citations` field.
    let ask = |stream: bool| json!({"model": "agent:forecaster", "messages": [{"role": "user", "content": "thunderstorms on the coast?"}], "stream": stream});
    let (status, completion) = send(
        &app,
        &teacher,
        Method::POST,
        "/v1/chat/completions",
        Some(ask(false)),
    )
    .await;
    assert_eq!(status, 200, "{completion}");
    assert_eq!(
        completion["citations"][0]["document_title"], "weather.txt",
        "{completion}"
    );
    assert_eq!(completion["object"], "chat.completion");
    let res = app
        .send_as(
            &teacher,
            Method::POST,
            "/v1/chat/completions",
            Some(ask(true)),
        )
        .await;
    let body = res.text().await.unwrap();
    let finishing: Vec<Value> = body
        .lines()
        .filter_map(|l| l.strip_prefix("data: "))
        .filter(|d| *d != "[DONE]")
        .map(|d| serde_json::from_str::<Value>(d).unwrap())
        .filter(|c| !c["choices"][0]["finish_reason"].is_null())
        .collect();
    assert_eq!(finishing.len(), 1, "{body}");
    assert_eq!(
        finishing[0]["citations"][0]["document_title"], "weather.txt",
        "{body}"
    );
    let (_, plain) = send(
        &app,
        &teacher,
        Method::POST,
        "/v1/chat/completions",
        Some(json!({"model": "llama3.2", "messages": [{"role": "user", "content": "hi"}]})),
    )
    .await;
    assert!(plain.get("citations").is_none(), "{plain}");
}
