//! [`Indexes`]: the vector indexes of a process, one per backend, chosen by a collection's
//! `backend`. Built once at start and shared by every request and the job runner, so the
//! builtin index's in-process copies serve everyone.

use std::sync::Arc;

use crate::{BuiltinIndex, IndexBackend, VectorIndex, VectorsError};

/// The indexes this process serves.
#[derive(Clone)]
pub struct Indexes {
    builtin: Arc<BuiltinIndex>,
    pgvector: Option<Arc<dyn VectorIndex>>,
}

impl Indexes {
    /// The builtin index, and the pgvector one when this server offers it.
    pub fn new(builtin: BuiltinIndex, pgvector: Option<Arc<dyn VectorIndex>>) -> Self {
        Self {
            builtin: Arc::new(builtin),
            pgvector,
        }
    }

    /// The index serving `backend`; `pgvector` on a server without it is 422.
    pub fn get(&self, backend: IndexBackend) -> Result<&dyn VectorIndex, VectorsError> {
        match backend {
            IndexBackend::Builtin => Ok(self.builtin.as_ref()),
            IndexBackend::Pgvector => self.pgvector.as_deref().ok_or_else(|| {
                VectorsError::invalid(
                    "backend",
                    "pgvector needs PostgreSQL with the vector extension; use builtin on this server",
                )
            }),
        }
    }
}
