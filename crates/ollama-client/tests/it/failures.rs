//! Outages, upstream failures, broken streams and timeouts.

use std::time::Duration;

use futures_util::StreamExt;
use owp_ollama_client::OllamaError;
use owp_ollama_client::fake::Mode;

use crate::support::{ask, client_for, setup};

#[tokio::test]
async fn down_is_unreachable_and_nothing_reaches_ollama() {
    let (fake, client) = setup().await;
    client.version().await.unwrap();
    fake.set_mode(Mode::Down).await.unwrap();
    fake.clear_requests();
    let err = client.version().await.unwrap_err();
    assert!(matches!(err, OllamaError::Unreachable(_)), "{err:?}");
    let err = client
        .chat_stream(&ask("llama3.2", "hi"))
        .await
        .err()
        .unwrap();
    assert!(matches!(err, OllamaError::Unreachable(_)), "{err:?}");
    assert!(fake.requests().is_empty());
}

#[tokio::test]
async fn coming_back_up_serves_again_on_the_same_port() {
    let (fake, client) = setup().await;
    let addr = fake.addr();
    fake.set_mode(Mode::Down).await.unwrap();
    assert!(client.list_models().await.is_err());
    fake.set_mode(Mode::Normal).await.unwrap();
    assert_eq!(fake.addr(), addr);
    assert_eq!(client.list_models().await.unwrap().len(), 2);
}

#[tokio::test]
async fn failing_server_is_upstream_with_status_and_message() {
    let (fake, client) = setup().await;
    fake.set_mode(Mode::Fail { status: 500 }).await.unwrap();
    let err = client.list_models().await.unwrap_err();
    assert!(
        matches!(err, OllamaError::Upstream { status: 500, ref message } if message.contains("scripted failure")),
        "{err:?}"
    );
    let err = client
        .chat_stream(&ask("llama3.2", "hi"))
        .await
        .err()
        .unwrap();
    assert!(
        matches!(err, OllamaError::Upstream { status: 500, .. }),
        "{err:?}"
    );
    fake.set_mode(Mode::Fail { status: 503 }).await.unwrap();
    let err = client.version().await.unwrap_err();
    assert!(
        matches!(err, OllamaError::Upstream { status: 503, .. }),
        "{err:?}"
    );
}

#[tokio::test]
async fn disconnect_mid_stream_ends_with_an_interrupted_item() {
    let (fake, client) = setup().await;
    fake.set_tokens_per_reply(6);
    fake.set_mode(Mode::DisconnectAfter { chunks: 2 })
        .await
        .unwrap();
    let items: Vec<_> = client
        .chat_stream(&ask("llama3.2", "a b c d e f"))
        .await
        .unwrap()
        .collect()
        .await;
    assert_eq!(items.len(), 3, "{items:?}");
    assert_eq!(items[0].as_ref().unwrap().message.content, "a");
    assert_eq!(items[1].as_ref().unwrap().message.content, " b");
    assert!(
        matches!(items[2], Err(OllamaError::Interrupted(_))),
        "{:?}",
        items[2]
    );
}

#[tokio::test]
async fn going_down_during_a_stream_interrupts_it() {
    let (fake, client) = setup().await;
    fake.set_tokens_per_reply(5);
    fake.set_token_delay(Duration::from_millis(300));
    let mut stream = client
        .chat_stream(&ask("llama3.2", "a b c d e"))
        .await
        .unwrap();
    assert_eq!(stream.next().await.unwrap().unwrap().message.content, "a");
    fake.set_mode(Mode::Down).await.unwrap();
    let rest: Vec<_> = stream.collect().await;
    let last = rest.last().unwrap();
    assert!(matches!(last, Err(OllamaError::Interrupted(_))), "{last:?}");
    assert!(
        rest.iter()
            .filter_map(|item| item.as_ref().ok())
            .all(|chunk| !chunk.done)
    );
}

#[tokio::test]
async fn slow_first_byte_beyond_the_read_timeout_is_timeout() {
    let (fake, _) = setup().await;
    let client = client_for(&fake, Duration::from_millis(200));
    fake.set_mode(Mode::SlowFirstByte {
        delay: Duration::from_secs(5),
    })
    .await
    .unwrap();
    let err = client.version().await.unwrap_err();
    assert!(matches!(err, OllamaError::Timeout), "{err:?}");
    let err = client.chat(&ask("llama3.2", "hi")).await.unwrap_err();
    assert!(matches!(err, OllamaError::Timeout), "{err:?}");
    assert_eq!(fake.requests().len(), 2);
}

#[tokio::test]
async fn slow_first_byte_within_the_read_timeout_succeeds() {
    let (fake, _) = setup().await;
    let client = client_for(&fake, Duration::from_secs(5));
    fake.set_mode(Mode::SlowFirstByte {
        delay: Duration::from_millis(100),
    })
    .await
    .unwrap();
    assert!(!client.version().await.unwrap().is_empty());
}

#[tokio::test]
async fn stall_between_chunks_beyond_the_read_timeout_is_a_timeout_item() {
    let (fake, _) = setup().await;
    let client = client_for(&fake, Duration::from_millis(300));
    fake.set_token_delay(Duration::from_secs(5));
    let items: Vec<_> = client
        .chat_stream(&ask("llama3.2", "hi"))
        .await
        .unwrap()
        .collect()
        .await;
    assert_eq!(items.len(), 1);
    assert!(
        matches!(items[0], Err(OllamaError::Timeout)),
        "{:?}",
        items[0]
    );
}

#[tokio::test]
async fn nothing_listening_is_unreachable() {
    let (fake, _) = setup().await;
    let client = client_for(&fake, Duration::from_secs(5));
    drop(fake);
    let err = client.list_running().await.unwrap_err();
    assert!(matches!(err, OllamaError::Unreachable(_)), "{err:?}");
    assert!(err.to_string().contains("unreachable"), "{err}");
}
