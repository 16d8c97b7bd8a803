//! The data migration that rewrites every stored model name to its canonical spelling
//! ([`crate::model_name`]): user grants, API-key allowlists, usage buckets (merging buckets that
//! now name the same model), conversations and messages. It runs once, after the schema
//! migrations, in one transaction, and leaves a row in `data_migrations`.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::connection::AnyConnection;
use crate::error::StoreError;
use crate::model_name::canonical_or_same;
use crate::schema::{conversations, credentials, data_migrations, messages, usage_daily, users};

/// The name of this data migration in `data_migrations`.
const NAME: &str = "canonical-model-names-v1";

/// Applies the rewrite unless it ran before; whether it ran now.
pub(crate) fn apply_once(conn: &mut AnyConnection, at: NaiveDateTime) -> Result<bool, StoreError> {
    crate::write_transaction(conn, |conn| {
        let done: i64 = data_migrations::table
            .filter(data_migrations::name.eq(NAME))
            .count()
            .get_result(conn)?;
        if done > 0 {
            return Ok(false);
        }
        rewrite_lists(conn)?;
        rewrite_columns(conn)?;
        merge_usage(conn)?;
        diesel::insert_into(data_migrations::table)
            .values((
                data_migrations::name.eq(NAME),
                data_migrations::applied_at.eq(at),
            ))
            .execute(conn)?;
        Ok(true)
    })
}

/// A JSON list of names in canonical spelling, duplicates dropped; `None` when unchanged or not
/// a list of strings (left for its reader to report).
fn canonical_list(stored: &str) -> Option<String> {
    let names: Vec<String> = serde_json::from_str(stored).ok()?;
    let mut canonical: Vec<String> = Vec::with_capacity(names.len());
    for name in &names {
        let name = canonical_or_same(name);
        if !canonical.contains(&name) {
            canonical.push(name);
        }
    }
    (canonical != names).then(|| serde_json::to_string(&canonical).ok())?
}

fn rewrite_lists(conn: &mut AnyConnection) -> Result<(), StoreError> {
    let grants: Vec<(String, Option<String>)> = users::table
        .filter(users::allowed_model_ids.is_not_null())
        .select((users::id, users::allowed_model_ids))
        .load(conn)?;
    for (id, list) in grants {
        if let Some(list) = list.as_deref().and_then(canonical_list) {
            diesel::update(users::table.find(id))
                .set(users::allowed_model_ids.eq(list))
                .execute(conn)?;
        }
    }
    let keys: Vec<(String, Option<String>)> = credentials::table
        .filter(credentials::allowed_model_ids.is_not_null())
        .select((credentials::id, credentials::allowed_model_ids))
        .load(conn)?;
    for (id, list) in keys {
        if let Some(list) = list.as_deref().and_then(canonical_list) {
            diesel::update(credentials::table.find(id))
                .set(credentials::allowed_model_ids.eq(list))
                .execute(conn)?;
        }
    }
    Ok(())
}

fn rewrite_columns(conn: &mut AnyConnection) -> Result<(), StoreError> {
    let names: Vec<Option<String>> = conversations::table
        .select(conversations::model)
        .distinct()
        .load(conn)?;
    for name in names.into_iter().flatten() {
        let canonical = canonical_or_same(&name);
        if canonical != name {
            diesel::update(conversations::table.filter(conversations::model.eq(&name)))
                .set(conversations::model.eq(&canonical))
                .execute(conn)?;
        }
    }
    let names: Vec<Option<String>> = messages::table
        .select(messages::model)
        .distinct()
        .load(conn)?;
    for name in names.into_iter().flatten() {
        let canonical = canonical_or_same(&name);
        if canonical != name {
            diesel::update(messages::table.filter(messages::model.eq(&name)))
                .set(messages::model.eq(&canonical))
                .execute(conn)?;
        }
    }
    Ok(())
}

/// One usage bucket: id, user, key, model, day and its counts.
type Bucket = (String, String, String, String, String, i64, i64, i64);

fn merge_usage(conn: &mut AnyConnection) -> Result<(), StoreError> {
    let buckets: Vec<Bucket> = usage_daily::table
        .select((
            usage_daily::id,
            usage_daily::user_id,
            usage_daily::key_id,
            usage_daily::model,
            usage_daily::day,
            usage_daily::requests,
            usage_daily::prompt_tokens,
            usage_daily::completion_tokens,
        ))
        .load(conn)?;
    for (id, user, key, model, day, requests, prompt, completion) in buckets {
        let canonical = canonical_or_same(&model);
        if canonical == model {
            continue;
        }
        let twin: Option<String> = usage_daily::table
            .filter(usage_daily::user_id.eq(&user))
            .filter(usage_daily::key_id.eq(&key))
            .filter(usage_daily::model.eq(&canonical))
            .filter(usage_daily::day.eq(&day))
            .select(usage_daily::id)
            .first(conn)
            .optional()?;
        match twin {
            Some(twin) => {
                diesel::update(usage_daily::table.find(&twin))
                    .set((
                        usage_daily::requests.eq(usage_daily::requests + requests),
                        usage_daily::prompt_tokens.eq(usage_daily::prompt_tokens + prompt),
                        usage_daily::completion_tokens
                            .eq(usage_daily::completion_tokens + completion),
                    ))
                    .execute(conn)?;
                diesel::delete(usage_daily::table.find(&id)).execute(conn)?;
            }
            None => {
                diesel::update(usage_daily::table.find(&id))
                    .set(usage_daily::model.eq(&canonical))
                    .execute(conn)?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::canonical_list;

    #[test]
    fn lists_are_rewritten_only_when_they_change() {
        assert_eq!(
            canonical_list(r#"["nomic-embed-text","Nomic-Embed-Text:latest","x:1"]"#).as_deref(),
            Some(r#"["nomic-embed-text:latest","x:1"]"#)
        );
        assert_eq!(canonical_list(r#"["llama3.2:latest"]"#), None);
        assert_eq!(canonical_list("not json"), None);
    }
}
