//! Unit tests of the turn's request building: order of messages, tool calls and answers,
//! bad tools and options.

use super::*;

fn said(role: &str, content: &str) -> NewMessage {
    NewMessage {
        role: role.into(),
        content: content.into(),
        tool_call_id: None,
    }
}

#[test]
fn history_comes_before_the_new_messages() {
    let request = ollama_request(
        "m",
        &["you are a guide"],
        &[],
        &[said("system", "be brief"), said("user", "hi")],
        None,
        Vec::new(),
    )
    .unwrap();
    let sent = serde_json::to_value(&request).unwrap();
    assert_eq!(sent["messages"][0]["content"], "you are a guide");
    assert_eq!(sent["messages"][1]["role"], "system");
    assert_eq!(sent["messages"][2]["content"], "hi");
    assert!(request.tools.is_empty());
}

#[test]
fn stored_tool_calls_go_back_to_the_model_and_answers_must_name_them() {
    let call = json!({"id": "call_1", "function": {"name": "f", "arguments": {"x": 1}}});
    let history = vec![Message {
        id: owp_db::ids::MessageId::new(),
        role: "assistant".into(),
        content: String::new(),
        model: Some("m".into()),
        tokens_used: None,
        processing_time_ms: None,
        metadata: json!({"tool_calls": [call]}),
        incomplete: false,
        created_at: chrono::NaiveDateTime::default(),
    }];
    let answer = |id: &str| NewMessage {
        tool_call_id: Some(id.into()),
        ..said("tool", "42")
    };
    let request =
        ollama_request("m", &[], &history, &[answer("call_1")], None, Vec::new()).unwrap();
    let sent = serde_json::to_value(&request).unwrap();
    assert_eq!(
        sent["messages"][0]["tool_calls"][0]["function"]["name"],
        "f"
    );
    assert_eq!(sent["messages"][1]["role"], "tool");
    assert!(check_answers(&history, &[answer("call_1")]).is_ok());
    let Err(ChatError::Invalid(field, _)) = check_answers(&history, &[answer("call_2")]) else {
        panic!("an answer to a call never made must be refused");
    };
    assert_eq!(field, "messages[0].tool_call_id");
}

#[test]
fn bad_tools_and_options_name_their_field() {
    let Err(ChatError::Invalid(field, _)) = parse_tools(Some(&[json!({"type": 1})])) else {
        panic!("a malformed tool must be refused");
    };
    assert_eq!(field, "tools[0]");
    let Err(ChatError::Invalid(field, _)) = parse_options(Some(json!({"temperature": "hot"})))
    else {
        panic!("malformed options must be refused");
    };
    assert_eq!(field, "options");
}
