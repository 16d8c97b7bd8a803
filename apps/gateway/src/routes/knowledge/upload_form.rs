//! Reading a `multipart/form-data` upload: the `file` part is streamed to a temporary file and
//! refused with 413 the moment it passes the limit (never buffered whole in memory); the small
//! text parts (`title`, `tags`, `visibility`, `project_id`, `collection_id`) are read bounded.

use std::io::Write;

use actix_multipart::{Field, Multipart};
use actix_web::HttpRequest;
use actix_web::http::header;
use actix_web::web::Payload;
use futures_util::TryStreamExt;
use owp_db::ids::ProjectId;
use owp_documents::store::UploadMeta;
use owp_rbac::visibility::Visibility;
use tempfile::TempPath;

use crate::http::problem::ApiError;

/// Longest text part (a title or a tag list), in bytes.
const MAX_TEXT_PART: usize = 16 * 1024;

/// An upload read from the request: what it says and where its file now is (removed when
/// this value is dropped).
pub struct UploadForm {
    /// Title, tags, placement and the file's name.
    pub meta: UploadMeta,
    /// The streamed file.
    pub file: TempPath,
    /// The `collection_id` part, when given (raw: the collection operation parses it).
    pub collection_id: Option<String>,
}

/// Reads `payload` as a multipart form with at most `max_bytes` of file.
pub async fn read(
    req: &HttpRequest,
    payload: Payload,
    max_bytes: u64,
) -> Result<UploadForm, ApiError> {
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if !content_type
        .to_ascii_lowercase()
        .starts_with("multipart/form-data")
    {
        return Err(ApiError::UnsupportedMediaType(
            "upload a document as multipart/form-data with a \"file\" part".into(),
        ));
    }
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|length| length > max_bytes + MAX_FORM_OVERHEAD) {
        return Err(too_large(max_bytes));
    }
    let mut form = Multipart::new(req.headers(), payload);
    let mut meta = UploadMeta::default();
    let mut file = None;
    let mut collection_id = None;
    let mut visibility = None;
    while let Some(field) = form.try_next().await.map_err(unreadable)? {
        let name = field.name().unwrap_or_default().to_owned();
        match name.as_str() {
            "file" => {
                if file.is_some() {
                    return Err(ApiError::invalid_field("file", "send one file per upload"));
                }
                meta.file_name = field
                    .content_disposition()
                    .and_then(|d| d.get_filename())
                    .unwrap_or_default()
                    .to_owned();
                file = Some(stream_to_disk(field, max_bytes).await?);
            }
            "title" => meta.title = Some(text_part(field, "title").await?),
            "tags" => meta.tags.extend(
                text_part(field, "tags")
                    .await?
                    .split(',')
                    .map(str::to_owned),
            ),
            "visibility" => visibility = Some(text_part(field, "visibility").await?),
            "project_id" => {
                let raw = text_part(field, "project_id").await?;
                meta.project_id =
                    Some(raw.trim().parse::<ProjectId>().map_err(|_| {
                        ApiError::invalid_field("project_id", "must be a project id")
                    })?);
            }
            "collection_id" => collection_id = Some(text_part(field, "collection_id").await?),
            other => {
                return Err(ApiError::invalid_field(
                    other,
                    "unknown part; send file, title, tags, visibility, project_id or collection_id",
                ));
            }
        }
    }
    if let Some(raw) = visibility {
        meta.visibility = Some(Visibility::from_stored(raw.trim()).map_err(|_| {
            ApiError::invalid_field("visibility", "must be private, project or org")
        })?);
    }
    let file = file.ok_or_else(|| ApiError::invalid_field("file", "is required"))?;
    Ok(UploadForm {
        meta,
        file,
        collection_id,
    })
}

/// Room for the form's boundaries, headers and text parts beyond the file itself.
const MAX_FORM_OVERHEAD: u64 = 256 * 1024;

fn too_large(max_bytes: u64) -> ApiError {
    ApiError::PayloadTooLarge(format!(
        "the file exceeds the upload limit of {} MB (UPLOAD_MAX_MB)",
        max_bytes / (1024 * 1024)
    ))
}

fn unreadable(err: actix_multipart::MultipartError) -> ApiError {
    ApiError::BadRequest(format!("could not read the multipart form: {err}"))
}

/// Writes the part to a fresh temporary file, counting bytes; over `max_bytes` it stops
/// reading and answers 413 (the partial file is removed).
async fn stream_to_disk(mut field: Field, max_bytes: u64) -> Result<TempPath, ApiError> {
    let temp = tempfile::NamedTempFile::new()
        .map_err(|e| ApiError::Internal(format!("cannot create a temporary file: {e}")))?;
    let (mut out, path) = temp.into_parts();
    let mut written: u64 = 0;
    while let Some(chunk) = field.try_next().await.map_err(unreadable)? {
        written += chunk.len() as u64;
        if written > max_bytes {
            return Err(too_large(max_bytes));
        }
        out.write_all(&chunk)
            .map_err(|e| ApiError::Internal(format!("cannot store the upload: {e}")))?;
    }
    out.flush()
        .map_err(|e| ApiError::Internal(format!("cannot store the upload: {e}")))?;
    Ok(path)
}

/// A small text part as UTF-8, at most [`MAX_TEXT_PART`] bytes.
async fn text_part(mut field: Field, name: &str) -> Result<String, ApiError> {
    let mut bytes = Vec::new();
    while let Some(chunk) = field.try_next().await.map_err(unreadable)? {
        if bytes.len() + chunk.len() > MAX_TEXT_PART {
            return Err(ApiError::invalid_field(
                name,
                format!("must be at most {MAX_TEXT_PART} bytes"),
            ));
        }
        bytes.extend_from_slice(&chunk);
    }
    String::from_utf8(bytes).map_err(|_| ApiError::invalid_field(name, "must be UTF-8 text"))
}
