//! Extraction of an upload on its own thread, under `catch_unwind` and a time limit: PDF
//! parsing (pdf-extract, lopdf) can panic or loop on a hostile or broken file, and that file
//! must fail alone — as [`DocumentsError::Malformed`] with a reason — while the server goes on.

use std::panic::{self, AssertUnwindSafe};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use super::{Extracted, extract, panic_reason};
use crate::{DocumentKind, DocumentsError};

/// Stack of the extraction thread: parsers recurse over nested objects, and a stack overflow
/// aborts the whole process (it cannot be caught), so the thread gets far more than the 2 MiB
/// default. Only the pages touched are committed.
const STACK_BYTES: usize = 64 << 20;

/// Extracts `content` (sniffed as `kind`) on a new thread and waits at most `limit`.
///
/// - a panic in the parser becomes `Malformed("the PDF could not be parsed: …")` (the format's
///   [`DocumentKind::label`] and the panic's message); the default panic hook still prints it
///   to stderr, as any panic;
/// - no result within `limit` becomes `Malformed("extraction took longer than N s")`. The
///   thread is then **left running**: a Rust thread cannot be killed from outside, so it
///   finishes (or spins) on its own, holding `content` until it returns; its result is
///   dropped. Keep `limit` generous enough that only pathological files reach it.
///
/// Blocks the caller for up to `limit`: async callers run it in their blocking pool
/// (`tokio::task::spawn_blocking`). `content` is any owned byte buffer (`Vec<u8>`,
/// `Arc<[u8]>`, …) because the thread may outlive the call.
pub fn extract_guarded<C>(
    kind: DocumentKind,
    content: C,
    limit: Duration,
) -> Result<Extracted, DocumentsError>
where
    C: AsRef<[u8]> + Send + 'static,
{
    run(kind.label(), limit, move || extract(kind, content.as_ref()))
}

/// Runs `work` on its own thread under `catch_unwind` and waits at most `limit`; `label` names
/// the format in the reasons.
fn run<W>(label: &str, limit: Duration, work: W) -> Result<Extracted, DocumentsError>
where
    W: FnOnce() -> Result<Extracted, DocumentsError> + Send + 'static,
{
    let (sender, receiver) = mpsc::sync_channel(1);
    thread::Builder::new()
        .name("owp-extract".into())
        .stack_size(STACK_BYTES)
        .spawn(move || {
            let outcome = panic::catch_unwind(AssertUnwindSafe(work));
            // After a timeout nobody listens any more: the result is dropped.
            drop(sender.send(outcome));
        })
        .map_err(|err| {
            DocumentsError::Malformed(format!("the extraction could not start: {err}"))
        })?;
    match receiver.recv_timeout(limit) {
        Ok(Ok(result)) => result,
        Ok(Err(payload)) => Err(DocumentsError::Malformed(format!(
            "the {label} could not be parsed: {}",
            panic_reason(payload.as_ref())
        ))),
        Err(mpsc::RecvTimeoutError::Timeout) => Err(DocumentsError::Malformed(format!(
            "extraction took longer than {} s",
            limit.as_secs_f64()
        ))),
        Err(mpsc::RecvTimeoutError::Disconnected) => Err(DocumentsError::Malformed(format!(
            "the {label} could not be parsed: the extraction stopped without a result"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_is_malformed_with_its_message() {
        let err = run("PDF", Duration::from_secs(10), || panic!("bad xref {}", 7)).unwrap_err();
        assert_eq!(
            err,
            DocumentsError::Malformed("the PDF could not be parsed: bad xref 7".into())
        );
        let err = run("DOCX", Duration::from_secs(10), || {
            std::panic::panic_any(3_u8)
        });
        assert_eq!(
            err,
            Err(DocumentsError::Malformed(
                "the DOCX could not be parsed: the parser failed".into()
            ))
        );
    }

    #[test]
    fn a_loop_past_the_limit_is_malformed_and_the_caller_returns() {
        let started = std::time::Instant::now();
        let err = run("PDF", Duration::from_millis(50), || {
            thread::sleep(Duration::from_secs(3));
            Ok(Extracted::default())
        });
        assert_eq!(
            err,
            Err(DocumentsError::Malformed(
                "extraction took longer than 0.05 s".into()
            ))
        );
        assert!(started.elapsed() < Duration::from_secs(2));
        let whole = run("PDF", Duration::from_secs(2), || Ok(Extracted::default()));
        assert_eq!(whole, Ok(Extracted::default()));
    }
}
