//! Chain heads: the `(seq, hash)` pairs an operator keeps outside the database (logged by the
//! server every [`HEAD_LOG_INTERVAL`] events and at shutdown) to detect a cut-off tail later.

use diesel::prelude::*;
use owp_db::schema::{audit_chain, audit_events};
use owp_db::{AnyConnection, StoreError};
use serde::Serialize;

use crate::chain::GENESIS_HASH;

/// The server logs the chain head each time this many events have been added.
pub const HEAD_LOG_INTERVAL: i64 = 100;
/// Most heads [`log_points`] names at once (the newest ones), so a burst never floods the log.
const MAX_LOG_POINTS: usize = 10;

/// A position in the chain: an event's `seq` and `hash` (`seq` 0 is the empty chain, whose hash
/// is 64 zeros). Written and parsed as `SEQ:HASH`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChainHead {
    /// Chain position.
    pub seq: i64,
    /// Hex hash of the event at `seq`.
    pub hash: String,
}

impl ChainHead {
    /// The head of the empty chain.
    pub fn genesis() -> Self {
        Self {
            seq: 0,
            hash: GENESIS_HASH.to_owned(),
        }
    }
}

impl std::fmt::Display for ChainHead {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.seq, self.hash)
    }
}

/// Text that is not `SEQ:HASH`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("expected SEQ:HASH (a chain position, a colon and 64 hex digits), got {0:?}")]
pub struct InvalidChainHead(pub String);

impl std::str::FromStr for ChainHead {
    type Err = InvalidChainHead;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let invalid = || InvalidChainHead(s.chars().take(100).collect());
        let (seq, hash) = s.trim().split_once(':').ok_or_else(invalid)?;
        let seq: i64 = seq.parse().map_err(|_| invalid())?;
        let hex = hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit());
        if seq < 0 || !hex {
            return Err(invalid());
        }
        Ok(Self {
            seq,
            hash: hash.to_ascii_lowercase(),
        })
    }
}

/// The head as the database stores it (`audit_chain`): what the next event links to.
pub fn stored_head(conn: &mut AnyConnection) -> Result<ChainHead, StoreError> {
    let (seq, hash) = audit_chain::table
        .find(1)
        .select((audit_chain::last_seq, audit_chain::last_hash))
        .first(conn)?;
    Ok(ChainHead { seq, hash })
}

/// The stored events at `seqs`, in chain order (positions without an event are left out).
pub fn heads_at(conn: &mut AnyConnection, seqs: &[i64]) -> Result<Vec<ChainHead>, StoreError> {
    if seqs.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<(i64, String)> = audit_events::table
        .filter(audit_events::seq.eq_any(seqs))
        .order(audit_events::seq.asc())
        .select((audit_events::seq, audit_events::hash))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(seq, hash)| ChainHead { seq, hash })
        .collect())
}

/// The positions to log when the head moved from `after` to `head`: every multiple of
/// [`HEAD_LOG_INTERVAL`] in `(after, head]`, oldest first, at most the newest ten.
pub fn log_points(after: i64, head: i64) -> Vec<i64> {
    let first = (after.max(0) / HEAD_LOG_INTERVAL + 1) * HEAD_LOG_INTERVAL;
    let last = head / HEAD_LOG_INTERVAL * HEAD_LOG_INTERVAL;
    if last < first {
        return Vec::new();
    }
    let count = (last - first) / HEAD_LOG_INTERVAL + 1;
    let skip = (count - MAX_LOG_POINTS as i64).max(0);
    (skip..count)
        .map(|i| first + i * HEAD_LOG_INTERVAL)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heads_round_trip_as_seq_colon_hash() {
        let hash = "ab".repeat(32);
        let upper = hash.to_uppercase();
        let head: ChainHead = format!("42:{upper}").parse().unwrap();
        assert_eq!(head, ChainHead { seq: 42, hash });
        assert_eq!(head.to_string().parse::<ChainHead>().unwrap(), head);
        assert_eq!(
            ChainHead::genesis().to_string().parse::<ChainHead>(),
            Ok(ChainHead::genesis())
        );
        for bad in [
            "",
            "42",
            "x:00",
            "-1:00",
            "1:abc",
            &format!("1:{}", "g".repeat(64)),
        ] {
            assert!(bad.parse::<ChainHead>().is_err(), "{bad:?}");
        }
    }

    #[test]
    fn log_points_are_the_crossed_multiples() {
        assert_eq!(log_points(0, 99), Vec::<i64>::new());
        assert_eq!(log_points(0, 100), [100]);
        assert_eq!(log_points(99, 250), [100, 200]);
        assert_eq!(log_points(100, 199), Vec::<i64>::new());
        assert_eq!(log_points(100, 200), [200]);
        assert_eq!(
            log_points(300, 200),
            Vec::<i64>::new(),
            "moving back logs nothing"
        );
        let burst = log_points(0, 5_000);
        assert_eq!(burst.len(), 10);
        assert_eq!(burst.first(), Some(&4_100));
        assert_eq!(burst.last(), Some(&5_000));
    }
}
