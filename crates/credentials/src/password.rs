//! argon2id hashing and verification of passwords and API keys, and the password rules.
//!
//! Every function here is CPU-heavy (tens of milliseconds) and synchronous: callers run them on
//! the blocking pool, never on an async worker.

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use std::num::NonZero;
use std::sync::{Condvar, Mutex, PoisonError};

use argon2::{Algorithm, Argon2, Params, Version};

use crate::error::CredentialError;

/// Shortest password accepted for a new password (DESIGN §6; 12 is recommended in prod).
pub const MIN_PASSWORD_LEN: usize = 8;

/// Longest password accepted, so nobody makes the server hash megabytes per sign-in.
pub const MAX_PASSWORD_LEN: usize = 1024;

/// argon2id with m = 19456 KiB, t = 2, p = 1, as DESIGN §6 prescribes.
const PARAMS: Params = match Params::new(19_456, 2, 1, None) {
    Ok(params) => params,
    Err(_) => panic!("the argon2 parameters are out of range"),
};

/// A hash made with [`PARAMS`] of a password nobody knows, so that checking a password for an
/// unknown account costs as much as checking a wrong one.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$3J8WJspRtDjLS3hEibOPsA$tbAPHCipYTFUf56PGFbdqMBYgSV1M2ZE5/jE6zqRT3c";

fn hasher() -> Argon2<'static> {
    Argon2::new(Algorithm::Argon2id, Version::V0x13, PARAMS)
}

/// Hashes running now. Each one holds 19 MiB and a core for tens of milliseconds, so a burst of
/// sign-ins must queue here rather than run all at once: unbounded, 100 concurrent sign-ins would
/// take 1.9 GiB and every core from the requests around them.
static RUNNING: Mutex<usize> = Mutex::new(0);
/// Signalled when a hash finishes.
static FINISHED: Condvar = Condvar::new();

/// How many hashes may run at once: one per core.
fn hash_slots() -> usize {
    std::thread::available_parallelism().map_or(2, NonZero::get)
}

/// Runs `work` once fewer than [`hash_slots`] hashes are running, waiting (on the caller's
/// blocking thread) otherwise.
fn in_hash_slot<T>(work: impl FnOnce() -> T) -> T {
    struct Slot;
    impl Drop for Slot {
        fn drop(&mut self) {
            *RUNNING.lock().unwrap_or_else(PoisonError::into_inner) -= 1;
            FINISHED.notify_one();
        }
    }
    let slots = hash_slots();
    let mut running = RUNNING.lock().unwrap_or_else(PoisonError::into_inner);
    while *running >= slots {
        running = FINISHED
            .wait(running)
            .unwrap_or_else(PoisonError::into_inner);
    }
    *running += 1;
    drop(running);
    let _slot = Slot;
    work()
}

/// Hashes a password into a PHC string (`$argon2id$v=19$m=19456,t=2,p=1$…`) with a fresh random
/// salt. Applies no password rules, so that bootstrap can set the configured password as it is;
/// call [`validate_new_password`] first for passwords people choose.
pub fn hash_password(plain: &str) -> Result<String, CredentialError> {
    in_hash_slot(|| hasher().hash_password(plain.as_bytes()))
        .map(|hash| hash.to_string())
        .map_err(|e| CredentialError::Hashing(e.to_string()))
}

/// Hashes a whole `owp_…` API key for the `secret_hash` column, so that callers can hash on the
/// blocking pool before [`crate::insert_api_key`] takes a connection.
pub fn hash_api_key(token: &str) -> Result<String, CredentialError> {
    hash_password(token)
}

/// Whether `plain` matches the stored PHC string; a malformed hash matches nothing. The
/// comparison runs in constant time.
pub fn verify_password(phc: &str, plain: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|parsed| {
        in_hash_slot(|| hasher().verify_password(plain.as_bytes(), &parsed)).is_ok()
    })
}

/// Spends the time of one verification against a fixed hash and forgets the answer, so that an
/// unknown email answers in the same time as a wrong password.
pub fn verify_dummy(plain: &str) {
    let _ = verify_password(DUMMY_HASH, plain);
}

/// Checks the rules for a password someone chooses: 8 to 1024 characters, not only whitespace.
pub fn validate_new_password(plain: &str) -> Result<(), CredentialError> {
    let weak = |reason: String| Err(CredentialError::WeakPassword { reason });
    let chars = plain.chars().count();
    if chars < MIN_PASSWORD_LEN {
        return weak(format!("must be at least {MIN_PASSWORD_LEN} characters"));
    }
    if chars > MAX_PASSWORD_LEN {
        return weak(format!("must be at most {MAX_PASSWORD_LEN} characters"));
    }
    if plain.trim().is_empty() {
        return weak("must not be only whitespace".to_owned());
    }
    Ok(())
}

/// Whether `phc` is an argon2id PHC string; store functions refuse anything else so that a
/// plain secret passed by mistake is never written to the database.
pub(crate) fn is_argon2id_hash(phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|parsed| parsed.algorithm.as_str() == "argon2id")
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    #[test]
    fn no_more_hashes_run_at_once_than_there_are_slots() {
        static NOW: AtomicUsize = AtomicUsize::new(0);
        static MOST: AtomicUsize = AtomicUsize::new(0);
        let threads: Vec<_> = (0..4 * hash_slots())
            .map(|_| {
                std::thread::spawn(|| {
                    in_hash_slot(|| {
                        let running = NOW.fetch_add(1, Ordering::SeqCst) + 1;
                        MOST.fetch_max(running, Ordering::SeqCst);
                        let hashed = hasher().hash_password(b"burst");
                        NOW.fetch_sub(1, Ordering::SeqCst);
                        hashed.is_ok()
                    })
                })
            })
            .collect();
        for thread in threads {
            assert!(thread.join().unwrap());
        }
        let most = MOST.load(Ordering::SeqCst);
        assert!((1..=hash_slots()).contains(&most), "{most} ran at once");
    }

    #[test]
    fn hashes_with_the_prescribed_parameters_and_a_fresh_salt() {
        let first = hash_password("correct horse").unwrap();
        let second = hash_password("correct horse").unwrap();
        assert!(
            first.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{first}"
        );
        assert_ne!(first, second, "each hash has its own salt");
        assert!(is_argon2id_hash(&first));
        assert!(verify_password(&first, "correct horse"));
        assert!(verify_password(&second, "correct horse"));
        assert!(!verify_password(&first, "correct horsE"));
        assert!(!verify_password(&first, ""));
    }

    #[test]
    fn malformed_hashes_match_nothing_and_are_not_storable() {
        assert!(!verify_password("", ""));
        assert!(!verify_password("correct horse", "correct horse"));
        assert!(!verify_password("$argon2id$v=19$garbage", "x"));
        assert!(!is_argon2id_hash("correct horse"));
        assert!(!is_argon2id_hash(
            "$argon2i$v=19$m=19456,t=2,p=1$3J8WJspRtDjLS3hEibOPsA$tbAPHCipYTFUf56PGFbdqMBYgSV1M2ZE5/jE6zqRT3c"
        ));
    }

    #[test]
    fn the_dummy_hash_costs_what_a_real_one_costs() {
        let real = hash_password("x").unwrap();
        let params = |phc: &str| phc.split('$').nth(3).map(str::to_owned);
        assert!(is_argon2id_hash(DUMMY_HASH));
        assert_eq!(params(DUMMY_HASH), params(&real));
        verify_dummy("anything");
    }

    #[test]
    fn new_passwords_follow_the_rules() {
        let reason = |plain: &str| match validate_new_password(plain) {
            Err(CredentialError::WeakPassword { reason }) => reason,
            other => panic!("{other:?}"),
        };
        assert!(validate_new_password("12345678").is_ok());
        assert!(validate_new_password(&"é".repeat(MAX_PASSWORD_LEN)).is_ok());
        assert!(validate_new_password("pass word with spaces").is_ok());
        assert_eq!(reason("1234567"), "must be at least 8 characters");
        assert_eq!(reason("ééé"), "must be at least 8 characters");
        assert_eq!(
            reason(&"a".repeat(MAX_PASSWORD_LEN + 1)),
            "must be at most 1024 characters"
        );
        assert_eq!(reason(" \t\n        "), "must not be only whitespace");
        let message = validate_new_password("short").unwrap_err().to_string();
        assert_eq!(message, "password must be at least 8 characters");
    }
}
