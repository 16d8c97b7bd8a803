//! Ingestion throughput (DESIGN §8: extraction + chunking ≥ 5 MB/s of text on one core), per
//! format, on generated documents of a few MB: `cargo bench -p owp-documents --bench
//! extraction`. A plain `main` timed with `Instant` (criterion is not in the vetted set); each
//! case runs a few times and the best run counts, so a busy neighbour on the box skews less.

#[path = "../tests/support/mod.rs"]
#[expect(
    dead_code,
    reason = "the bench builds larger documents than the fixtures"
)]
mod support;

use std::time::{Duration, Instant};

use owp_documents::{ChunkSpec, ChunkStrategy, DocumentKind, chunk_text, extract, extract_guarded};

/// Repetitions per case; the fastest counts.
const RUNS: usize = 3;
/// Paragraphs per generated document (about 4 MB of text).
const PARAGRAPHS: usize = 12_000;
/// Paragraphs under one heading.
const PER_SECTION: usize = 40;

const WORDS: &[&str] = &[
    "the",
    "workshop",
    "keeps",
    "documents",
    "for",
    "retrieval",
    "and",
    "every",
    "chunk",
    "remembers",
    "where",
    "it",
    "came",
    "from",
    "so",
    "citations",
    "can",
    "name",
    "a",
    "page",
    "heading",
    "model",
    "embedding",
    "vector",
    "collection",
    "organisation",
    "upload",
    "text",
    "extraction",
    "budget",
    "überprüfung",
    "naïve",
    "café",
    "data",
    "2026",
    "of",
    "in",
    "is",
];

/// A paragraph of about 330 characters, different for every `seed`.
fn paragraph(seed: usize) -> String {
    let mut state = seed.wrapping_mul(2_654_435_761).wrapping_add(1);
    let mut out = String::new();
    for sentence in 0..4 {
        for word in 0..12 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let w = WORDS[state % WORDS.len()];
            if word > 0 || sentence > 0 {
                out.push(' ');
            }
            out.push_str(w);
        }
        out.push('.');
    }
    out
}

fn documents() -> Vec<(&'static str, DocumentKind, Vec<u8>)> {
    let paragraphs: Vec<String> = (0..PARAGRAPHS).map(paragraph).collect();
    let title = |i: usize| format!("Section {}", i / PER_SECTION + 1);
    let mut txt = String::new();
    let mut md = String::new();
    let mut html = String::from("<!doctype html><html><head><title>Bench</title></head><body>");
    let mut docx = Vec::new();
    for (i, p) in paragraphs.iter().enumerate() {
        if i % PER_SECTION == 0 {
            md.push_str(&format!("## {}\n\n", title(i)));
            html.push_str(&format!("<h2>{}</h2>\n", title(i)));
            docx.push((Some(2), title(i)));
        }
        txt.push_str(p);
        txt.push_str("\n\n");
        md.push_str(p);
        md.push_str("\n\n");
        let (head, tail) = p.split_at(p.find(' ').unwrap_or(0));
        html.push_str(&format!(
            "<p><b>{head}</b>{tail} <a href=\"/d/{i}\">more</a></p>\n"
        ));
        docx.push((None, p.clone()));
    }
    html.push_str("</body></html>");
    // PDF: 12 lines of about 80 characters per paragraph-sized page slice.
    let lines: Vec<String> = paragraphs
        .iter()
        .flat_map(|p| {
            let words: Vec<&str> = p.split(' ').collect();
            words.chunks(12).map(|w| w.join(" ")).collect::<Vec<_>>()
        })
        .collect();
    let pages: Vec<Vec<String>> = lines.chunks(48).map(<[String]>::to_vec).collect();
    vec![
        ("txt", DocumentKind::Text, txt.into_bytes()),
        ("md", DocumentKind::Markdown, md.into_bytes()),
        ("html", DocumentKind::Html, html.into_bytes()),
        ("docx", DocumentKind::Docx, support::docx(&docx)),
        ("pdf", DocumentKind::Pdf, support::pdf(&pages)),
    ]
}

/// The fastest of [`RUNS`] runs of `work`, and its last result.
fn best<T>(mut work: impl FnMut() -> T) -> (Duration, T) {
    let mut fastest = Duration::MAX;
    let mut last = None;
    for _ in 0..RUNS {
        let started = Instant::now();
        let out = work();
        fastest = fastest.min(started.elapsed());
        last = Some(out);
    }
    (fastest, last.expect("RUNS > 0"))
}

fn mb_per_s(bytes: usize, time: Duration) -> f64 {
    bytes as f64 / 1e6 / time.as_secs_f64()
}

fn main() {
    println!("| format | input MB | text MB | extract ms | chunk ms | MB/s of text |");
    println!("|---|---|---|---|---|---|");
    let mut sample = String::new();
    for (name, kind, content) in documents() {
        let (extract_time, out) = best(|| extract(kind, &content).expect("a generated document"));
        let (chunk_time, chunks) =
            best(|| chunk_text(&out.text, &out.sections, ChunkSpec::DEFAULT));
        assert!(!chunks.is_empty());
        println!(
            "| {name} | {:.1} | {:.1} | {:.0} | {:.0} | {:.1} |",
            content.len() as f64 / 1e6,
            out.text.len() as f64 / 1e6,
            extract_time.as_secs_f64() * 1e3,
            chunk_time.as_secs_f64() * 1e3,
            mb_per_s(out.text.len(), extract_time + chunk_time),
        );
        if kind == DocumentKind::Markdown {
            sample = out.text;
        }
        if kind == DocumentKind::Pdf {
            let started = Instant::now();
            extract_guarded(kind, content, Duration::from_secs(60)).expect("guarded");
            println!(
                "| pdf, guarded (own thread) | | | {:.0} | | |",
                started.elapsed().as_secs_f64() * 1e3
            );
        }
    }
    println!();
    println!("| strategy (on the md text) | chunks | ms | MB/s |");
    println!("|---|---|---|---|");
    for (strategy, size, overlap) in [
        (ChunkStrategy::Characters, 1000, 100),
        (ChunkStrategy::Tokens, 256, 32),
        (ChunkStrategy::Markdown, 1000, 100),
    ] {
        let spec = ChunkSpec {
            strategy,
            size,
            overlap,
        };
        let (time, chunks) = best(|| chunk_text(&sample, &[], spec));
        println!(
            "| {strategy:?} {size}/{overlap} | {} | {:.0} | {:.1} |",
            chunks.len(),
            time.as_secs_f64() * 1e3,
            mb_per_s(sample.len(), time),
        );
    }
}
