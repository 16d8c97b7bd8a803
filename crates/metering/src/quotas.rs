//! Token budgets: an admin caps what a user (all their sessions and keys together) or one API
//! key may spend per UTC day and per UTC calendar month. A call is refused once a budget is
//! used up; the check runs before the call, so concurrent calls may overshoot by what they spend.

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime};
use diesel::prelude::*;
use owp_db::AnyConnection;
use owp_db::ids::{CredentialId, UserId};
use owp_db::schema::token_quotas;

use crate::usage::tokens_spent;
use crate::{Caller, MeteringError};

/// Budgets of one user or key; `None` means no cap.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Quota {
    /// Tokens per UTC day.
    pub daily_tokens: Option<i64>,
    /// Tokens per UTC calendar month.
    pub monthly_tokens: Option<i64>,
}

/// What a budget applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    /// The user, across sessions and keys.
    User(UserId),
    /// One API key of `owner`.
    Key {
        /// The key's owner.
        owner: UserId,
        /// The key.
        key: CredentialId,
    },
}

impl Subject {
    /// The user the budget belongs to, and the key when it is a key's.
    pub fn owner_and_key(self) -> (UserId, Option<CredentialId>) {
        match self {
            Subject::User(user) => (user, None),
            Subject::Key { owner, key } => (owner, Some(key)),
        }
    }

    fn id(self) -> String {
        match self {
            Subject::User(user) => user.to_string(),
            Subject::Key { key, .. } => key.to_string(),
        }
    }
}

/// The state of one budget at a moment.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Budget {
    /// `user` or `api_key`.
    pub scope: &'static str,
    /// `daily` or `monthly`.
    pub period: &'static str,
    /// The cap.
    pub limit: i64,
    /// Spent in this period.
    pub used: i64,
    /// What is left (never negative).
    pub remaining: i64,
    /// When the period starts over (UTC).
    pub resets_at: NaiveDateTime,
}

impl Budget {
    /// No tokens left in this period.
    pub fn exhausted(&self) -> bool {
        self.remaining == 0
    }
}

fn check(quota: &Quota) -> Result<(), MeteringError> {
    for (field, value) in [
        ("daily_tokens", quota.daily_tokens),
        ("monthly_tokens", quota.monthly_tokens),
    ] {
        if value.is_some_and(|v| v < 0) {
            return Err(MeteringError::Invalid(field, "must not be negative".into()));
        }
    }
    Ok(())
}

/// Sets (replaces) the budgets of `subject`; all `None` removes them. Runs in one transaction
/// (a savepoint inside the caller's): whoever changes a budget audits the change in the
/// transaction it opens around this call (`owp_chat::budgets::set_quota_as`).
pub fn set_quota(
    conn: &mut AnyConnection,
    subject: Subject,
    quota: &Quota,
    at: NaiveDateTime,
) -> Result<Quota, MeteringError> {
    check(quota)?;
    let (owner, key) = subject.owner_and_key();
    owp_db::write_transaction(conn, |conn| {
        diesel::delete(token_quotas::table.filter(token_quotas::subject_id.eq(subject.id())))
            .execute(conn)?;
        if quota.daily_tokens.is_some() || quota.monthly_tokens.is_some() {
            diesel::insert_into(token_quotas::table)
                .values((
                    token_quotas::subject_id.eq(subject.id()),
                    token_quotas::user_id.eq(owner.to_string()),
                    token_quotas::credential_id.eq(key.map(|k| k.to_string())),
                    token_quotas::daily_tokens.eq(quota.daily_tokens),
                    token_quotas::monthly_tokens.eq(quota.monthly_tokens),
                    token_quotas::updated_at.eq(at),
                ))
                .execute(conn)?;
        }
        Ok(*quota)
    })
}

/// The budgets of `subject` (none set: both `None`).
pub fn quota_of(conn: &mut AnyConnection, subject: Subject) -> Result<Quota, MeteringError> {
    let row: Option<(Option<i64>, Option<i64>)> = token_quotas::table
        .filter(token_quotas::subject_id.eq(subject.id()))
        .select((token_quotas::daily_tokens, token_quotas::monthly_tokens))
        // The primary key: no `LIMIT ?`, which SQLite would re-plan at every binding.
        .get_result(conn)
        .optional()?;
    Ok(
        row.map_or_else(Quota::default, |(daily_tokens, monthly_tokens)| Quota {
            daily_tokens,
            monthly_tokens,
        }),
    )
}

fn midnight(day: NaiveDate) -> NaiveDateTime {
    day.and_time(NaiveTime::MIN)
}

fn month_start(day: NaiveDate) -> NaiveDate {
    day.with_day(1).unwrap_or(day)
}

fn next_month_start(day: NaiveDate) -> NaiveDate {
    let first = month_start(day);
    first
        .checked_add_months(chrono::Months::new(1))
        .unwrap_or(first)
}

/// The budgets set for the caller's user and key (when the call came with one), read in ONE
/// statement of a fixed shape (`subject_id = ? OR subject_id = ?`; the user's id twice without
/// a key), so SQLite keeps it prepared and PostgreSQL answers in one round trip; a list lookup
/// with `eq_any` would be parsed anew by SQLite each time.
fn quotas_of_caller(
    conn: &mut AnyConnection,
    user: Subject,
    key: Option<Subject>,
) -> Result<(Quota, Quota), MeteringError> {
    let user = user.id();
    let key = key.map(Subject::id);
    let (user, key) = (user.as_str(), key.as_deref());
    let rows: Vec<(String, Option<i64>, Option<i64>)> = token_quotas::table
        .filter(
            token_quotas::subject_id
                .eq(user)
                .or(token_quotas::subject_id.eq(key.unwrap_or(user))),
        )
        .select((
            token_quotas::subject_id,
            token_quotas::daily_tokens,
            token_quotas::monthly_tokens,
        ))
        .load(conn)?;
    let quota_of_id = |id: Option<&str>| {
        rows.iter()
            .find(|(subject, _, _)| Some(subject.as_str()) == id)
            .map_or_else(Quota::default, |(_, daily_tokens, monthly_tokens)| Quota {
                daily_tokens: *daily_tokens,
                monthly_tokens: *monthly_tokens,
            })
    };
    Ok((quota_of_id(Some(user)), quota_of_id(key)))
}

/// Every budget that applies to `caller` at `at`: the user's, then the key's. One statement
/// reads what is set for both (none, the common case, on every model call); spending is read
/// only for set budgets.
pub fn budgets(
    conn: &mut AnyConnection,
    caller: &Caller,
    at: NaiveDateTime,
) -> Result<Vec<Budget>, MeteringError> {
    let key = caller.key_id.map(|k| k.to_string());
    let key_subject = caller.key_id.map(|credential| Subject::Key {
        owner: caller.user_id,
        key: credential,
    });
    let (user_quota, key_quota) =
        quotas_of_caller(conn, Subject::User(caller.user_id), key_subject)?;
    let mut subjects = vec![("user", user_quota, None)];
    if key.is_some() {
        subjects.push(("api_key", key_quota, key.as_deref()));
    }
    let today = at.date();
    let mut out = Vec::new();
    for (scope, quota, key) in subjects {
        let Quota {
            daily_tokens: daily,
            monthly_tokens: monthly,
        } = quota;
        let periods = [
            ("daily", daily, today, today.succ_opt().unwrap_or(today)),
            (
                "monthly",
                monthly,
                month_start(today),
                next_month_start(today),
            ),
        ];
        for (period, limit, first_day, next_start) in periods {
            let Some(limit) = limit else { continue };
            let used = tokens_spent(conn, caller.user_id, key, first_day)?;
            out.push(Budget {
                scope,
                period,
                limit,
                used,
                remaining: (limit - used).max(0),
                resets_at: midnight(next_start),
            });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_roll_over_at_year_end() {
        let day = NaiveDate::from_ymd_opt(2026, 12, 31).unwrap();
        assert_eq!(
            month_start(day),
            NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()
        );
        assert_eq!(
            next_month_start(day),
            NaiveDate::from_ymd_opt(2027, 1, 1).unwrap()
        );
    }

    #[test]
    fn negative_budgets_are_refused() {
        let quota = Quota {
            daily_tokens: Some(-1),
            monthly_tokens: None,
        };
        assert_eq!(
            check(&quota),
            Err(MeteringError::Invalid(
                "daily_tokens",
                "must not be negative".into()
            ))
        );
    }
}
