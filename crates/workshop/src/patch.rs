//! Serde help for PATCH bodies, where "absent" and "null" mean different things.

use serde::{Deserialize, Deserializer};

/// Reads a present field (even `null`) as `Some(value)`, so with `#[serde(default)]` an absent
/// field is `None` ("leave it") and `null` is `Some(None)` ("clear it").
pub(crate) fn present<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    T::deserialize(deserializer).map(Some)
}
