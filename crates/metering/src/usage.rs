//! Usage accounting: requests and the tokens Ollama counted, per user, API key, model and UTC
//! day. One bucket row per (user, key, model, day) is bumped per call, so reports and budget
//! checks read a few rows instead of one per request.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use owp_db::ids::{OrganizationId, UserId};
use owp_db::model_name::canonical_or_same;
use owp_db::schema::usage_daily;
use owp_db::{AnyConnection, StoreError};

use crate::{Caller, MeteringError};

/// Tokens one call spent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Spend {
    /// Prompt tokens.
    pub prompt_tokens: i64,
    /// Generated tokens.
    pub completion_tokens: i64,
}

impl Spend {
    /// The spend of Ollama's counts (`prompt_eval_count`, `eval_count`; missing counts are 0).
    pub fn from_counts(prompt: Option<u64>, completion: Option<u64>) -> Self {
        let count = |n: Option<u64>| i64::try_from(n.unwrap_or(0)).unwrap_or(i64::MAX);
        Self {
            prompt_tokens: count(prompt),
            completion_tokens: count(completion),
        }
    }

    /// Prompt plus completion.
    pub fn total(self) -> i64 {
        self.prompt_tokens.saturating_add(self.completion_tokens)
    }
}

/// One bucket: what a user (through one key, or none) spent on one model on one day.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, Queryable, Selectable)]
#[diesel(table_name = usage_daily)]
pub struct UsageBucket {
    /// The user.
    pub user_id: String,
    /// The API key, or empty for signed-in sessions.
    pub key_id: String,
    /// Model name.
    pub model: String,
    /// `YYYY-MM-DD` (UTC).
    pub day: String,
    /// Calls.
    pub requests: i64,
    /// Prompt tokens.
    pub prompt_tokens: i64,
    /// Generated tokens.
    pub completion_tokens: i64,
}

/// Which buckets a report covers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UsageFilter {
    /// Only this user.
    pub user: Option<UserId>,
    /// Only this model.
    pub model: Option<String>,
    /// First day included.
    pub since: Option<NaiveDate>,
    /// Last day included.
    pub until: Option<NaiveDate>,
}

/// The bucket key of a day.
pub fn day_key(day: NaiveDate) -> String {
    day.format("%Y-%m-%d").to_string()
}

fn key_of(caller: &Caller) -> String {
    caller.key_id.map(|k| k.to_string()).unwrap_or_default()
}

/// Adds one call's spend to the caller's bucket for `model` (in its canonical spelling, so every
/// spelling of one model lands in one bucket) on the day of `at`.
pub fn record_usage(
    conn: &mut AnyConnection,
    caller: &Caller,
    model: &str,
    spend: Spend,
    at: NaiveDateTime,
) -> Result<(), MeteringError> {
    let day = day_key(at.date());
    let key = key_of(caller);
    let model = canonical_or_same(model);
    let model = model.as_str();
    let bucket = usage_daily::table
        .filter(usage_daily::user_id.eq(caller.user_id.to_string()))
        .filter(usage_daily::key_id.eq(&key))
        .filter(usage_daily::model.eq(model))
        .filter(usage_daily::day.eq(&day));
    let bump = || {
        (
            usage_daily::requests.eq(usage_daily::requests + 1),
            usage_daily::prompt_tokens.eq(usage_daily::prompt_tokens + spend.prompt_tokens),
            usage_daily::completion_tokens
                .eq(usage_daily::completion_tokens + spend.completion_tokens),
        )
    };
    // A concurrent first call of the day may insert the bucket between our update and insert;
    // the unique key refuses the second insert, and the update then finds the row.
    for _ in 0..2 {
        if diesel::update(bucket.clone()).set(bump()).execute(conn)? > 0 {
            return Ok(());
        }
        let inserted = owp_db::write_transaction(conn, |conn| {
            diesel::insert_into(usage_daily::table)
                .values((
                    usage_daily::id.eq(uuid::Uuid::now_v7().to_string()),
                    usage_daily::organization_id.eq(caller.organization_id.to_string()),
                    usage_daily::user_id.eq(caller.user_id.to_string()),
                    usage_daily::key_id.eq(&key),
                    usage_daily::model.eq(model),
                    usage_daily::day.eq(&day),
                    usage_daily::requests.eq(1_i64),
                    usage_daily::prompt_tokens.eq(spend.prompt_tokens),
                    usage_daily::completion_tokens.eq(spend.completion_tokens),
                ))
                .execute(conn)
        });
        match inserted.map_err(StoreError::from) {
            Ok(_) => return Ok(()),
            Err(StoreError::Conflict { .. }) => continue,
            Err(err) => return Err(err.into()),
        }
    }
    Err(StoreError::Internal("usage bucket kept conflicting".into()).into())
}

/// The organization's buckets matching `filter`, newest day first.
pub fn usage_buckets(
    conn: &mut AnyConnection,
    organization: OrganizationId,
    filter: &UsageFilter,
) -> Result<Vec<UsageBucket>, MeteringError> {
    let mut query = usage_daily::table
        .filter(usage_daily::organization_id.eq(organization.to_string()))
        .into_boxed();
    if let Some(user) = filter.user {
        query = query.filter(usage_daily::user_id.eq(user.to_string()));
    }
    if let Some(model) = &filter.model {
        query = query.filter(usage_daily::model.eq(canonical_or_same(model)));
    }
    if let Some(since) = filter.since {
        query = query.filter(usage_daily::day.ge(day_key(since)));
    }
    if let Some(until) = filter.until {
        query = query.filter(usage_daily::day.le(day_key(until)));
    }
    Ok(query
        .order((
            usage_daily::day.desc(),
            usage_daily::model.asc(),
            usage_daily::user_id.asc(),
        ))
        .select(UsageBucket::as_select())
        .load(conn)?)
}

/// Tokens the caller's user (all keys), or one key, spent from `first_day` on.
pub fn tokens_spent(
    conn: &mut AnyConnection,
    user: UserId,
    key: Option<&str>,
    first_day: NaiveDate,
) -> Result<i64, MeteringError> {
    let mut query = usage_daily::table
        .filter(usage_daily::user_id.eq(user.to_string()))
        .filter(usage_daily::day.ge(day_key(first_day)))
        .into_boxed();
    if let Some(key) = key {
        query = query.filter(usage_daily::key_id.eq(key.to_owned()));
    }
    let rows: Vec<(i64, i64)> = query
        .select((usage_daily::prompt_tokens, usage_daily::completion_tokens))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .fold(0_i64, |sum, (p, c)| sum.saturating_add(p).saturating_add(c)))
}
