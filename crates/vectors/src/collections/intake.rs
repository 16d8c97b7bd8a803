//! Uploading straight into a collection: the document is stored and added (its indexing
//! queued) in one transaction, so a refused addition leaves no stray document.

use std::path::PathBuf;

use chrono::NaiveDateTime;
use owp_audit::AuditContext;
use owp_db::Database;
use owp_db::ids::{CollectionId, JobId};
use owp_documents::store::{UploadMeta, UploadOutcome, insert_document, prepare_file};
use owp_rbac::Principal;

use crate::VectorsError;

/// Uploads the file at `path` into `collection`: the collection must be one the caller may
/// write (checked before the file is read), the document is stored as
/// `owp_documents::store::upload_document` would, then added with
/// [`super::add_document`] — both in one transaction. A failed extraction stores the failed
/// document and does not add it (nothing to index); the answer says so by its state.
pub async fn upload_into_collection(
    db: &Database,
    principal: &Principal,
    ctx: &AuditContext,
    meta: UploadMeta,
    path: PathBuf,
    collection: CollectionId,
    at: NaiveDateTime,
) -> Result<(UploadOutcome, Vec<JobId>), VectorsError> {
    let caller = principal.clone();
    db.run(move |conn| {
        let (viewer, found) =
            super::require_readable(conn, &caller, collection).map_err(|err| match err {
                VectorsError::NotFound => {
                    VectorsError::invalid("collection_id", "no such collection")
                }
                other => other,
            })?;
        viewer.require_write(&found.ownership())?;
        Ok::<_, VectorsError>(())
    })
    .await?;
    let prepared = prepare_file(path, meta.file_name.clone())
        .await
        .map_err(documents_error)?;
    let (caller, ctx) = (principal.clone(), ctx.clone());
    db.run(move |conn| {
        owp_db::write_transaction(conn, |conn| {
            let outcome = insert_document(conn, &caller, &ctx, &meta, &prepared, at)
                .map_err(documents_error)?;
            if outcome.document.state != owp_documents::store::DocumentState::Ready {
                return Ok((outcome, Vec::new()));
            }
            let (_, jobs) =
                super::add_document(conn, &caller, &ctx, collection, outcome.document.id, at)?;
            Ok((outcome, jobs))
        })
    })
    .await
}

/// A documents error as this crate's (the same meanings).
pub(crate) fn documents_error(err: owp_documents::DocumentsError) -> VectorsError {
    use owp_documents::DocumentsError;
    match err {
        DocumentsError::UnsupportedType(_) => VectorsError::Unsupported(err.to_string()),
        DocumentsError::Malformed(_) => VectorsError::invalid("file", err.to_string()),
        DocumentsError::Invalid(field, message) => VectorsError::Invalid(field, message),
        DocumentsError::Forbidden(message) => VectorsError::Forbidden(message),
        DocumentsError::NotFound => VectorsError::NotFound,
        DocumentsError::Store(err) => VectorsError::Store(err),
    }
}
