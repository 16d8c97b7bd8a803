//! The raw NDJSON relay used by pass-through proxies.

use std::time::{Duration, Instant};

use bytes::Bytes;
use futures_util::StreamExt;
use owp_ollama_client::fake::{Mode, reply_text};
use owp_ollama_client::{OllamaError, RelayEndpoint};
use serde_json::{Value, json};

use crate::support::setup;

fn body(value: &Value) -> Bytes {
    Bytes::from(value.to_string())
}

#[tokio::test]
async fn chat_relay_passes_ndjson_through_unchanged() {
    let (fake, client) = setup().await;
    fake.set_tokens_per_reply(3);
    let request =
        json!({ "model": "llama3.2", "messages": [{ "role": "user", "content": "x y z" }] });
    let relayed = client
        .relay(RelayEndpoint::Chat, body(&request))
        .await
        .unwrap();
    assert_eq!(relayed.status, 200);
    assert_eq!(
        relayed.content_type.as_deref(),
        Some("application/x-ndjson")
    );
    let bytes: Vec<u8> = relayed
        .body
        .map(Result::unwrap)
        .collect::<Vec<_>>()
        .await
        .concat();
    let lines: Vec<Value> = bytes
        .split(|&b| b == b'\n')
        .filter(|line| !line.is_empty())
        .map(|line| serde_json::from_slice(line).unwrap())
        .collect();
    assert_eq!(lines.len(), 4);
    let text: String = lines
        .iter()
        .filter_map(|l| l["message"]["content"].as_str())
        .collect();
    assert_eq!(text, reply_text("x y z", 3));
    assert_eq!(lines[3]["done"], true);
    assert_eq!(lines[3]["eval_count"], 3);
    assert_eq!(fake.requests()[0].body, request);
}

#[tokio::test]
async fn relay_yields_bytes_as_they_arrive() {
    let (fake, client) = setup().await;
    fake.set_tokens_per_reply(4);
    fake.set_token_delay(Duration::from_millis(500));
    let started = Instant::now();
    let request = json!({ "model": "llama3.2", "prompt": "p q r s" });
    let mut relayed = client
        .relay(RelayEndpoint::Generate, body(&request))
        .await
        .unwrap();
    let first = relayed.body.next().await.unwrap().unwrap();
    assert!(
        started.elapsed() < Duration::from_millis(1_500),
        "{:?}",
        started.elapsed()
    );
    let first: Value =
        serde_json::from_slice(first.split(|&b| b == b'\n').next().unwrap()).unwrap();
    assert_eq!(first["response"], "p");
}

#[tokio::test]
async fn non_streamed_relay_is_one_json_object() {
    let (_fake, client) = setup().await;
    let request = json!({ "model": "llama3.2", "prompt": "hi", "stream": false });
    let relayed = client
        .relay(RelayEndpoint::Generate, body(&request))
        .await
        .unwrap();
    assert!(
        relayed
            .content_type
            .unwrap()
            .starts_with("application/json")
    );
    let bytes: Vec<u8> = relayed
        .body
        .map(Result::unwrap)
        .collect::<Vec<_>>()
        .await
        .concat();
    let answer: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(answer["response"], reply_text("hi", 5));
    assert_eq!(answer["done"], true);
}

#[tokio::test]
async fn relay_maps_unknown_model_and_upstream_failures() {
    let (fake, client) = setup().await;
    let request = json!({ "model": "nope", "messages": [] });
    let err = client
        .relay(RelayEndpoint::Chat, body(&request))
        .await
        .err()
        .unwrap();
    assert!(
        matches!(err, OllamaError::ModelNotFound { ref model } if model == "nope"),
        "{err:?}"
    );
    fake.set_mode(Mode::Fail { status: 500 }).await.unwrap();
    let request = json!({ "model": "llama3.2", "messages": [] });
    let err = client
        .relay(RelayEndpoint::Chat, body(&request))
        .await
        .err()
        .unwrap();
    assert!(
        matches!(err, OllamaError::Upstream { status: 500, .. }),
        "{err:?}"
    );
}

#[tokio::test]
async fn relay_surfaces_a_mid_stream_disconnect_as_an_error_item() {
    let (fake, client) = setup().await;
    fake.set_mode(Mode::DisconnectAfter { chunks: 1 })
        .await
        .unwrap();
    let request = json!({ "model": "llama3.2", "prompt": "a b c" });
    let relayed = client
        .relay(RelayEndpoint::Generate, body(&request))
        .await
        .unwrap();
    let items: Vec<_> = relayed.body.collect().await;
    assert!(items.first().unwrap().is_ok());
    assert!(
        matches!(items.last().unwrap(), Err(OllamaError::Interrupted(_))),
        "{items:?}"
    );
}
