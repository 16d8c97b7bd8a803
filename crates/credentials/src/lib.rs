//! Secrets bound to a user: argon2id password hashes and `owp_` API keys.
//!
//! Owns issuing, verifying and revoking credentials, so that no other crate ever handles a secret
//! or its hash. Verification of API keys is cached by digest so a request never pays for argon2,
//! while the credential row is still checked on every request so that revocation is immediate.
//! The account-lifecycle issue fills this crate (crate order: credentials → audit, db).
