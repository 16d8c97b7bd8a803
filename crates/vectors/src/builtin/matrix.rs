//! One generation held in memory: every vector in one contiguous `Vec<f32>` (row-major, rows
//! grouped by document), so a search is a linear scan the CPU prefetches, and a document
//! allow-list becomes a few row ranges instead of a test per row.

use std::collections::HashMap;
use std::ops::Range;

use owp_db::ids::{ChunkId, DocumentId};

use crate::error::VectorsError;
use crate::index::Hit;
use crate::topk::TopK;
use crate::vector::{self, Distance};

/// Below this many rows a scan stays on the calling thread: splitting costs more than it saves.
const PARALLEL_MIN_ROWS: usize = 16_384;

/// A generation's vectors at one revision; immutable once built, shared as `Arc<Matrix>`.
#[derive(Debug)]
pub(crate) struct Matrix {
    /// The revision these rows were read at (or later: rows are read after the revision).
    pub(crate) revision: i64,
    /// Components per row (0 when the generation is empty).
    pub(crate) dimensions: usize,
    /// `rows × dimensions` components.
    data: Vec<f32>,
    /// The chunk of each row.
    chunks: Vec<ChunkId>,
    /// Each document's rows (contiguous, as loaded in document order).
    documents: HashMap<DocumentId, Range<usize>>,
    /// The first row of each document, ascending, to find a row's document by binary search.
    starts: Vec<(usize, DocumentId)>,
}

/// Accumulates rows in document order while they stream out of the database.
#[derive(Debug)]
pub(crate) struct MatrixBuilder {
    matrix: Matrix,
    current: Option<(DocumentId, usize)>,
}

impl MatrixBuilder {
    /// An empty matrix labelled with the revision read before its rows.
    pub(crate) fn new(revision: i64) -> Self {
        Self {
            matrix: Matrix {
                revision,
                dimensions: 0,
                data: Vec::new(),
                chunks: Vec::new(),
                documents: HashMap::new(),
                starts: Vec::new(),
            },
            current: None,
        }
    }

    /// Appends a row; rows of one document must come together (the load orders by document).
    pub(crate) fn push(
        &mut self,
        chunk: ChunkId,
        document: DocumentId,
        blob: &[u8],
    ) -> Result<(), VectorsError> {
        let m = &mut self.matrix;
        let before = m.data.len();
        vector::decode_into(blob, &mut m.data)?;
        let width = m.data.len() - before;
        if m.chunks.is_empty() {
            m.dimensions = width;
        } else if width != m.dimensions {
            return Err(VectorsError::MalformedVector { bytes: blob.len() });
        }
        let row = m.chunks.len();
        m.chunks.push(chunk);
        match self.current {
            Some((doc, _)) if doc == document => {}
            _ => {
                self.close_document(row);
                self.current = Some((document, row));
            }
        }
        Ok(())
    }

    fn close_document(&mut self, end: usize) {
        if let Some((doc, start)) = self.current.take() {
            self.matrix.documents.insert(doc, start..end);
            self.matrix.starts.push((start, doc));
        }
    }

    /// The finished matrix.
    pub(crate) fn finish(mut self) -> Matrix {
        self.close_document(self.matrix.chunks.len());
        self.matrix.data.shrink_to_fit();
        self.matrix.chunks.shrink_to_fit();
        self.matrix
    }
}

impl Matrix {
    /// Rows held.
    pub(crate) fn rows(&self) -> usize {
        self.chunks.len()
    }

    /// Memory held, the figure the cache's byte budget counts.
    pub(crate) fn bytes(&self) -> usize {
        let per_document =
            2 * size_of::<DocumentId>() + size_of::<Range<usize>>() + 2 * size_of::<usize>();
        self.data.capacity() * size_of::<f32>()
            + self.chunks.capacity() * size_of::<ChunkId>()
            + self.documents.capacity().max(self.starts.capacity()) * per_document
            + size_of::<Self>()
    }

    /// The row ranges to scan: everything, or the allowed documents' rows (merged when adjacent).
    fn ranges(&self, allowed: Option<&[DocumentId]>) -> Vec<Range<usize>> {
        let Some(allowed) = allowed else {
            return std::iter::once(0..self.rows()).collect();
        };
        let mut ranges: Vec<Range<usize>> = allowed
            .iter()
            .filter_map(|doc| self.documents.get(doc).cloned())
            .collect();
        ranges.sort_by_key(|r| r.start);
        ranges.dedup();
        let mut merged: Vec<Range<usize>> = Vec::with_capacity(ranges.len());
        for range in ranges {
            match merged.last_mut() {
                Some(last) if last.end == range.start => last.end = range.end,
                _ => merged.push(range),
            }
        }
        merged
    }

    /// The document of a row: the last document starting at or before it.
    fn document_of(&self, row: usize) -> Option<DocumentId> {
        let after = self.starts.partition_point(|(start, _)| *start <= row);
        self.starts.get(after.checked_sub(1)?).map(|(_, doc)| *doc)
    }

    /// Exact top-`k` of a prepared query over the allowed rows, best first. Large scans are split
    /// over `threads` scoped threads (each with its own top-k, merged at the end).
    pub(crate) fn search(
        &self,
        query: &[f32],
        k: usize,
        distance: Distance,
        allowed: Option<&[DocumentId]>,
        threads: usize,
    ) -> Vec<Hit> {
        let ranges = self.ranges(allowed);
        let total: usize = ranges.iter().map(ExactSizeIterator::len).sum();
        let top = if threads <= 1 || total < PARALLEL_MIN_ROWS {
            self.scan(query, k, distance, &ranges)
        } else {
            let parts = split(&ranges, threads);
            std::thread::scope(|scope| {
                let handles: Vec<_> = parts
                    .iter()
                    .skip(1)
                    .map(|part| scope.spawn(|| self.scan(query, k, distance, part)))
                    .collect();
                let mut top = self.scan(query, k, distance, &parts[0]);
                for handle in handles {
                    match handle.join() {
                        Ok(part) => top.merge(part),
                        Err(panic) => std::panic::resume_unwind(panic),
                    }
                }
                top
            })
        };
        top.into_sorted()
            .into_iter()
            .filter_map(|(score, row)| self.hit(row as usize, score))
            .collect()
    }

    fn scan(&self, query: &[f32], k: usize, distance: Distance, ranges: &[Range<usize>]) -> TopK {
        let mut top = TopK::new(k);
        let dim = self.dimensions;
        for range in ranges {
            let rows = &self.data[range.start * dim..range.end * dim];
            for (offset, stored) in rows.chunks_exact(dim).enumerate() {
                let score = vector::score(distance, query, stored);
                // Rows fit in u32: the loader refuses more (see `BuiltinIndex`).
                top.push(score, (range.start + offset) as u32);
            }
        }
        top
    }

    fn hit(&self, row: usize, score: f32) -> Option<Hit> {
        Some(Hit {
            chunk_id: *self.chunks.get(row)?,
            document_id: self.document_of(row)?,
            score,
        })
    }

    /// Scores of a prepared query against the named chunks of their documents (those held).
    pub(crate) fn score(
        &self,
        query: &[f32],
        distance: Distance,
        chunks: &[(ChunkId, DocumentId)],
    ) -> Vec<Hit> {
        let dim = self.dimensions;
        chunks
            .iter()
            .filter_map(|(chunk, doc)| {
                let range = self.documents.get(doc)?;
                let row = range.clone().find(|row| self.chunks[*row] == *chunk)?;
                let stored = &self.data[row * dim..(row + 1) * dim];
                Some(Hit {
                    chunk_id: *chunk,
                    document_id: *doc,
                    score: vector::score(distance, query, stored),
                })
            })
            .collect()
    }
}

/// Cuts row ranges into `parts` pieces of about equal rows.
fn split(ranges: &[Range<usize>], parts: usize) -> Vec<Vec<Range<usize>>> {
    let total: usize = ranges.iter().map(ExactSizeIterator::len).sum();
    let share = total.div_ceil(parts.max(1)).max(1);
    let mut out: Vec<Vec<Range<usize>>> = vec![Vec::new()];
    let mut room = share;
    for range in ranges {
        let mut start = range.start;
        while start < range.end {
            if room == 0 {
                out.push(Vec::new());
                room = share;
            }
            let end = range.end.min(start + room);
            if let Some(last) = out.last_mut() {
                last.push(start..end);
            }
            room -= end - start;
            start = end;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matrix(docs: &[(DocumentId, &[[f32; 2]])]) -> (Matrix, Vec<ChunkId>) {
        let mut builder = MatrixBuilder::new(7);
        let mut ids = Vec::new();
        for (doc, rows) in docs {
            for row in *rows {
                let chunk = ChunkId::new();
                ids.push(chunk);
                builder.push(chunk, *doc, &vector::encode(row)).unwrap();
            }
        }
        (builder.finish(), ids)
    }

    #[test]
    fn scans_all_rows_or_the_allowed_documents_only() {
        let (a, b) = (DocumentId::new(), DocumentId::new());
        let (m, ids) = matrix(&[(a, &[[1.0, 0.0], [0.0, 1.0]]), (b, &[[0.9, 0.1]])]);
        assert_eq!((m.rows(), m.dimensions, m.revision), (3, 2, 7));
        let all = m.search(&[1.0, 0.0], 2, Distance::Dot, None, 1);
        assert_eq!(
            all.iter().map(|h| h.chunk_id).collect::<Vec<_>>(),
            vec![ids[0], ids[2]]
        );
        assert_eq!(all[1].document_id, b);
        let only_b = m.search(&[1.0, 0.0], 5, Distance::Dot, Some(&[b]), 1);
        assert_eq!(only_b.len(), 1);
        assert_eq!(only_b[0].chunk_id, ids[2]);
        assert!(
            m.search(&[1.0, 0.0], 5, Distance::Dot, Some(&[]), 1)
                .is_empty()
        );
        let scored = m.score(&[1.0, 0.0], Distance::L2, &[(ids[1], a), (ids[1], b)]);
        assert_eq!(scored.len(), 1);
        assert!((scored[0].score + 2.0_f32.sqrt()).abs() < 1e-6);
    }

    #[test]
    fn parallel_scans_agree_with_one_thread() {
        let docs: Vec<DocumentId> = (0..50).map(|_| DocumentId::new()).collect();
        let mut builder = MatrixBuilder::new(1);
        for i in 0..20_000_u32 {
            let v = [(i as f32 * 0.7).sin(), (i as f32 * 1.3).cos()];
            builder
                .push(
                    ChunkId::new(),
                    docs[(i / 400) as usize],
                    &vector::encode(&v),
                )
                .unwrap();
        }
        let m = builder.finish();
        for allowed in [None, Some(&docs[3..40])] {
            let one = m.search(&[0.3, 0.7], 10, Distance::Cosine, allowed, 1);
            let two = m.search(&[0.3, 0.7], 10, Distance::Cosine, allowed, 2);
            assert_eq!(one, two);
            assert_eq!(one.len(), 10);
        }
    }

    #[test]
    fn splits_ranges_evenly_and_refuses_ragged_rows() {
        let parts = split(&[0..5, 10..13], 3);
        assert_eq!(parts, vec![vec![0..3], vec![3..5, 10..11], vec![11..13]]);
        let mut builder = MatrixBuilder::new(1);
        builder
            .push(
                ChunkId::new(),
                DocumentId::new(),
                &vector::encode(&[1.0, 2.0]),
            )
            .unwrap();
        let ragged = builder.push(ChunkId::new(), DocumentId::new(), &vector::encode(&[1.0]));
        assert_eq!(ragged, Err(VectorsError::MalformedVector { bytes: 4 }));
    }
}
