//! Email addresses as login names.

use crate::IdentityError;

/// Trims and checks an address; returns it as typed and lowercased (the unique key), so sign-in
/// is case-insensitive while the display keeps the user's spelling.
pub fn normalize_email(raw: &str) -> Result<(String, String), IdentityError> {
    let email = raw.trim();
    let Some((local, domain)) = email.rsplit_once('@') else {
        return Err(IdentityError::InvalidEmail);
    };
    let plausible = !local.is_empty()
        && local.len() <= 64
        && email.len() <= 254
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
        && !local.contains('@');
    if plausible {
        Ok((email.to_owned(), email.to_lowercase()))
    } else {
        Err(IdentityError::InvalidEmail)
    }
}

#[cfg(test)]
mod tests {
    use super::normalize_email;

    #[test]
    fn accepts_real_addresses_and_folds_case() {
        let (shown, key) = normalize_email("  Ada.Lovelace@Example.org ").unwrap();
        assert_eq!(shown, "Ada.Lovelace@Example.org");
        assert_eq!(key, "ada.lovelace@example.org");
    }

    #[test]
    fn refuses_implausible_addresses() {
        for bad in [
            "",
            "no-at",
            "@example.org",
            "a@localhost",
            "a b@example.org",
            "a@.org",
            "a@x.",
        ] {
            assert!(normalize_email(bad).is_err(), "{bad}");
        }
    }
}
