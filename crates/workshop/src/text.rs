//! Checks on free text shared by every content type: trimmed, bounded, no NUL.

pub(crate) use owp_db::text_search::{contains_pattern, lower};

use crate::WorkshopError;

/// `text` trimmed, 1..=`max` characters (or 0..=`max` when `may_be_empty`), without NUL.
pub(crate) fn checked(
    field: &str,
    text: &str,
    max: usize,
    may_be_empty: bool,
) -> Result<String, WorkshopError> {
    if text.contains('\0') {
        return Err(WorkshopError::invalid(field, "must not contain NUL"));
    }
    let text = text.trim();
    let count = text.chars().count();
    if count > max || (count == 0 && !may_be_empty) {
        let least = if may_be_empty { 0 } else { 1 };
        return Err(WorkshopError::invalid(
            field,
            format!("must be {least} to {max} characters"),
        ));
    }
    Ok(text.to_owned())
}

/// Whether `name` is 1..=`max` characters, each accepted by `allowed`.
pub(crate) fn is_identifier(name: &str, max: usize, allowed: fn(char) -> bool) -> bool {
    !name.is_empty() && name.chars().count() <= max && name.chars().all(allowed)
}
