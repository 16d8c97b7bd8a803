//! The shape of an API key: `owp_<prefix>_<secret>`, both parts lowercase hex.
//!
//! The prefix (8 random bytes) is stored in clear and finds the row; the secret (32 random bytes)
//! is shown once and only its argon2id hash (over the whole token) is kept. Hex keeps the `_`
//! separators unambiguous and the token URL-safe and selectable with one double-click.

use rand::RngCore;

const SCHEME: &str = "owp_";
const PREFIX_BYTES: usize = 8;
const SECRET_BYTES: usize = 32;
const PREFIX_LEN: usize = PREFIX_BYTES * 2;
const SECRET_LEN: usize = SECRET_BYTES * 2;

/// Length of every API key, so callers can reject oversized `Authorization` values cheaply.
pub const API_KEY_LEN: usize = SCHEME.len() + PREFIX_LEN + 1 + SECRET_LEN;

/// Makes a fresh key from the thread's cryptographic random generator and returns
/// `(prefix, token)`: the prefix for the `key_prefix` column, the token to hash and show once.
pub fn generate_api_key() -> (String, String) {
    let mut rng = rand::rng();
    let mut prefix = [0u8; PREFIX_BYTES];
    let mut secret = [0u8; SECRET_BYTES];
    rng.fill_bytes(&mut prefix);
    rng.fill_bytes(&mut secret);
    let prefix = hex(&prefix);
    let token = format!("{SCHEME}{prefix}_{}", hex(&secret));
    (prefix, token)
}

/// The prefix of a well-formed key, or `None` for anything else (wrong scheme, length, case or
/// alphabet), so that malformed input never reaches the database.
pub fn parse_api_key(token: &str) -> Option<&str> {
    let rest = token.strip_prefix(SCHEME)?;
    let (prefix, secret) = rest.split_once('_')?;
    let well_formed = prefix.len() == PREFIX_LEN
        && secret.len() == SECRET_LEN
        && is_lower_hex(prefix)
        && is_lower_hex(secret);
    well_formed.then_some(prefix)
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        out.push(char::from(DIGITS[usize::from(byte >> 4)]));
        out.push(char::from(DIGITS[usize::from(byte & 0x0f)]));
    }
    out
}

fn is_lower_hex(text: &str) -> bool {
    text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_keys_parse_back_to_their_prefix() {
        let (prefix, token) = generate_api_key();
        assert_eq!(token.len(), API_KEY_LEN);
        assert_eq!(prefix.len(), 16);
        assert!(token.starts_with(&format!("owp_{prefix}_")));
        assert_eq!(parse_api_key(&token), Some(prefix.as_str()));
        let (other_prefix, other) = generate_api_key();
        assert_ne!(prefix, other_prefix);
        assert_ne!(token, other);
    }

    #[test]
    fn hex_encodes_every_byte() {
        assert_eq!(hex(&[0x00, 0x0f, 0xa5, 0xff]), "000fa5ff");
    }

    #[test]
    fn refuses_anything_malformed() {
        let (_, token) = generate_api_key();
        let secret_start = SCHEME.len() + PREFIX_LEN + 1;
        let malformed = [
            String::new(),
            "owp_".to_owned(),
            token.replacen("owp_", "owx_", 1),
            token.replacen("owp_", "OWP_", 1),
            token.to_uppercase(),
            token[..token.len() - 1].to_owned(),
            format!("{token}0"),
            format!(" {token}"),
            format!("{}g", &token[..token.len() - 1]),
            format!("{}-{}", &token[..secret_start - 1], &token[secret_start..]),
            format!("{}_{}", &token[..secret_start], &token[secret_start + 1..]),
            format!("owp_{}", "a".repeat(PREFIX_LEN + 1 + SECRET_LEN)),
        ];
        for candidate in &malformed {
            assert_eq!(parse_api_key(candidate), None, "{candidate:?}");
        }
    }
}
