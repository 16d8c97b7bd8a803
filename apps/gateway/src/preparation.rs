//! Getting the database ready: migrations, then the bootstrap admin, whose newly created
//! secrets are printed once on stdout (and nowhere else).

use std::sync::Arc;
use std::time::Duration;

use owp_audit::{AuditContext, ChainKey};
use owp_db::{Database, StoreError};
use owp_identity::IdentityError;
use owp_identity::bootstrap::{BootstrapOptions, BootstrapReport, bootstrap};
use tokio::sync::Mutex;

/// Runs migrations and bootstrap once per process, whoever asks first (start-up, the
/// background retry or `/readyz`).
#[derive(Clone)]
pub struct Preparation {
    db: Database,
    options: BootstrapOptions,
    audit_key: ChainKey,
    done: Arc<Mutex<Option<BootstrapReport>>>,
}

impl Preparation {
    /// Preparation of `db` with these bootstrap options; bootstrap's audit events are chained
    /// with `audit_key`.
    pub fn new(db: Database, options: BootstrapOptions, audit_key: ChainKey) -> Self {
        Self {
            db,
            options,
            audit_key,
            done: Arc::new(Mutex::new(None)),
        }
    }

    /// Migrates and bootstraps unless already done; waits at most `wait` for a connection.
    pub async fn ensure(&self, wait: Duration) -> Result<(), StoreError> {
        let mut done = self.done.lock().await;
        if done.is_some() {
            return Ok(());
        }
        self.db.migrate_within(wait).await?;
        let options = self.options.clone();
        let ctx = AuditContext::system(self.audit_key.clone());
        let at = owp_db::time::now();
        let report = self
            .db
            .run(move |conn| bootstrap(conn, &ctx, &options, at))
            .await
            .map_err(|err| match err {
                IdentityError::Store(store) => store,
                other => StoreError::Internal(format!("bootstrap failed: {other}")),
            })?;
        print_new_secrets(&report);
        *done = Some(report);
        Ok(())
    }

    /// Whether migrations and bootstrap have completed.
    pub async fn is_done(&self) -> bool {
        self.done.lock().await.is_some()
    }

    /// What bootstrap created in this process (secrets included), for tests and `owp seed`.
    pub async fn report(&self) -> Option<BootstrapReport> {
        self.done.lock().await.clone()
    }
}

/// Prints the lines DESIGN §5 names, only for secrets this run created.
fn print_new_secrets(report: &BootstrapReport) {
    if report.password.is_none() && report.api_key.is_none() {
        return;
    }
    println!("BOOTSTRAP_ADMIN_EMAIL={}", report.email);
    if let Some(password) = &report.password {
        println!("BOOTSTRAP_ADMIN_PASSWORD={password}");
    }
    if let Some(key) = &report.api_key {
        println!("BOOTSTRAP_ADMIN_API_KEY={key}");
    }
}
