//! [`JobRunner`]: the background workers of a replica. Each claims a job, cuts the document
//! into the generation's chunks, embeds them in batches through Ollama and indexes each batch
//! with its progress; a bounded number of workers bounds the embedding calls in flight.

use std::sync::Arc;
use std::time::Duration;

use owp_db::Database;
use owp_db::time::Clock;
use owp_ollama_client::OllamaClient;
use owp_ollama_client::OllamaError;
use owp_ollama_client::ollama_rs::generation::embeddings::request::GenerateEmbeddingsRequest;
use tokio::sync::Notify;

use super::lease::{Claim, claim_next, finish, record_batch, release};
use crate::index::NewVector;
use crate::{Indexes, VectorsError};

/// How the workers of a replica behave.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunnerSettings {
    /// Texts per embedding call (`EMBED_BATCH_SIZE`).
    pub batch_size: usize,
    /// Workers, so embedding calls in flight (`JOB_WORKERS`).
    pub workers: usize,
    /// How long a claim holds without renewal (renewed every batch).
    pub lease: Duration,
    /// How often idle workers look for jobs queued by other replicas or left by crashed ones.
    pub poll: Duration,
    /// How long a job waits after Ollama could not be reached.
    pub retry_after: Duration,
}

impl Default for RunnerSettings {
    fn default() -> Self {
        Self {
            batch_size: 16,
            workers: 2,
            lease: Duration::from_secs(60),
            poll: Duration::from_secs(2),
            retry_after: Duration::from_secs(15),
        }
    }
}

/// The job workers of this replica.
#[derive(Clone)]
pub struct JobRunner {
    db: Database,
    ollama: OllamaClient,
    indexes: Indexes,
    owner: Arc<str>,
    settings: RunnerSettings,
    wake: Arc<Notify>,
    clock: Clock,
}

impl JobRunner {
    /// Workers named `owner` in leases (unique per process, e.g. host + random).
    pub fn new(
        db: Database,
        ollama: OllamaClient,
        indexes: Indexes,
        owner: &str,
        settings: RunnerSettings,
        clock: Clock,
    ) -> Self {
        Self {
            db,
            ollama,
            indexes,
            owner: owner.into(),
            settings,
            wake: Arc::new(Notify::new()),
            clock,
        }
    }

    /// Wakes an idle worker at once (a job was just queued here), instead of at its next poll.
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// Starts the workers on the current tokio runtime; they run until the runtime stops.
    pub fn spawn(&self) {
        for _ in 0..self.settings.workers.max(1) {
            let runner = self.clone();
            tokio::spawn(async move { runner.work().await });
        }
    }

    async fn work(&self) {
        loop {
            match self.run_one().await {
                Ok(true) => continue,
                Ok(false) => {}
                Err(err) => tracing::warn!(error = %err, "ingestion job step failed"),
            }
            tokio::select! {
                () = self.wake.notified() => {}
                () = tokio::time::sleep(self.settings.poll) => {}
            }
        }
    }

    /// Claims one job and works it to its end (or until its lease is lost). `Ok(false)`: there
    /// was nothing to do.
    pub async fn run_one(&self) -> Result<bool, VectorsError> {
        if !self.db.schema_ready() {
            return Ok(false);
        }
        let owner = self.owner.clone();
        let lease = lease_of(self.settings.lease);
        let at = (self.clock)();
        let claimed = self
            .db
            .run(move |conn| claim_next(conn, &owner, lease, at))
            .await?;
        let Some(claim) = claimed else {
            return Ok(false);
        };
        tracing::info!(job = %claim.job, document = %claim.document, attempt = claim.attempts, "ingestion job started");
        match self.index(&claim).await {
            Ok(true) => self.end(&claim, Ok(())).await?,
            Ok(false) => {
                tracing::warn!(job = %claim.job, "ingestion job lease lost; another replica continues")
            }
            Err(Failure::Retry(cause)) => {
                tracing::warn!(job = %claim.job, %cause, "Ollama unreachable; ingestion job put back");
                let (owner, at) = (self.owner.clone(), (self.clock)());
                let retry = lease_of(self.settings.retry_after);
                let claim = claim.clone();
                self.db
                    .run(move |conn| release(conn, &claim, &owner, retry, at))
                    .await?;
            }
            Err(Failure::Fatal(reason)) => self.end(&claim, Err(reason)).await?,
            Err(Failure::Store(err)) => return Err(err),
        }
        Ok(true)
    }

    async fn end(&self, claim: &Claim, outcome: Result<(), String>) -> Result<(), VectorsError> {
        let (owner, at, claim) = (self.owner.clone(), (self.clock)(), claim.clone());
        self.db
            .run(move |conn| finish(conn, &claim, &owner, outcome, at))
            .await
    }

    /// Chunks, embeds and indexes the rest of the job's document. `Ok(false)`: the lease was
    /// lost on the way.
    async fn index(&self, claim: &Claim) -> Result<bool, Failure> {
        let (document, spec) = (claim.document, claim.chunking);
        let chunks = self
            .db
            .run(move |conn| {
                owp_documents::store::ensure_chunks(conn, document, spec)
                    .map_err(|e| VectorsError::Invalid("document".into(), e.to_string()))
            })
            .await?;
        let total = i64::try_from(chunks.len()).unwrap_or(i64::MAX);
        let mut done = claim.done.clamp(0, total);
        if !self
            .record(claim, Vec::new(), Vec::new(), done, total)
            .await?
        {
            return Ok(false);
        }
        let start = usize::try_from(done).unwrap_or(0);
        for batch in chunks[start..].chunks(self.settings.batch_size.max(1)) {
            let texts: Vec<String> = batch.iter().map(|c| c.text.clone()).collect();
            let request = GenerateEmbeddingsRequest::new(claim.model.clone(), texts.into());
            let embedded = self.ollama.embed(&request).await.map_err(Failure::from)?;
            if embedded.embeddings.len() != batch.len() {
                return Err(Failure::Fatal(format!(
                    "Ollama returned {} embeddings for {} texts",
                    embedded.embeddings.len(),
                    batch.len()
                )));
            }
            done += i64::try_from(batch.len()).unwrap_or(i64::MAX);
            let ids = batch.iter().map(|c| (c.id, c.document_id)).collect();
            if !self
                .record(claim, ids, embedded.embeddings, done, total)
                .await?
            {
                return Ok(false);
            }
        }
        Ok(true)
    }

    async fn record(
        &self,
        claim: &Claim,
        ids: Vec<(owp_db::ids::ChunkId, owp_db::ids::DocumentId)>,
        embeddings: Vec<Vec<f32>>,
        done: i64,
        total: i64,
    ) -> Result<bool, Failure> {
        let (owner, at, claim) = (self.owner.clone(), (self.clock)(), claim.clone());
        let indexes = self.indexes.clone();
        let lease = lease_of(self.settings.lease);
        let kept = self
            .db
            .run(move |conn| {
                let vectors: Vec<NewVector<'_>> = ids
                    .iter()
                    .zip(&embeddings)
                    .map(|((chunk_id, document_id), vector)| NewVector {
                        chunk_id: *chunk_id,
                        document_id: *document_id,
                        vector,
                    })
                    .collect();
                record_batch(
                    conn, &indexes, &claim, &owner, &vectors, done, total, lease, at,
                )
            })
            .await;
        match kept {
            Ok(kept) => Ok(kept),
            Err(VectorsError::Store(err)) => Err(Failure::Store(VectorsError::Store(err))),
            Err(other) => Err(Failure::Fatal(other.to_string())),
        }
    }
}

fn lease_of(duration: Duration) -> chrono::Duration {
    chrono::Duration::from_std(duration).unwrap_or(chrono::Duration::seconds(60))
}

/// Why a job step stopped.
enum Failure {
    /// Ollama cannot be reached or timed out: put the job back for later.
    Retry(String),
    /// The job cannot succeed (model missing, document unreadable): fail it with the reason.
    Fatal(String),
    /// The database failed: leave the job to its lease (another attempt takes it over).
    Store(VectorsError),
}

impl From<OllamaError> for Failure {
    fn from(err: OllamaError) -> Self {
        match err {
            OllamaError::Unreachable(_) | OllamaError::Timeout => Failure::Retry(err.to_string()),
            OllamaError::ModelNotFound { model } => Failure::Fatal(format!(
                "the embedding model {model:?} is not installed in Ollama"
            )),
            other => Failure::Fatal(format!("embedding failed: {other}")),
        }
    }
}

impl From<VectorsError> for Failure {
    fn from(err: VectorsError) -> Self {
        match err {
            VectorsError::Store(_) => Failure::Store(err),
            other => Failure::Fatal(other.to_string()),
        }
    }
}
