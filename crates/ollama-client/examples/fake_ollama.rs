//! A stand-alone fake Ollama for browser end-to-end tests (`make e2e`) and SPA development.
//!
//! Run with `cargo run -p owp-ollama-client --features fake --example fake_ollama`. It prints
//! `FAKE_OLLAMA_URL=http://127.0.0.1:<port>` on stdout once it listens, then serves until killed.
//! Replies are slowed down per token so a browser can see them stream in.

use std::io::Write;
use std::time::Duration;

use owp_ollama_client::fake::{FakeModel, FakeOllama};

/// Pause between streamed tokens: long enough to watch, short enough for a quick test run.
const TOKEN_DELAY: Duration = Duration::from_millis(60);
/// Tokens per chat reply.
const TOKENS_PER_REPLY: usize = 24;

#[tokio::main(flavor = "current_thread")]
async fn main() -> std::io::Result<()> {
    let fake = FakeOllama::start().await?;
    fake.set_models(vec![
        FakeModel::chat("llama3.2:latest"),
        FakeModel::chat("qwen2.5:0.5b"),
        FakeModel::embedding("all-minilm:latest", 384),
    ]);
    fake.set_tokens_per_reply(TOKENS_PER_REPLY);
    fake.set_token_delay(TOKEN_DELAY);
    let mut stdout = std::io::stdout();
    writeln!(stdout, "FAKE_OLLAMA_URL={}", fake.url())?;
    stdout.flush()?;
    // Serve until the process is stopped; the server runs on this runtime's tasks.
    tokio::signal::ctrl_c().await?;
    drop(fake);
    Ok(())
}
