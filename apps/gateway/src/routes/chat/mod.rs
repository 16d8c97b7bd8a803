//! Stored chat: turns streamed as Server-Sent Events, conversations and their messages.

pub mod conversations;
pub(crate) mod stream;
pub mod turn;
