//! Security audit trail of the platform.
//!
//! Owns the append-only `audit_events` table. Every security-relevant change (sign-in, role
//! change, key issue, model pull, …) is recorded with [`record`] on the connection of the
//! transaction that makes the change, so an event exists exactly when its change does. Each row
//! stores the SHA-256 of its canonical fields plus the previous row's hash, and [`verify`] walks
//! that chain, so an edited, deleted or re-ordered row is detected. Nothing here updates or
//! deletes an event. Crate order: audit → db.

mod chain;
mod event;
mod query;
mod record;
mod verify;

pub use event::{AuditContext, AuditEvent, EventType, NewAuditEvent, UnknownEventType};
pub use query::{AuditFilter, query};
pub use record::record;
pub use verify::{ChainBreak, ChainReport, verify};
