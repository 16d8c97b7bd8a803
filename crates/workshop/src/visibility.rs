//! The visibility rule of workshop content (prompts, tools and agents) is the one of
//! [`owp_rbac::visibility`], shared with documents; re-exported here so workshop paths stay put.
//! Its [`Refusal`](owp_rbac::visibility::Refusal)s become [`WorkshopError`](crate::WorkshopError)s
//! through `From`.

pub use owp_rbac::visibility::{Access, Ownership, Viewer, Visibility};
