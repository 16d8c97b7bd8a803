//! Running the platform: health and readiness, metrics, instance facts, the audit trail, and
//! usage with budgets.

pub mod audit;
pub mod health;
pub mod instance;
pub mod metrics;
pub mod usage;
