//! Completions, streamed and whole.

use futures_util::StreamExt;
use owp_ollama_client::fake::reply_text;
use owp_ollama_client::ollama_rs::generation::completion::request::GenerationRequest;

use crate::support::setup;

#[tokio::test]
async fn streamed_generation_yields_pieces_then_statistics() {
    let (fake, client) = setup().await;
    fake.set_tokens_per_reply(3);
    let request = GenerationRequest::new("llama3.2".into(), "tell me a story");
    let chunks: Vec<_> = client
        .generate_stream(&request)
        .await
        .unwrap()
        .map(Result::unwrap)
        .collect()
        .await;
    assert_eq!(chunks.len(), 4);
    let text: String = chunks.iter().map(|c| c.response.as_str()).collect();
    assert_eq!(text, "tell me a");
    let last = chunks.last().unwrap();
    assert!(last.done && last.response.is_empty());
    assert_eq!(last.stats.eval_count, Some(3));
    assert_eq!(last.stats.prompt_eval_count, Some(4));
    let sent = &fake.requests()[0];
    assert_eq!(sent.path, "/api/generate");
    assert_eq!(sent.body["prompt"], "tell me a story");
    assert_eq!(sent.body["stream"], true);
}

#[tokio::test]
async fn whole_generation_with_stream_false() {
    let (_fake, client) = setup().await;
    let request = GenerationRequest::new("llama3.2".into(), "why");
    let reply = client.generate(&request).await.unwrap();
    assert!(reply.done);
    assert_eq!(reply.response, reply_text("why", 5));
    assert_eq!(reply.response, "why why why why why");
    assert_eq!(reply.done_reason.as_deref(), Some("stop"));
    assert_eq!(reply.stats.eval_count, Some(5));
}
