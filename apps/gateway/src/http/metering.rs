//! Budgets and usage around every model call, over the app state: a call is refused before
//! anything reaches Ollama when one of the caller's token budgets is used up, and what Ollama
//! counted is added to the caller's usage afterwards (the bookkeeping is `owp_metering`'s).

use owp_metering::{Caller, Meter, Spend};
use owp_rbac::Principal;

use super::problem::ApiError;
use crate::state::AppState;

pub use owp_metering::finish_detached;

/// `Ok` when every budget of the caller has tokens left.
pub async fn ensure_budget(state: &AppState, principal: &Principal) -> Result<(), ApiError> {
    let caller = owp_workshop::caller_of(principal);
    Ok(owp_metering::ensure_budget(&state.db, caller, owp_db::time::now()).await?)
}

/// Adds a finished call to the caller's usage. The answer has already gone out, so a failure
/// is logged rather than returned.
pub async fn record_spend(state: &AppState, caller: Caller, model: String, spend: Spend) {
    owp_metering::record_spend(&state.db, caller, model, spend, owp_db::time::now()).await;
}

/// Ollama's counts on a final chunk as a [`Spend`].
pub fn spend_of(stats: &owp_ollama_client::GenerationStats) -> Spend {
    Spend::from_counts(stats.prompt_eval_count, stats.eval_count)
}

/// A meter for `caller`'s call of `model`.
pub fn meter(state: &AppState, caller: Caller, model: String) -> Meter {
    Meter::new(state.db.clone(), caller, model)
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
