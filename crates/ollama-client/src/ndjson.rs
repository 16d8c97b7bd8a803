//! Turning Ollama's NDJSON bodies into typed items as the bytes arrive.
//!
//! Unlike `ollama-rs`'s streams, a line split across network chunks is reassembled, an
//! `{"error": ...}` line becomes an error item, and a stream that breaks off (or ends without
//! its final object) ends with an [`OllamaError::Interrupted`] item instead of just stopping.

use bytes::{Bytes, BytesMut};
use futures_util::StreamExt;
use futures_util::stream::{self, BoxStream};
use ollama_rs::models::pull::PullModelStatus;
use serde::de::DeserializeOwned;

use crate::error::{ErrorBody, OllamaError, Result};
use crate::types::{ChatChunk, GenerateChunk};

/// An item of an NDJSON stream that knows whether it is the last one.
pub(crate) trait StreamItem: DeserializeOwned + Send + 'static {
    /// True for the object that closes the stream.
    fn is_final(&self) -> bool;
}

impl StreamItem for ChatChunk {
    fn is_final(&self) -> bool {
        self.done
    }
}

impl StreamItem for GenerateChunk {
    fn is_final(&self) -> bool {
        self.done
    }
}

impl StreamItem for PullModelStatus {
    fn is_final(&self) -> bool {
        self.message == "success"
    }
}

/// Accumulates body bytes and hands out complete, non-blank lines.
#[derive(Default)]
pub(crate) struct LineBuffer {
    buf: BytesMut,
    /// Bytes at the start of `buf` already known to hold no newline.
    scanned: usize,
}

impl LineBuffer {
    /// Appends a chunk of body bytes.
    pub(crate) fn push(&mut self, chunk: &[u8]) {
        self.buf.extend_from_slice(chunk);
    }

    /// Terminates a trailing line that lacks its newline, once the body has ended.
    pub(crate) fn finish(&mut self) {
        if !self.buf.is_empty() && !self.buf.ends_with(b"\n") {
            self.buf.extend_from_slice(b"\n");
        }
    }

    /// The next complete line without its line ending, skipping blank lines.
    pub(crate) fn next_line(&mut self) -> Option<Bytes> {
        loop {
            let offset = self.buf[self.scanned..].iter().position(|&b| b == b'\n');
            let Some(offset) = offset else {
                self.scanned = self.buf.len();
                return None;
            };
            let line = self.buf.split_to(self.scanned + offset + 1).freeze();
            self.scanned = 0;
            let trimmed = line.trim_ascii();
            if !trimmed.is_empty() {
                return Some(line.slice_ref(trimmed));
            }
        }
    }
}

/// Parses one line into `T`, or into the error Ollama reported on that line.
pub(crate) fn parse_line<T: DeserializeOwned>(line: &[u8], status: u16) -> Result<T> {
    serde_json::from_slice::<T>(line).map_err(|err| {
        match serde_json::from_slice::<ErrorBody>(line) {
            Ok(body) => OllamaError::Upstream {
                status,
                message: body.error,
            },
            Err(_) => OllamaError::Malformed(format!(
                "{err} in line {:?}",
                String::from_utf8_lossy(&line[..line.len().min(200)])
            )),
        }
    })
}

struct Decoder {
    body: BoxStream<'static, reqwest::Result<Bytes>>,
    lines: LineBuffer,
    status: u16,
    eof: bool,
    finished: bool,
}

impl Decoder {
    async fn next_item<T: StreamItem>(&mut self) -> Result<T> {
        loop {
            if let Some(line) = self.lines.next_line() {
                let item = parse_line::<T>(&line, self.status);
                self.finished = item.as_ref().map_or(true, StreamItem::is_final);
                return item;
            }
            if self.eof {
                self.finished = true;
                return Err(OllamaError::Interrupted(
                    "the stream ended before its final message".to_owned(),
                ));
            }
            match self.body.next().await {
                Some(Ok(chunk)) => self.lines.push(&chunk),
                Some(Err(err)) => {
                    self.finished = true;
                    return Err(OllamaError::from_reqwest(&err));
                }
                None => {
                    self.eof = true;
                    self.lines.finish();
                }
            }
        }
    }
}

/// Decodes a successful streaming response into items; the stream ends after the final item
/// or after the first error item.
pub(crate) fn decode<T: StreamItem>(response: reqwest::Response) -> BoxStream<'static, Result<T>> {
    let decoder = Decoder {
        status: response.status().as_u16(),
        body: response.bytes_stream().boxed(),
        lines: LineBuffer::default(),
        eof: false,
        finished: false,
    };
    stream::unfold(decoder, |mut decoder| async move {
        if decoder.finished {
            return None;
        }
        let item = decoder.next_item::<T>().await;
        Some((item, decoder))
    })
    .boxed()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn drain(buffer: &mut LineBuffer) -> Vec<String> {
        std::iter::from_fn(|| buffer.next_line())
            .map(|line| String::from_utf8(line.to_vec()).unwrap())
            .collect()
    }

    #[test]
    fn lines_split_across_chunks_are_reassembled() {
        let mut buffer = LineBuffer::default();
        buffer.push(b"{\"a\":");
        assert!(drain(&mut buffer).is_empty());
        buffer.push(b"1}\n{\"b\"");
        assert_eq!(drain(&mut buffer), vec![r#"{"a":1}"#]);
        buffer.push(b":2}\r\n\n  \n{\"c\":3}\n");
        assert_eq!(drain(&mut buffer), vec![r#"{"b":2}"#, r#"{"c":3}"#]);
    }

    #[test]
    fn trailing_line_without_newline_is_released_by_finish() {
        let mut buffer = LineBuffer::default();
        buffer.push(b"{\"a\":1}\n{\"b\":2}");
        assert_eq!(drain(&mut buffer), vec![r#"{"a":1}"#]);
        buffer.finish();
        assert_eq!(drain(&mut buffer), vec![r#"{"b":2}"#]);
    }

    #[test]
    fn error_line_becomes_upstream_error() {
        let err = parse_line::<ChatChunk>(br#"{"error":"runner crashed"}"#, 200).unwrap_err();
        assert!(
            matches!(err, OllamaError::Upstream { status: 200, ref message } if message == "runner crashed")
        );
    }

    #[test]
    fn garbage_line_is_malformed() {
        let err = parse_line::<ChatChunk>(b"<html>", 200).unwrap_err();
        assert!(matches!(err, OllamaError::Malformed(ref m) if m.contains("<html>")));
    }

    #[test]
    fn final_markers() {
        let pull: PullModelStatus = parse_line(br#"{"status":"success"}"#, 200).unwrap();
        assert!(pull.is_final());
        let pull: PullModelStatus = parse_line(br#"{"status":"pulling manifest"}"#, 200).unwrap();
        assert!(!pull.is_final());
        let chunk: GenerateChunk = parse_line(
            br#"{"model":"m","created_at":"t","response":"x","done":false}"#,
            200,
        )
        .unwrap();
        assert!(!chunk.is_final());
    }
}
