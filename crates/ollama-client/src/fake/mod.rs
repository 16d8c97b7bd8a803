//! An in-process fake Ollama for tests (feature `fake`).
//!
//! [`FakeOllama::start`] binds `127.0.0.1:0` and serves Ollama's documented wire format with
//! hyper: `GET /`, `GET /api/version`, `GET /api/tags`, `POST /api/show`, `GET /api/ps`,
//! `POST /api/chat`, `POST /api/generate`, `POST /api/embed`, `POST /api/embeddings`,
//! `POST /api/pull` and `DELETE /api/delete`. Streams are NDJSON written chunk by chunk as they
//! are produced. Everything is scripted through the handle, per test, with no global state:
//! installed models, reply length and pace, and a [`Mode`] (normal, down, failing, disconnecting
//! mid-stream, slow to answer). Every request that reaches the server is recorded.
//!
//! Replies are deterministic: a chat reply is made of the words of the last user (or tool)
//! message, a completion of the words of the prompt, cycled to the configured token count (see
//! [`reply_text`]). When a chat request offers tools and the last message is the user's, the
//! reply is a call of the first tool with the user's text as its first parameter.

mod content;
mod generation;
mod routes;
mod server;

use std::io;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use serde_json::Value;

/// What the fake does with the next requests; switched at any time with
/// [`FakeOllama::set_mode`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Mode {
    /// Answer like Ollama.
    #[default]
    Normal,
    /// Refuse connections: the listener is closed and open connections are dropped, so clients
    /// see "connection refused", as when Ollama is not running.
    Down,
    /// Answer every request with this status and an Ollama error body.
    Fail {
        /// HTTP status to answer with, e.g. 500.
        status: u16,
    },
    /// Send this many NDJSON chunks of a streamed answer, then drop the connection without
    /// finishing the body. Shorter answers and non-streamed ones complete normally.
    DisconnectAfter {
        /// Chunks sent before the connection is dropped.
        chunks: usize,
    },
    /// Wait this long before sending response headers, to provoke client timeouts.
    SlowFirstByte {
        /// Delay before the first byte of every answer.
        delay: Duration,
    },
}

/// What a fake model can do, which decides its `capabilities` and whether chat is allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModelKind {
    /// A generative model: chat, generate, tools (it can also embed, as in Ollama).
    Chat,
    /// An embedding-only model: chat and generate answer 400.
    Embedding,
}

/// A model installed in the fake.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FakeModel {
    /// Full name with tag, e.g. `llama3.2:latest` (the constructors add `:latest` to a bare name).
    pub name: String,
    /// What the model can do.
    pub kind: ModelKind,
    /// Length of the vectors `/api/embed` returns for this model.
    pub embedding_dim: usize,
    /// Reported size in bytes.
    pub size: u64,
}

impl FakeModel {
    /// A generative model (embedding length 3072, like `llama3.2`).
    pub fn chat(name: &str) -> Self {
        Self {
            name: full_name(name),
            kind: ModelKind::Chat,
            embedding_dim: 3072,
            size: 2_019_393_189,
        }
    }

    /// An embedding model producing vectors of `dim` components.
    pub fn embedding(name: &str, dim: usize) -> Self {
        Self {
            name: full_name(name),
            kind: ModelKind::Embedding,
            embedding_dim: dim,
            size: 45_960_996,
        }
    }
}

/// A request the fake received, for asserting what did (or did not) reach Ollama.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordedRequest {
    /// HTTP method, e.g. `POST`.
    pub method: String,
    /// Request path, e.g. `/api/chat`.
    pub path: String,
    /// The JSON body (`Null` when empty or not JSON).
    pub body: Value,
}

/// The exact text the fake answers for `source` when configured for `tokens` tokens per reply
/// (chat: last user or tool message; generate: the prompt), so tests can assert content.
pub fn reply_text(source: &str, tokens: usize) -> String {
    content::reply_tokens(source, tokens).concat()
}

/// The vector the fake's `/api/embed` answers for `text` with `model` (the full name, e.g.
/// [`DEFAULT_EMBEDDING_MODEL`]) at `dim` components, so retrieval tests can embed a corpus
/// without a server: unit length, equal for equal texts, closer for texts sharing words.
pub fn embedding(model: &str, text: &str, dim: usize) -> Vec<f32> {
    content::embedding(model, text, dim)
}

/// Default installed models: a chat model and an embedding model.
pub const DEFAULT_CHAT_MODEL: &str = "llama3.2:latest";
/// Default embedding model, 384 dimensions (like `all-minilm`).
pub const DEFAULT_EMBEDDING_MODEL: &str = "all-minilm:latest";
/// Tokens per reply unless scripted otherwise.
pub const DEFAULT_TOKENS_PER_REPLY: usize = 5;

/// Scripted state shared by the handle and the server tasks.
#[derive(Debug)]
pub(crate) struct State {
    pub(crate) models: Vec<FakeModel>,
    pub(crate) running: Vec<String>,
    pub(crate) tokens_per_reply: usize,
    pub(crate) token_delay: Duration,
    pub(crate) mode: Mode,
    pub(crate) requests: Vec<RecordedRequest>,
    pub(crate) abandoned_streams: usize,
}

pub(crate) type Shared = Arc<Mutex<State>>;

/// Locks the state; a panicking test thread must not make the fake unusable for the report.
pub(crate) fn lock(shared: &Shared) -> MutexGuard<'_, State> {
    shared.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Adds `:latest` to a name without a tag, as Ollama does.
pub(crate) fn full_name(name: &str) -> String {
    let last_segment = name.rsplit('/').next().unwrap_or(name);
    if last_segment.contains(':') {
        name.to_owned()
    } else {
        format!("{name}:latest")
    }
}

/// Handle on a running fake Ollama; dropping it stops the server and its connections.
pub struct FakeOllama {
    addr: SocketAddr,
    shared: Shared,
    listener: tokio::sync::Mutex<Option<server::Listener>>,
}

impl FakeOllama {
    /// Starts a fake on a free port of 127.0.0.1 with the default models
    /// ([`DEFAULT_CHAT_MODEL`], [`DEFAULT_EMBEDDING_MODEL`]), [`DEFAULT_TOKENS_PER_REPLY`]
    /// tokens per reply, no delay, [`Mode::Normal`]. Must run inside a Tokio runtime.
    pub async fn start() -> io::Result<Self> {
        let shared = Arc::new(Mutex::new(State {
            models: vec![
                FakeModel::chat(DEFAULT_CHAT_MODEL),
                FakeModel::embedding(DEFAULT_EMBEDDING_MODEL, 384),
            ],
            running: Vec::new(),
            tokens_per_reply: DEFAULT_TOKENS_PER_REPLY,
            token_delay: Duration::ZERO,
            mode: Mode::Normal,
            requests: Vec::new(),
            abandoned_streams: 0,
        }));
        let listener =
            server::Listener::bind(SocketAddr::from(([127, 0, 0, 1], 0)), &shared).await?;
        Ok(Self {
            addr: listener.addr(),
            shared,
            listener: tokio::sync::Mutex::new(Some(listener)),
        })
    }

    /// Base URL to configure a client with, e.g. `http://127.0.0.1:41234`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Socket address the fake listens on (kept across [`Mode::Down`] and back).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Replaces the installed models.
    pub fn set_models(&self, models: Vec<FakeModel>) {
        lock(&self.shared).models = models;
    }

    /// Installs one more model (replacing one of the same name).
    pub fn add_model(&self, model: FakeModel) {
        let mut state = lock(&self.shared);
        state.models.retain(|m| m.name != model.name);
        state.models.push(model);
    }

    /// Names of the installed models, to check the effect of pulls and deletes.
    pub fn model_names(&self) -> Vec<String> {
        lock(&self.shared)
            .models
            .iter()
            .map(|m| m.name.clone())
            .collect()
    }

    /// Number of tokens (streamed chunks before the final one) in every reply.
    pub fn set_tokens_per_reply(&self, tokens: usize) {
        lock(&self.shared).tokens_per_reply = tokens;
    }

    /// Pause before each streamed chunk but the final one (chat, generate and pull lines), and
    /// the same total before a non-streamed reply.
    pub fn set_token_delay(&self, delay: Duration) {
        lock(&self.shared).token_delay = delay;
    }

    /// Switches the behaviour. Entering [`Mode::Down`] returns once the port refuses
    /// connections and open connections are closed; leaving it rebinds the same port.
    pub async fn set_mode(&self, mode: Mode) -> io::Result<()> {
        let mut listener = self.listener.lock().await;
        lock(&self.shared).mode = mode.clone();
        match (mode == Mode::Down, listener.take()) {
            (true, Some(running)) => running.stop().await,
            (false, None) => {
                *listener = Some(server::Listener::bind(self.addr, &self.shared).await?)
            }
            (_, current) => *listener = current,
        }
        Ok(())
    }

    /// The current mode.
    pub fn mode(&self) -> Mode {
        lock(&self.shared).mode.clone()
    }

    /// How many streamed answers the client dropped before their end (a cancelled request).
    pub fn abandoned_streams(&self) -> usize {
        lock(&self.shared).abandoned_streams
    }

    /// Every request received so far, oldest first.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.shared).requests.clone()
    }

    /// Forgets the recorded requests (e.g. after test set-up).
    pub fn clear_requests(&self) {
        lock(&self.shared).requests.clear();
    }
}
