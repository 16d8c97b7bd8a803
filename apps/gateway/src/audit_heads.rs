//! Writes the audit chain head to the log (target `owp::audit`, fields `seq` and `hash`): once
//! when the server first reads it, every [`owp_audit::HEAD_LOG_INTERVAL`] events, and at
//! graceful shutdown. Logs leave the database's reach, so a head found there later is what
//! `GET /api/v1/audit/verify?expect_head=SEQ:HASH` and `owp audit verify --expect-head` check a
//! possibly cut-off chain against.
//!
//! The heads are read from committed rows by a polling task rather than logged by `record`,
//! because `record` runs inside its caller's transaction: a head logged there could be rolled
//! back, and a later event would then take its position with another hash.

use std::time::Duration;

use owp_audit::ChainHead;
use owp_db::{Database, StoreError};
use tokio::task::JoinHandle;

/// How often the committed head is looked at.
const POLL: Duration = Duration::from_secs(2);

/// The task logging heads as the chain grows; dropping it stops the task.
pub struct HeadWatch(JoinHandle<()>);

impl Drop for HeadWatch {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Starts the task that logs heads as the chain grows.
pub fn watch(db: Database) -> HeadWatch {
    HeadWatch(tokio::spawn(async move {
        let mut after: Option<i64> = None;
        let mut ticker = tokio::time::interval(POLL);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticker.tick().await;
            if !db.schema_ready() {
                continue;
            }
            match poll(&db, after).await {
                Ok(seq) => after = Some(seq),
                Err(err) => tracing::debug!(%err, "audit chain head not read"),
            }
        }
    }))
}

/// Logs what changed since `after` (every interval crossed; or the head itself on the first
/// read) and returns the head's position.
async fn poll(db: &Database, after: Option<i64>) -> Result<i64, StoreError> {
    let (head, crossed) = db
        .run(move |conn| {
            let head = owp_audit::stored_head(conn)?;
            let points = after.map_or_else(Vec::new, |a| owp_audit::log_points(a, head.seq));
            let crossed = owp_audit::heads_at(conn, &points)?;
            Ok::<_, StoreError>((head, crossed))
        })
        .await?;
    match after {
        None => log(&head, "start"),
        Some(previous) if head.seq < previous => tracing::warn!(
            target: "owp::audit",
            seq = head.seq,
            hash = %head.hash,
            previous,
            "audit chain head moved back: events were removed"
        ),
        Some(_) => crossed.iter().for_each(|h| log(h, "interval")),
    }
    Ok(head.seq)
}

/// Logs the stored head now (at shutdown); a database that does not answer is logged too.
pub async fn log_stored_head(db: &Database, reason: &'static str) {
    match db.run(owp_audit::stored_head).await {
        Ok(head) => log(&head, reason),
        Err(err) => tracing::warn!(target: "owp::audit", %err, reason, "audit chain head unknown"),
    }
}

fn log(head: &ChainHead, reason: &'static str) {
    tracing::info!(
        target: "owp::audit",
        seq = head.seq,
        hash = %head.hash,
        reason,
        "audit chain head"
    );
}
