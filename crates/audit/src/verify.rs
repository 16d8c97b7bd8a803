//! Walking the chain to find tampering.

use diesel::prelude::*;
use owp_db::schema::{audit_chain, audit_events};
use owp_db::{AnyConnection, StoreError};
use serde::Serialize;

use crate::chain::{Canonical, GENESIS_HASH};
use crate::query::StoredEvent;

/// Rows read per round trip while walking.
const BATCH: i64 = 1000;

/// The outcome of a walk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainReport {
    /// Whether every row checked out.
    pub intact: bool,
    /// How many rows were checked.
    pub checked: i64,
    /// The first row that does not fit, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_broken: Option<ChainBreak>,
}

/// Where and how the chain breaks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainBreak {
    /// The chain position expected at the break.
    pub seq: i64,
    /// The id of the row found there (none when the row is missing).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// What is wrong.
    pub reason: String,
}

/// Walks every event in chain order and checks positions, links and hashes, then the head.
pub fn verify(conn: &mut AnyConnection) -> Result<ChainReport, StoreError> {
    let mut expected_seq = 1;
    let mut prev_hash = GENESIS_HASH.to_owned();
    loop {
        let rows: Vec<StoredEvent> = audit_events::table
            .filter(audit_events::seq.ge(expected_seq))
            .order(audit_events::seq.asc())
            .limit(BATCH)
            .select(StoredEvent::as_select())
            .load(conn)?;
        let fetched = rows.len();
        for row in rows {
            if let Some(reason) = check(&row, expected_seq, &prev_hash) {
                return Ok(broken(expected_seq - 1, expected_seq, Some(row.id), reason));
            }
            prev_hash = row.hash;
            expected_seq += 1;
        }
        if fetched < BATCH as usize {
            break;
        }
    }
    let (last_seq, last_hash): (i64, String) = audit_chain::table
        .find(1)
        .select((audit_chain::last_seq, audit_chain::last_hash))
        .first(conn)?;
    let checked = expected_seq - 1;
    if last_seq != checked || last_hash != prev_hash {
        return Ok(broken(
            checked,
            checked + 1,
            None,
            format!(
                "the chain head expects {last_seq} events but {checked} are present; the newest were removed"
            ),
        ));
    }
    Ok(ChainReport {
        intact: true,
        checked,
        first_broken: None,
    })
}

fn check(row: &StoredEvent, expected_seq: i64, prev_hash: &str) -> Option<String> {
    if row.seq != expected_seq {
        return Some(format!(
            "event {} is missing (found {} next)",
            expected_seq, row.seq
        ));
    }
    if row.prev_hash != prev_hash {
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
    (canonical.hash() != row.hash).then(|| "content does not match its hash (edited)".into())
}

fn broken(checked: i64, seq: i64, id: Option<String>, reason: String) -> ChainReport {
    ChainReport {
        intact: false,
        checked,
        first_broken: Some(ChainBreak { seq, id, reason }),
    }
}
