//! `owp api-key …`: the operator issues (the secret is printed once), lists and revokes keys.

use std::process::ExitCode;

use chrono::NaiveDateTime;
use clap::Subcommand;
use owp_credentials::ApiKeyInfo;
use owp_db::ids::CredentialId;
use owp_identity::api_keys::KeyRequest;
use owp_identity::operator;

use super::admin::{Failure, current_database, finish, for_changes};
use super::audit::parse_time;
use crate::config::Config;

#[derive(Debug, Subcommand)]
pub(super) enum ApiKeyCommand {
    /// Issue a key for a user; prints `API_KEY_ID=…` and `API_KEY=owp_…` (shown this once).
    Issue {
        /// The owner's email.
        email: String,
        /// What the key is for (1 to 100 characters).
        #[arg(long)]
        label: String,
        /// When it stops working (RFC 3339, or a date meaning its midnight UTC).
        #[arg(long, value_name = "TIME", value_parser = parse_time)]
        expires_at: Option<NaiveDateTime>,
        /// Limit it to this permission (repeatable; a subset of the owner's).
        #[arg(long = "scope", value_name = "PERMISSION")]
        scopes: Vec<String>,
        /// Limit it to this model (repeatable).
        #[arg(long = "model", value_name = "MODEL")]
        models: Vec<String>,
    },
    /// List a user's keys, one tab-separated line each (id, label, prefix, state, created,
    /// last used); never a secret.
    List {
        /// The owner's email.
        email: String,
    },
    /// Revoke a key by its id; it stops working on the next request on every replica.
    Revoke {
        /// The key's id (`owp api-key list` shows it).
        id: CredentialId,
    },
}

impl ApiKeyCommand {
    /// Runs the command against the configured database.
    pub(super) async fn run(self, config: Config) -> ExitCode {
        finish(self.execute(&config).await)
    }

    async fn execute(self, config: &Config) -> Result<(), Failure> {
        let at = owp_db::time::now();
        match self {
            ApiKeyCommand::Issue {
                email,
                label,
                expires_at,
                scopes,
                models,
            } => {
                let request = KeyRequest {
                    label,
                    expires_at,
                    scopes: (!scopes.is_empty()).then_some(scopes),
                    allowed_model_ids: (!models.is_empty()).then_some(models),
                };
                let (db, ctx) = for_changes(config).await?;
                let (key, secret) = db
                    .run(move |conn| operator::issue_key(conn, &ctx, &email, request, at))
                    .await?;
                println!("API_KEY_ID={}", key.id);
                println!("API_KEY={secret}");
            }
            ApiKeyCommand::List { email } => {
                let db = current_database(config).await.map_err(Failure::Failed)?;
                let keys = db
                    .run(move |conn| operator::list_keys(conn, &email))
                    .await?;
                println!("id\tlabel\tprefix\tstate\tcreated_at\tlast_used_at");
                for key in &keys {
                    println!("{}", line(key, at));
                }
            }
            ApiKeyCommand::Revoke { id } => {
                let (db, ctx) = for_changes(config).await?;
                let key = db
                    .run(move |conn| operator::revoke_key(conn, &ctx, id, at))
                    .await?;
                println!("revoked {}", line(&key, at));
            }
        }
        Ok(())
    }
}

/// One key as a tab-separated line: id, label, prefix, state, created, last used.
fn line(key: &ApiKeyInfo, now: NaiveDateTime) -> String {
    let state = if key.revoked_at.is_some() {
        "revoked"
    } else if key.is_active(now) {
        "active"
    } else {
        "expired"
    };
    format!(
        "{}\t{}\t{}\t{state}\t{}\t{}",
        key.id,
        key.label,
        key.prefix,
        key.created_at.format("%Y-%m-%dT%H:%M:%SZ"),
        key.last_used_at
            .map(|t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
            .unwrap_or_default()
    )
}
