//! Budgets and usage around every model call: a call is refused before anything reaches Ollama
//! when one of the caller's token budgets is used up, and what Ollama counted is added to the
//! caller's usage afterwards.

use owp_rbac::Principal;
use owp_workshop::Caller;
use owp_workshop::quotas::{self, Budget};
use owp_workshop::usage::{self, Spend};

use super::problem::ApiError;
use crate::state::AppState;

/// The refusal for a used-up budget: names it, says when it resets, and sets `Retry-After`.
fn over_budget(budget: &Budget, at: chrono::NaiveDateTime) -> ApiError {
    let whose = if budget.scope == "api_key" {
        "this API key's"
    } else {
        "your"
    };
    ApiError::TooManyRequests {
        detail: format!(
            "{whose} {} budget of {} tokens is used up ({} spent); it resets at {} UTC",
            budget.period,
            budget.limit,
            budget.used,
            budget.resets_at.format("%Y-%m-%d %H:%M")
        ),
        retry_after: u64::try_from((budget.resets_at - at).num_seconds().max(1)).unwrap_or(1),
    }
}

/// `Ok` when every budget of the caller has tokens left.
pub async fn ensure_budget(state: &AppState, principal: &Principal) -> Result<(), ApiError> {
    let caller = Caller::from(principal);
    let at = owp_db::time::now();
    let budgets = state
        .db
        .run(move |conn| quotas::budgets(conn, &caller, at))
        .await?;
    match budgets.iter().find(|b| b.exhausted()) {
        Some(budget) => Err(over_budget(budget, at)),
        None => Ok(()),
    }
}

/// Adds a finished call to the caller's usage. The answer has already gone out, so a failure
/// is logged rather than returned.
pub async fn record_spend(state: &AppState, caller: Caller, model: String, spend: Spend) {
    let at = owp_db::time::now();
    let recorded = state
        .db
        .run(move |conn| usage::record_usage(conn, &caller, &model, spend, at))
        .await;
    if let Err(err) = recorded {
        tracing::error!(error = %err, "usage could not be recorded");
    }
}

/// Ollama's counts on a final chunk as a [`Spend`].
pub fn spend_of(stats: &owp_ollama_client::GenerationStats) -> Spend {
    let count = |n: Option<u64>| i64::try_from(n.unwrap_or(0)).unwrap_or(i64::MAX);
    Spend {
        prompt_tokens: count(stats.prompt_eval_count),
        completion_tokens: count(stats.eval_count),
    }
}

/// What a relayed stream has cost: charged once, with Ollama's counts when the final piece
/// passes, or — if the stream is dropped or breaks first — one completion token per relayed
/// piece, so hanging up early does not dodge a budget.
pub struct Meter {
    state: AppState,
    caller: Caller,
    model: String,
    pieces: i64,
    charged: bool,
}

impl Meter {
    /// A meter for `caller`'s call of `model`.
    pub fn new(state: AppState, caller: Caller, model: String) -> Self {
        Self {
            state,
            caller,
            model,
            pieces: 0,
            charged: false,
        }
    }

    /// One more piece relayed.
    pub fn piece(&mut self) {
        self.pieces += 1;
    }

    /// Charges Ollama's final counts.
    pub async fn settle(&mut self, spend: Spend) {
        self.charged = true;
        record_spend(&self.state, self.caller, self.model.clone(), spend).await;
    }
}

impl Drop for Meter {
    fn drop(&mut self) {
        if self.charged {
            return;
        }
        let spend = Spend {
            prompt_tokens: 0,
            completion_tokens: self.pieces,
        };
        let (state, caller, model) = (self.state.clone(), self.caller, self.model.clone());
        finish_detached("charge a cut-off stream", async move {
            record_spend(&state, caller, model, spend).await;
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

/// Passes a chat stream through, charging its spend when the final piece goes by (before the
/// piece is handed on, so a client that saw the end sees it in its usage).
pub fn metered(
    upstream: owp_ollama_client::ChatStream,
    meter: Meter,
) -> owp_ollama_client::ChatStream {
    use futures_util::StreamExt;
    futures_util::stream::unfold((upstream, meter), |(mut upstream, mut meter)| async move {
        let item = upstream.next().await?;
        match &item {
            Ok(piece) if piece.done => meter.settle(spend_of(&piece.stats)).await,
            Ok(_) => meter.piece(),
            Err(_) => {}
        }
        Some((item, (upstream, meter)))
    })
    .boxed()
}
