//! Rules every JSON body must keep before any handler sees it, checked in one streaming pass
//! over the raw bytes (nothing is built):
//! - no two keys of one object that Ollama's Go decoder would take for the same field (Go
//!   matches struct fields case-insensitively, with Unicode simple folding, and the last key
//!   wins), so what the gateway checks is what Ollama runs;
//! - no string or key containing NUL (`\u0000`): PostgreSQL cannot store it and no model needs it;
//! - no nesting deeper than [`MAX_DEPTH`] levels.
//!
//! A body that is not JSON at all passes: the route's own extractor reports it as malformed.

use std::collections::HashMap;
use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

/// Deepest nesting of arrays and objects a body may have.
pub const MAX_DEPTH: usize = 64;

/// The first rule a body breaks, with the field where it does (`messages[0].content`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BodyFault {
    /// Two keys of one object name the same field.
    DuplicateKey {
        /// The object holding them (empty at the top).
        path: String,
        /// The key seen first.
        first: String,
        /// The key that repeats it.
        second: String,
    },
    /// A string or key holds NUL.
    Nul {
        /// Where.
        path: String,
    },
    /// Arrays and objects nest deeper than [`MAX_DEPTH`].
    TooDeep {
        /// Where the limit was passed.
        path: String,
    },
}

/// Checks `body`; `Ok` when it keeps every rule or is not JSON.
pub fn inspect(body: &[u8]) -> Result<(), BodyFault> {
    let mut walk = Walk::default();
    // serde_json's own recursion limit (128) is deeper than ours, so ours always speaks first.
    let mut de = serde_json::Deserializer::from_slice(body);
    match (Node { walk: &mut walk }).deserialize(&mut de) {
        Ok(()) => Ok(()),
        Err(_) => walk.fault.map_or(Ok(()), Err),
    }
}

/// The name Go's `encoding/json` would match `key` to a struct field by: simple case folding.
pub fn fold_key(key: &str) -> String {
    key.chars()
        .flat_map(|c| match c {
            'ſ' => 's'.to_lowercase(),
            'ς' => 'σ'.to_lowercase(),
            other => other.to_lowercase(),
        })
        .collect()
}

#[derive(Default)]
struct Walk {
    path: Vec<Segment>,
    fault: Option<BodyFault>,
}

enum Segment {
    Key(String),
    Index(usize),
}

impl Walk {
    fn path(&self) -> String {
        let mut out = String::new();
        for segment in &self.path {
            match segment {
                Segment::Key(key) if out.is_empty() => out.push_str(key),
                Segment::Key(key) => {
                    out.push('.');
                    out.push_str(key);
                }
                Segment::Index(i) => out.push_str(&format!("[{i}]")),
            }
        }
        out
    }

    fn fail<E: serde::de::Error>(&mut self, fault: BodyFault) -> E {
        self.fault = Some(fault);
        E::custom("body rule broken")
    }

    fn check_text<E: serde::de::Error>(&mut self, text: &str) -> Result<(), E> {
        if text.contains('\0') {
            let path = self.path();
            return Err(self.fail(BodyFault::Nul { path }));
        }
        Ok(())
    }

    fn enter<E: serde::de::Error>(&mut self) -> Result<(), E> {
        if self.path.len() >= MAX_DEPTH {
            let path = self.path();
            return Err(self.fail(BodyFault::TooDeep { path }));
        }
        Ok(())
    }
}

struct Node<'w> {
    walk: &'w mut Walk,
}

impl<'de> DeserializeSeed<'de> for Node<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<(), D::Error> {
        de.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Node<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }

    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }

    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }

    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }

    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<(), E> {
        self.walk.check_text(text)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        self.walk.enter()?;
        let mut index = 0;
        loop {
            self.walk.path.push(Segment::Index(index));
            let more = seq.next_element_seed(Node {
                walk: &mut *self.walk,
            })?;
            self.walk.path.pop();
            if more.is_none() {
                return Ok(());
            }
            index += 1;
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        self.walk.enter()?;
        let mut seen: HashMap<String, String> = HashMap::new();
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            self.walk.check_text(&key)?;
            if let Some(first) = seen.insert(fold_key(&key), key.to_string()) {
                let path = self.walk.path();
                let second = key.into_owned();
                return Err(self.walk.fail(BodyFault::DuplicateKey {
                    path,
                    first,
                    second,
                }));
            }
            self.walk.path.push(Segment::Key(key.into_owned()));
            map.next_value_seed(Node {
                walk: &mut *self.walk,
            })?;
            self.walk.path.pop();
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fault(body: &str) -> Option<BodyFault> {
        inspect(body.as_bytes()).err()
    }

    #[test]
    fn plain_bodies_pass() {
        assert_eq!(
            fault(r#"{"model":"m","messages":[{"content":"hi"}]}"#),
            None
        );
        assert_eq!(fault("[1, 2.5, true, null]"), None);
        assert_eq!(fault("not json at all"), None, "left to the extractor");
        assert_eq!(fault(r#"{"a":{"A1":1,"a2":2}}"#), None);
    }

    #[test]
    fn keys_that_fold_alike_collide() {
        assert_eq!(
            fault(r#"{"model":"a","Model":"b"}"#),
            Some(BodyFault::DuplicateKey {
                path: String::new(),
                first: "model".into(),
                second: "Model".into()
            })
        );
        assert!(
            fault(r#"{"model":"a","model":"b"}"#).is_some(),
            "exact repeat"
        );
        assert!(
            fault(r#"{"tools":[],"toolſ":[]}"#).is_some(),
            "long s folds to s"
        );
        assert!(
            fault(r#"{"k":1,"\u212a":2}"#).is_some(),
            "Kelvin sign folds to k"
        );
        assert_eq!(
            fault(r#"{"tools":[{"function":{"name":"a","NAME":"b"}}]}"#),
            Some(BodyFault::DuplicateKey {
                path: "tools[0].function".into(),
                first: "name".into(),
                second: "NAME".into()
            })
        );
    }

    #[test]
    fn nul_is_refused_in_values_and_keys() {
        assert_eq!(
            fault(r#"{"messages":[{"content":"a\u0000b"}]}"#),
            Some(BodyFault::Nul {
                path: "messages[0].content".into()
            })
        );
        assert_eq!(
            fault(r#"{"a\u0000":1}"#),
            Some(BodyFault::Nul {
                path: String::new()
            })
        );
    }

    #[test]
    fn nesting_is_limited() {
        let ok = "[".repeat(MAX_DEPTH) + &"]".repeat(MAX_DEPTH);
        assert_eq!(fault(&ok), None);
        let deep = "[".repeat(MAX_DEPTH + 1) + &"]".repeat(MAX_DEPTH + 1);
        assert!(matches!(fault(&deep), Some(BodyFault::TooDeep { .. })));
        let very_deep = format!("{{\"options\":{}}}", "[".repeat(100_000));
        assert!(matches!(
            fault(&very_deep),
            Some(BodyFault::TooDeep { path }) if path.starts_with("options[0]")
        ));
    }
}
