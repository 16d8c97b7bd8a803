//! Metering: token budgets (quotas per user and per API key, per UTC day and calendar month) and
//! usage buckets (requests and tokens per user, key, model and day) — who pays for a model call.
//!
//! Store functions take a `&mut AnyConnection` and the time `at`, so the same code runs on
//! SQLite and PostgreSQL and tests control the clock; the async helpers in [`spend`] run them
//! over a [`owp_db::Database`] around a model call (crate order: metering → db).

// Outside tests: no unwrap/expect, and the time comes in as a parameter (clippy.toml).
#![deny(clippy::unwrap_used, clippy::expect_used)]
#![cfg_attr(not(test), deny(clippy::disallowed_methods))]

mod budget;
mod error;
pub mod quotas;
pub mod report;
pub mod spend;
pub mod usage;

pub use budget::{check_budgets, ensure_budget, first_exhausted};
pub use error::MeteringError;
pub use spend::{Meter, finish_detached, record_spend};
pub use usage::Spend;

use owp_db::ids::{CredentialId, OrganizationId, UserId};

/// Who acts: the user, their tenant and the API key they came with, which is what ownership,
/// usage accounting and budgets are keyed on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Caller {
    /// The tenant.
    pub organization_id: OrganizationId,
    /// The user.
    pub user_id: UserId,
    /// The API key, when the call came with one.
    pub key_id: Option<CredentialId>,
}
