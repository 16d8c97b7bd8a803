//! Charging a model call: what Ollama counted is added to the caller's usage after the call,
//! and a relayed stream is charged exactly once — with Ollama's final counts, or, when the
//! stream is dropped or breaks first, one completion token per relayed piece, so hanging up
//! early does not dodge a budget.
//!
//! A call's end is stamped when it ends: the charge of a stream is written at the time the
//! injected [`Clock`] reads then, not at the time the call began.

use chrono::NaiveDateTime;
use owp_db::Database;
use owp_db::time::Clock;

use crate::Caller;
use crate::usage::{Spend, record_usage};

/// Adds a finished call to the caller's usage at `at`. The answer has already gone out, so a
/// failure is logged rather than returned.
pub async fn record_spend(
    db: &Database,
    caller: Caller,
    model: String,
    spend: Spend,
    at: NaiveDateTime,
) {
    let recorded = db
        .run(move |conn| record_usage(conn, &caller, &model, spend, at))
        .await;
    if let Err(err) = recorded {
        tracing::error!(error = %err, "usage could not be recorded");
    }
}

/// What a relayed stream has cost: charged once, with Ollama's counts when the final piece
/// passes ([`Meter::settle`]), or — if the meter is dropped first — one completion token per
/// relayed piece ([`Meter::piece`]).
pub struct Meter {
    db: Database,
    caller: Caller,
    model: String,
    clock: Clock,
    pieces: i64,
    charged: bool,
}

impl Meter {
    /// A meter for `caller`'s call of `model`, stamping its charge with `clock`.
    pub fn new(db: Database, caller: Caller, model: String, clock: Clock) -> Self {
        Self {
            db,
            caller,
            model,
            clock,
            pieces: 0,
            charged: false,
        }
    }

    /// One more piece relayed.
    pub fn piece(&mut self) {
        self.pieces += 1;
    }

    /// Pieces relayed so far.
    pub fn pieces(&self) -> i64 {
        self.pieces
    }

    /// What the stream has cost if it ends now without Ollama's counts.
    pub fn cut_off_spend(&self) -> Spend {
        Spend {
            prompt_tokens: 0,
            completion_tokens: self.pieces,
        }
    }

    /// Charges Ollama's final counts (once; the meter then charges nothing on drop).
    pub async fn settle(&mut self, spend: Spend) {
        self.charged = true;
        let at = (self.clock)();
        record_spend(&self.db, self.caller, self.model.clone(), spend, at).await;
    }
}

impl Drop for Meter {
    fn drop(&mut self) {
        if self.charged {
            return;
        }
        let spend = self.cut_off_spend();
        let (db, caller, model) = (self.db.clone(), self.caller, self.model.clone());
        let clock = self.clock;
        finish_detached("charge a cut-off stream", async move {
            let at = clock();
            record_spend(&db, caller, model, spend, at).await;
        });
    }
}

/// Runs the bookkeeping of a stream its client dropped: `Drop` cannot wait, so the work goes to
/// the runtime and finishes without anyone waiting on it.
pub fn finish_detached(what: &'static str, work: impl Future<Output = ()> + Send + 'static) {
    match tokio::runtime::Handle::try_current() {
        Ok(runtime) => {
            runtime.spawn(work);
        }
        Err(_) => tracing::error!("could not {what}: no runtime"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cut_off_stream_costs_a_token_per_piece() {
        let db = Database::new(
            &owp_db::DatabaseUrl::parse("sqlite://:memory:").unwrap(),
            owp_db::PoolOptions::default(),
        );
        let caller = Caller {
            organization_id: owp_db::ids::OrganizationId::new(),
            user_id: owp_db::ids::UserId::new(),
            key_id: None,
        };
        let mut meter = Meter::new(db, caller, "m".into(), owp_db::time::now);
        meter.piece();
        meter.piece();
        assert_eq!(meter.pieces(), 2);
        assert_eq!(meter.cut_off_spend().total(), 2);
        assert_eq!(meter.cut_off_spend().prompt_tokens, 0);
    }

    #[test]
    fn counts_become_a_spend() {
        let spend = Spend::from_counts(Some(3), None);
        assert_eq!((spend.prompt_tokens, spend.completion_tokens), (3, 0));
        assert_eq!(
            Spend::from_counts(Some(u64::MAX), Some(1)).total(),
            i64::MAX
        );
    }
}
