//! Models and the model APIs: listing, pulling and deleting models, embeddings, and the
//! OpenAI- and Ollama-compatible surfaces.

pub mod model_admin;
pub mod native;
pub mod ollama_compat;
pub mod openai;
pub mod openai_chat;
