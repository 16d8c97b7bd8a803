//! Usage reports: buckets summed per day and model (and user, in the organization's report),
//! with totals and, for one's own report, the budgets that apply. Built here so every caller
//! (HTTP, CLI) reports the same sums over the same default window.

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveDateTime, TimeDelta};
use owp_db::AnyConnection;
use owp_db::ids::{OrganizationId, UserId};

use crate::quotas::{Budget, budgets};
use crate::usage::{UsageBucket, UsageFilter, usage_buckets};
use crate::{Caller, MeteringError};

/// Days a report covers when it names no `since`, so an unfiltered report stays small.
pub const DEFAULT_DAYS: i64 = 31;

/// Which days and model a report covers, as the caller asked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReportQuery {
    /// First day included; default: [`DEFAULT_DAYS`] up to `until` (or the day of `at`).
    pub since: Option<NaiveDate>,
    /// Last day included.
    pub until: Option<NaiveDate>,
    /// Only this model.
    pub model: Option<String>,
    /// Only this user (the organization's report).
    pub user: Option<UserId>,
}

/// Spend of one day and model (and user, in the organization's report).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UsageRow {
    /// `YYYY-MM-DD` (UTC).
    pub day: String,
    /// Model name.
    pub model: String,
    /// The user (organization's report only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// Model calls.
    pub requests: i64,
    /// Prompt tokens.
    pub prompt_tokens: i64,
    /// Generated tokens.
    pub completion_tokens: i64,
    /// Both.
    pub total_tokens: i64,
}

impl UsageRow {
    fn add(&mut self, bucket: &UsageBucket) {
        self.requests += bucket.requests;
        self.prompt_tokens += bucket.prompt_tokens;
        self.completion_tokens += bucket.completion_tokens;
        self.total_tokens += bucket.prompt_tokens + bucket.completion_tokens;
    }
}

/// A usage report.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UsageReport {
    /// Newest day first.
    pub items: Vec<UsageRow>,
    /// Sums over the items.
    pub totals: UsageRow,
    /// The caller's budgets (own report only; empty when none is set).
    pub budgets: Vec<Budget>,
}

fn filter(query: ReportQuery, at: NaiveDateTime) -> Result<UsageFilter, MeteringError> {
    let since = query.since.unwrap_or_else(|| {
        let last = query.until.unwrap_or(at.date());
        last - TimeDelta::days(DEFAULT_DAYS - 1)
    });
    if query.until.is_some_and(|until| since > until) {
        return Err(MeteringError::Invalid(
            "since",
            "must not be after until".into(),
        ));
    }
    Ok(UsageFilter {
        user: query.user,
        model: query.model,
        since: Some(since),
        until: query.until,
    })
}

/// Sums buckets per day and model (and user when `per_user`), keys merged.
fn sum(buckets: &[UsageBucket], per_user: bool, budgets: Vec<Budget>) -> UsageReport {
    let mut rows: BTreeMap<(String, String, String), UsageRow> = BTreeMap::new();
    let mut totals = UsageRow::default();
    for bucket in buckets {
        let user = if per_user {
            bucket.user_id.clone()
        } else {
            String::new()
        };
        rows.entry((bucket.day.clone(), bucket.model.clone(), user))
            .or_insert_with(|| UsageRow {
                day: bucket.day.clone(),
                model: bucket.model.clone(),
                user_id: per_user.then(|| bucket.user_id.clone()),
                ..UsageRow::default()
            })
            .add(bucket);
        totals.add(bucket);
    }
    UsageReport {
        items: rows.into_values().rev().collect(),
        totals,
        budgets,
    }
}

/// The caller's own usage (every key of theirs merged) and the budgets that apply at `at`; a
/// `user` in the query is ignored: one's own report is always one's own.
pub fn own_report(
    conn: &mut AnyConnection,
    caller: &Caller,
    query: ReportQuery,
    at: NaiveDateTime,
) -> Result<UsageReport, MeteringError> {
    let filter = filter(
        ReportQuery {
            user: Some(caller.user_id),
            ..query
        },
        at,
    )?;
    let buckets = usage_buckets(conn, caller.organization_id, &filter)?;
    Ok(sum(&buckets, false, budgets(conn, caller, at)?))
}

/// An organization's usage per day, model and user (the admin report).
pub fn organization_report(
    conn: &mut AnyConnection,
    organization: OrganizationId,
    query: ReportQuery,
    at: NaiveDateTime,
) -> Result<UsageReport, MeteringError> {
    let filter = filter(query, at)?;
    let buckets = usage_buckets(conn, organization, &filter)?;
    Ok(sum(&buckets, true, Vec::new()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bucket(day: &str, model: &str, user: &str, tokens: i64) -> UsageBucket {
        UsageBucket {
            user_id: user.into(),
            key_id: String::new(),
            model: model.into(),
            day: day.into(),
            requests: 1,
            prompt_tokens: tokens,
            completion_tokens: 1,
        }
    }

    #[test]
    fn sums_per_day_and_model_newest_first() {
        let buckets = [
            bucket("2026-12-01", "a", "u1", 10),
            bucket("2026-12-01", "a", "u2", 5),
            bucket("2026-12-02", "a", "u1", 1),
        ];
        let own = sum(&buckets, false, Vec::new());
        assert_eq!(own.items.len(), 2);
        assert_eq!(own.items[0].day, "2026-12-02");
        assert_eq!(own.items[1].prompt_tokens, 15);
        assert_eq!(own.totals.total_tokens, 19);
        let per_user = sum(&buckets, true, Vec::new());
        assert_eq!(per_user.items.len(), 3);
        assert_eq!(per_user.items[2].user_id.as_deref(), Some("u1"));
    }

    #[test]
    fn default_window_ends_today_and_refuses_reversed_days() {
        let at = NaiveDate::from_ymd_opt(2026, 12, 31)
            .and_then(|d| d.and_hms_opt(12, 0, 0))
            .unwrap();
        let f = filter(ReportQuery::default(), at).unwrap();
        assert_eq!(f.since, NaiveDate::from_ymd_opt(2026, 12, 1));
        let reversed = ReportQuery {
            since: NaiveDate::from_ymd_opt(2026, 12, 2),
            until: NaiveDate::from_ymd_opt(2026, 12, 1),
            ..ReportQuery::default()
        };
        assert!(matches!(
            filter(reversed, at),
            Err(MeteringError::Invalid("since", _))
        ));
    }
}
