//! Chat: streamed, whole, tools, and the request that reached Ollama.

use std::time::{Duration, Instant};

use futures_util::StreamExt;
use owp_ollama_client::OllamaError;
use owp_ollama_client::fake::reply_text;
use owp_ollama_client::ollama_rs::generation::chat::ChatMessage;
use owp_ollama_client::ollama_rs::generation::chat::request::ChatMessageRequest;
use owp_ollama_client::ollama_rs::generation::tools::ToolInfo;
use serde_json::json;

use crate::support::{ask, setup};

fn weather_tool() -> ToolInfo {
    serde_json::from_value(json!({
        "type": "function",
        "function": {
            "name": "get_weather",
            "description": "Current weather of a city",
            "parameters": {
                "type": "object",
                "properties": { "city": { "type": "string" } },
                "required": ["city"]
            }
        }
    }))
    .unwrap()
}

#[tokio::test]
async fn streamed_chat_yields_tokens_then_a_final_chunk_with_counts() {
    let (fake, client) = setup().await;
    fake.set_tokens_per_reply(4);
    let stream = client
        .chat_stream(&ask("llama3.2", "why is the sky blue"))
        .await
        .unwrap();
    let chunks: Vec<_> = stream.map(Result::unwrap).collect().await;
    assert_eq!(chunks.len(), 5);
    assert!(
        chunks[..4]
            .iter()
            .all(|c| !c.done && !c.message.content.is_empty())
    );
    let text: String = chunks.iter().map(|c| c.message.content.as_str()).collect();
    assert_eq!(text, reply_text("why is the sky blue", 4));
    assert_eq!(text, "why is the sky");
    let last = &chunks[4];
    assert!(last.done);
    assert_eq!(last.done_reason.as_deref(), Some("stop"));
    assert_eq!(last.stats.eval_count, Some(4));
    assert_eq!(last.stats.prompt_eval_count, Some(5));
    assert!(last.stats.total_duration.unwrap() >= last.stats.eval_duration.unwrap());
    assert!(last.stats.load_duration.is_some() && last.stats.prompt_eval_duration.is_some());
    assert_eq!(fake.requests()[0].body["stream"], true);
}

#[tokio::test]
async fn streamed_chunks_arrive_before_the_reply_is_finished() {
    let (fake, client) = setup().await;
    fake.set_tokens_per_reply(4);
    fake.set_token_delay(Duration::from_millis(500));
    let started = Instant::now();
    let mut stream = client
        .chat_stream(&ask("llama3.2", "one two three four"))
        .await
        .unwrap();
    let first = stream.next().await.unwrap().unwrap();
    let first_after = started.elapsed();
    assert_eq!(first.message.content, "one");
    // The whole reply takes at least 4 × 500 ms; the first token must not wait for it.
    assert!(
        first_after < Duration::from_millis(1_500),
        "first token after {first_after:?}"
    );
    let rest: Vec<_> = stream.map(Result::unwrap).collect().await;
    assert_eq!(rest.len(), 4);
    assert!(started.elapsed() >= Duration::from_millis(1_500));
}

#[tokio::test]
async fn whole_chat_reply_with_stream_false() {
    let (fake, client) = setup().await;
    fake.set_tokens_per_reply(6);
    let reply = client.chat(&ask("llama3.2", "hello there")).await.unwrap();
    assert!(reply.done);
    assert_eq!(reply.message.content, "hello there hello there hello there");
    assert_eq!(reply.stats.eval_count, Some(6));
    assert_eq!(reply.done_reason.as_deref(), Some("stop"));
    assert_eq!(fake.requests()[0].body["stream"], false);
}

#[tokio::test]
async fn reply_follows_the_last_user_message() {
    let (_fake, client) = setup().await;
    let request = ChatMessageRequest::new(
        "llama3.2".into(),
        vec![
            ChatMessage::system("be brief".into()),
            ChatMessage::user("first question".into()),
            ChatMessage::assistant("first answer".into()),
            ChatMessage::user("second question".into()),
        ],
    );
    let reply = client.chat(&request).await.unwrap();
    assert_eq!(reply.message.content, reply_text("second question", 5));
    assert_eq!(reply.stats.prompt_eval_count, Some(8));
}

#[tokio::test]
async fn tools_produce_a_tool_call_and_a_tool_result_produces_text() {
    let (_fake, client) = setup().await;
    let request = ask("llama3.2", "Paris").tools(vec![weather_tool()]);
    let reply = client.chat(&request).await.unwrap();
    assert_eq!(reply.message.content, "");
    assert_eq!(reply.message.tool_calls.len(), 1);
    let call = &reply.message.tool_calls[0].function;
    assert_eq!(call.name, "get_weather");
    assert_eq!(call.arguments, json!({ "city": "Paris" }));

    let mut messages = request.messages.clone();
    messages.push(reply.message.clone());
    messages.push(ChatMessage::tool("sunny and warm".into()));
    let follow_up =
        ChatMessageRequest::new("llama3.2".into(), messages).tools(vec![weather_tool()]);
    let answer = client.chat(&follow_up).await.unwrap();
    assert!(answer.message.tool_calls.is_empty());
    assert_eq!(answer.message.content, reply_text("sunny and warm", 5));
}

#[tokio::test]
async fn streamed_tool_call_arrives_in_a_chunk_before_the_final_one() {
    let (_fake, client) = setup().await;
    let request = ask("llama3.2", "Oslo").tools(vec![weather_tool()]);
    let chunks: Vec<_> = client
        .chat_stream(&request)
        .await
        .unwrap()
        .map(Result::unwrap)
        .collect()
        .await;
    assert_eq!(chunks.len(), 2);
    assert_eq!(
        chunks[0].message.tool_calls[0].function.arguments["city"],
        "Oslo"
    );
    assert!(chunks[1].done);
    assert_eq!(chunks[1].stats.eval_count, Some(1));
}

#[tokio::test]
async fn empty_messages_load_the_model() {
    let (_fake, client) = setup().await;
    let reply = client
        .chat(&ChatMessageRequest::new("llama3.2".into(), vec![]))
        .await
        .unwrap();
    assert!(reply.done);
    assert_eq!(reply.done_reason.as_deref(), Some("load"));
}

#[tokio::test]
async fn chat_with_unknown_model_is_model_not_found_before_streaming() {
    let (_fake, client) = setup().await;
    let err = client.chat_stream(&ask("phi3", "hi")).await.err().unwrap();
    assert!(
        matches!(err, OllamaError::ModelNotFound { ref model } if model == "phi3"),
        "{err:?}"
    );
}

#[tokio::test]
async fn chat_with_an_embedding_model_is_an_upstream_400() {
    let (_fake, client) = setup().await;
    let err = client.chat(&ask("all-minilm", "hi")).await.unwrap_err();
    assert!(
        matches!(err, OllamaError::Upstream { status: 400, ref message } if message.contains("does not support chat")),
        "{err:?}"
    );
}
