//! Workshop content: projects and their members, prompts (versions, rendering), tools and
//! agents. Each handler calls one `owp-workshop` operation, which applies the one visibility
//! rule (invisible → 404, visible but not writable → 403).

pub mod agents;
pub mod projects;
pub mod prompts;
pub mod tools;
