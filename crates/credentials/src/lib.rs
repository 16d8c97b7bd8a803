//! Secrets bound to a user: argon2id password hashes and `owp_` API keys.
//!
//! Owns issuing, verifying and revoking credentials (the `credentials` table), so that no other
//! crate ever handles a secret or its hash, and every change is audited in the same transaction
//! that makes it. Hashing is CPU-heavy and synchronous: callers run it on the blocking pool, and
//! the store functions take an already computed hash so no connection is held while hashing.
//! Verification of API keys is cached by digest so a request never pays for argon2, while the
//! credential row is still read on every request so that revocation is immediate on every
//! replica. The owner's account status is not checked here (identity does that).
//! Crate order: credentials → audit, db.

// Outside tests: no unwrap/expect, and the time comes in as a parameter (clippy.toml).
#![deny(clippy::unwrap_used, clippy::expect_used)]
#![cfg_attr(not(test), deny(clippy::disallowed_methods))]

mod api_key;
mod api_key_store;
mod authenticate;
mod cache;
mod error;
mod password;
mod password_store;
mod row;
mod token;

pub use api_key::{ApiKeyInfo, NewApiKey};
pub use api_key_store::{
    api_key_owner, get_api_key, has_api_key_labelled, insert_api_key, issue_api_key, list_api_keys,
    revoke_api_key,
};
pub use authenticate::{ApiKeyRejection, LAST_USED_RESOLUTION, authenticate_api_key};
pub use cache::ApiKeyCache;
pub use error::CredentialError;
pub use password::{
    MAX_PASSWORD_LEN, MIN_PASSWORD_LEN, hash_api_key, hash_password, validate_new_password,
    verify_dummy, verify_password,
};
pub use password_store::{password_hash_of, store_password_hash};
pub use token::{API_KEY_LEN, generate_api_key, parse_api_key};
