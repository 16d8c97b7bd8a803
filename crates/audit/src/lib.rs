//! Security audit trail of the platform.
//!
//! Owns the append-only `audit_events` table: every security-relevant change (sign-in, role change,
//! key issue, model pull, …) is recorded here in the same transaction as the change itself, with a
//! hash chain so that an edited or deleted row is detectable. The account-lifecycle issue fills
//! this crate; until then it only marks its place in the crate order (audit → db).
