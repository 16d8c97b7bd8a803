//! Security audit trail of the platform.
//!
//! Owns the append-only `audit_events` table. Every security-relevant change (sign-in, role
//! change, key issue, model pull, …) is recorded with [`record`] on the connection of the
//! transaction that makes the change, so an event exists exactly when its change does. Each row
//! stores the HMAC-SHA256, under a [`ChainKey`] derived from a server secret that is not in the
//! database, of its canonical fields plus the previous row's hash, and [`verify`] walks that
//! chain, so an edited, deleted, re-ordered or re-hashed row is detected. A tail cut off together
//! with the stored head is detected against a [`ChainHead`] kept elsewhere (the server logs one
//! every [`HEAD_LOG_INTERVAL`] events). Events written before keying keep their plain SHA-256.
//! Nothing here updates or deletes an event. Crate order: audit → db.

// Outside tests: no unwrap/expect, and the time comes in as a parameter (clippy.toml).
#![deny(clippy::unwrap_used, clippy::expect_used)]
#![cfg_attr(not(test), deny(clippy::disallowed_methods))]

mod chain;
mod context;
mod event;
mod head;
mod key;
mod query;
mod record;
mod verify;

pub use context::{AuditContext, SystemActor};
pub use event::{AuditEvent, EventType, NewAuditEvent, UnknownEventType};
pub use head::{ChainHead, HEAD_LOG_INTERVAL, InvalidChainHead, heads_at, log_points, stored_head};
pub use key::ChainKey;
pub use query::{AuditFilter, export_batch, query};
pub use record::record;
pub use verify::{ChainBreak, ChainReport, verify};
