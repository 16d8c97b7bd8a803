//! Walking the chain to find tampering.

use diesel::prelude::*;
use owp_db::schema::{audit_chain, audit_events};
use owp_db::{AnyConnection, StoreError};
use serde::Serialize;

use crate::chain::Canonical;
use crate::head::ChainHead;
use crate::key::ChainKey;
use crate::query::StoredEvent;

/// Rows read per round trip while walking.
const BATCH: i64 = 1000;

/// The outcome of a walk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChainReport {
    /// Whether every row checked out (and the expected head, if given, is in the chain).
    pub intact: bool,
    /// How many rows were checked.
    pub checked: i64,
    /// The last verified position: the newest event when intact, else the one before the break.
    pub head: ChainHead,
    /// Events from this position on are keyed; older ones predate keying (plain SHA-256).
    pub keyed_from_seq: i64,
    /// The first row that does not fit, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_broken: Option<ChainBreak>,
}

/// Where and how the chain breaks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChainBreak {
    /// The chain position expected at the break.
    pub seq: i64,
    /// The id of the row found there (none when the row is missing).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// What is wrong.
    pub reason: String,
}

/// Walks every event in chain order and checks positions, links and hashes (HMAC-SHA256 under
/// `key` from `keyed_from_seq` on, plain SHA-256 before), then the stored head. With `expected`
/// (a head logged earlier), the chain must also hold that exact `(seq, hash)`: a tail cut off
/// and the stored head fixed up is found that way, since nothing inside the database remembers
/// the events that were removed.
pub fn verify(
    conn: &mut AnyConnection,
    key: &ChainKey,
    expected: Option<&ChainHead>,
) -> Result<ChainReport, StoreError> {
    let (last_seq, last_hash, keyed_from_seq, stored_fingerprint): (
        i64,
        String,
        i64,
        Option<String>,
    ) = audit_chain::table
        .find(1)
        .select((
            audit_chain::last_seq,
            audit_chain::last_hash,
            audit_chain::keyed_from_seq,
            audit_chain::key_fingerprint,
        ))
        .first(conn)?;
    let ours = key.fingerprint();
    let mut walk = Walk {
        key,
        keyed_from_seq,
        foreign_fingerprint: stored_fingerprint.filter(|f| *f != ours),
        ours,
        head: ChainHead::genesis(),
    };
    if let Some(reason) = expected
        .filter(|e| e.seq == 0)
        .and_then(|e| walk.against_expected(e))
    {
        return Ok(walk.broken(0, None, reason));
    }
    loop {
        let rows: Vec<StoredEvent> = audit_events::table
            .filter(audit_events::seq.gt(walk.head.seq))
            .order(audit_events::seq.asc())
            .limit(BATCH)
            .select(StoredEvent::as_select())
            .load(conn)?;
        let fetched = rows.len();
        for row in rows {
            let seq = walk.head.seq + 1;
            if let Some(reason) = walk.check(&row) {
                return Ok(walk.broken(seq, Some(row.id), reason));
            }
            let id = row.id;
            let previous = std::mem::replace(
                &mut walk.head,
                ChainHead {
                    seq,
                    hash: row.hash,
                },
            );
            if let Some(reason) = expected.and_then(|e| walk.against_expected(e)) {
                walk.head = previous;
                return Ok(walk.broken(seq, Some(id), reason));
            }
        }
        if fetched < BATCH as usize {
            break;
        }
    }
    Ok(walk.finish(last_seq, &last_hash, expected))
}

/// State of a walk: the key, what the stored chain says about keying, and the last good row.
struct Walk<'a> {
    key: &'a ChainKey,
    keyed_from_seq: i64,
    /// The stored key fingerprint when it is not this key's.
    foreign_fingerprint: Option<String>,
    ours: String,
    head: ChainHead,
}

impl Walk<'_> {
    /// What is wrong with `row` as the event after `self.head`, if anything.
    fn check(&self, row: &StoredEvent) -> Option<String> {
        let expected_seq = self.head.seq + 1;
        if row.seq != expected_seq {
            return Some(format!(
                "event {} is missing (found {} next)",
                expected_seq, row.seq
            ));
        }
        if row.prev_hash != self.head.hash {
            return Some("does not link to the previous event".into());
        }
        let canonical = Canonical {
            seq: row.seq,
            id: &row.id,
            occurred_at: row.occurred_at,
            event_type: &row.event_type,
            actor_user_id: row.actor_user_id.as_deref(),
            subject_user_id: row.subject_user_id.as_deref(),
            credential_id: row.credential_id.as_deref(),
            organization_id: row.organization_id.as_deref(),
            ip: row.ip.as_deref(),
            user_agent: row.user_agent.as_deref(),
            request_id: row.request_id.as_deref(),
            detail: &row.detail,
            prev_hash: &row.prev_hash,
        };
        if row.seq < self.keyed_from_seq {
            return (canonical.plain_hash() != row.hash)
                .then(|| "content does not match its hash (edited)".into());
        }
        if canonical.keyed_hash(self.key) == row.hash {
            return None;
        }
        Some(match &self.foreign_fingerprint {
            Some(theirs) => self.different_secret(theirs),
            None => "content does not match its keyed hash (edited, or re-hashed without the \
                     audit key)"
                .into(),
        })
    }

    /// Why the chain does not hold `expected` now that `self.head` reached its position.
    fn against_expected(&self, expected: &ChainHead) -> Option<String> {
        (self.head.seq == expected.seq && self.head.hash != expected.hash).then(|| {
            format!(
                "a different hash at {} than the expected head {expected}: the events up to it \
                 were rewritten (or the expected head belongs to another chain)",
                expected.seq
            )
        })
    }

    fn different_secret(&self, theirs: &str) -> String {
        format!(
            "keyed with a different secret: the chain's key fingerprint is {theirs}, this \
             server's is {} (was AUDIT_SECRET or, without it, JWT_SECRET changed?)",
            self.ours
        )
    }

    /// Checks after the last row: the expected head was reached, the stored head matches, and
    /// the stored key fingerprint is this key's.
    fn finish(self, last_seq: i64, last_hash: &str, expected: Option<&ChainHead>) -> ChainReport {
        let checked = self.head.seq;
        if let Some(expected) = expected.filter(|e| e.seq > checked) {
            let reason = format!(
                "truncated below {}: the chain ends at {checked}, before the expected head \
                 {expected}; the newest events were removed",
                expected.seq
            );
            return self.broken(checked + 1, None, reason);
        }
        if last_seq != checked || last_hash != self.head.hash {
            let reason = format!(
                "the chain head expects {last_seq} events but {checked} are present; the newest were removed"
            );
            return self.broken(checked + 1, None, reason);
        }
        if let Some(theirs) = &self.foreign_fingerprint {
            let reason = self.different_secret(theirs);
            let seq = self.keyed_from_seq;
            return self.broken(seq, None, reason);
        }
        ChainReport {
            intact: true,
            checked,
            head: self.head,
            keyed_from_seq: self.keyed_from_seq,
            first_broken: None,
        }
    }

    fn broken(self, seq: i64, id: Option<String>, reason: String) -> ChainReport {
        ChainReport {
            intact: false,
            checked: self.head.seq,
            head: self.head,
            keyed_from_seq: self.keyed_from_seq,
            first_broken: Some(ChainBreak { seq, id, reason }),
        }
    }
}
