//! The budget check every model call makes before anything reaches Ollama: refused once one of
//! the caller's budgets is used up, with a message naming it and the seconds until it resets.

use chrono::NaiveDateTime;
use owp_db::{AnyConnection, Database};

use crate::quotas::{Budget, budgets};
use crate::{Caller, MeteringError};

/// The first used-up budget, if any.
pub fn first_exhausted(budgets: &[Budget]) -> Option<&Budget> {
    budgets.iter().find(|b| b.exhausted())
}

/// The refusal for a used-up budget at `at`: names it, says when it resets, and how many
/// seconds that is (at least 1).
fn over_budget(budget: &Budget, at: NaiveDateTime) -> MeteringError {
    let whose = if budget.scope == "api_key" {
        "this API key's"
    } else {
        "your"
    };
    MeteringError::OverBudget {
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

/// `Ok` when every budget of `caller` has tokens left at `at`; else
/// [`MeteringError::OverBudget`] for the first used-up one (the user's before the key's).
pub fn check_budgets(
    conn: &mut AnyConnection,
    caller: &Caller,
    at: NaiveDateTime,
) -> Result<(), MeteringError> {
    let budgets = budgets(conn, caller, at)?;
    match first_exhausted(&budgets) {
        Some(budget) => Err(over_budget(budget, at)),
        None => Ok(()),
    }
}

/// [`check_budgets`] on the blocking pool of `db`.
pub async fn ensure_budget(
    db: &Database,
    caller: Caller,
    at: NaiveDateTime,
) -> Result<(), MeteringError> {
    db.run(move |conn| check_budgets(conn, &caller, at)).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn budget(scope: &'static str, used: i64) -> Budget {
        let resets_at = NaiveDate::from_ymd_opt(2026, 5, 2)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap();
        Budget {
            scope,
            period: "daily",
            limit: 100,
            used,
            remaining: (100 - used).max(0),
            resets_at,
        }
    }

    #[test]
    fn the_first_used_up_budget_is_named_with_its_reset() {
        let at = NaiveDate::from_ymd_opt(2026, 5, 1)
            .unwrap()
            .and_hms_opt(23, 0, 0)
            .unwrap();
        let all = [budget("user", 10), budget("api_key", 120)];
        let used_up = first_exhausted(&all).unwrap();
        assert_eq!(used_up.scope, "api_key");
        let MeteringError::OverBudget {
            detail,
            retry_after,
        } = over_budget(used_up, at)
        else {
            panic!("not over budget");
        };
        assert_eq!(retry_after, 3600);
        assert_eq!(
            detail,
            "this API key's daily budget of 100 tokens is used up (120 spent); it resets at 2026-05-02 00:00 UTC"
        );
        assert!(first_exhausted(&all[..1]).is_none());
    }

    #[test]
    fn a_reset_in_the_past_still_waits_a_second() {
        let late = NaiveDate::from_ymd_opt(2026, 5, 3)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap();
        let MeteringError::OverBudget { retry_after, .. } = over_budget(&budget("user", 100), late)
        else {
            panic!("not over budget");
        };
        assert_eq!(retry_after, 1);
    }
}
