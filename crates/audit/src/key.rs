//! [`ChainKey`]: the server-held secret that keys the chain's hashes.

use hmac::digest::KeyInit;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

/// What the key is derived from a server secret with: `HMAC-SHA256(secret, LABEL)`.
const DERIVATION_LABEL: &[u8] = b"owp audit chain v1";
/// What the fingerprint is the HMAC of.
const FINGERPRINT_LABEL: &[u8] = b"fingerprint";
/// Hex digits of the fingerprint kept.
const FINGERPRINT_HEX: usize = 16;
/// SHA-256's block size: HMAC keys are zero-padded (or first hashed) to it.
const BLOCK: usize = 64;

/// The key of the audit chain: every event's hash is an HMAC-SHA256 under it, so rows cannot be
/// re-hashed by someone who can write to the database but does not hold the server secret. It
/// travels explicitly (in [`crate::AuditContext`] for [`crate::record`], as an argument of
/// [`crate::verify`]); `Debug` shows only its fingerprint.
#[derive(Clone, PartialEq, Eq)]
pub struct ChainKey([u8; 32]);

impl ChainKey {
    /// The key of a server secret (`AUDIT_SECRET`, or else the JWT signing secret):
    /// `HMAC-SHA256(secret, "owp audit chain v1")`.
    pub fn derive(secret: &[u8]) -> Self {
        Self(hmac_sha256(secret, &[DERIVATION_LABEL]))
    }

    /// A public name of the key, stored beside the chain so `verify` can tell "keyed with a
    /// different secret" from "edited": the first 16 hex digits of `HMAC(key, "fingerprint")`.
    pub fn fingerprint(&self) -> String {
        let mut hex = hex(&hmac_sha256(&self.0, &[FINGERPRINT_LABEL]));
        hex.truncate(FINGERPRINT_HEX);
        hex
    }

    /// Hex HMAC-SHA256 of `data` under this key.
    pub(crate) fn mac_hex(&self, data: &[u8]) -> String {
        hex(&hmac_sha256(&self.0, &[data]))
    }
}

impl std::fmt::Debug for ChainKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChainKey")
            .field("fingerprint", &self.fingerprint())
            .finish_non_exhaustive()
    }
}

/// Lower-case hex of `bytes`.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// HMAC-SHA256 of the concatenated `parts` under `key` of any length. The key is brought to the
/// block size the way RFC 2104 says (hashed when longer, zero-padded), which is exactly what
/// `Hmac::new_from_slice` does, without its impossible error case.
fn hmac_sha256(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    let mut block = [0u8; BLOCK];
    if key.len() > BLOCK {
        block[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let mut mac = <Hmac<Sha256> as KeyInit>::new(&block.into());
    for part in parts {
        mac.update(part);
    }
    mac.finalize().into_bytes().into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reference(key: &[u8], data: &[u8]) -> String {
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key).unwrap();
        mac.update(data);
        hex(&mac.finalize().into_bytes())
    }

    #[test]
    fn matches_rfc_4231_and_the_hmac_crate() {
        let jefe = hex(&hmac_sha256(
            b"Jefe",
            &[b"what do ya want ", b"for nothing?"],
        ));
        assert_eq!(
            jefe,
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        let long_key = [0xaa; 131];
        let data = b"Test Using Larger Than Block-Size Key - Hash Key First";
        assert_eq!(
            hex(&hmac_sha256(&long_key, &[data])),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        );
        for len in [0, 1, 32, 63, 64, 65, 200] {
            let key = vec![7u8; len];
            assert_eq!(hex(&hmac_sha256(&key, &[b"x"])), reference(&key, b"x"));
        }
    }

    #[test]
    fn keys_and_fingerprints_depend_on_the_secret() {
        let a = ChainKey::derive(b"secret a");
        let b = ChainKey::derive(b"secret b");
        assert_ne!(a, b);
        assert_eq!(a, ChainKey::derive(b"secret a"));
        assert_eq!(a.0, hmac_sha256(b"secret a", &[b"owp audit chain v1"]));
        assert_eq!(a.fingerprint().len(), 16);
        assert_ne!(a.fingerprint(), b.fingerprint());
        assert_ne!(a.mac_hex(b"row"), b.mac_hex(b"row"));
    }

    #[test]
    fn debug_shows_the_fingerprint_only() {
        let key = ChainKey::derive(b"secret");
        let shown = format!("{key:?}");
        assert!(shown.contains(&key.fingerprint()), "{shown}");
        assert!(!shown.contains(&hex(&key.0)), "{shown}");
    }
}
