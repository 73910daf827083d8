//! The bulk half of the ledger: how a batch writes millions of movements.
//!
//! Movements are checked in input order by the ledger (`ops::ledger`)
//! but written a chunk at a time. While the ledger keeps its indexes, a chunk
//! is written sorted by (product, warehouse), so the pair index is filled
//! front to back instead of at random places — the difference between one
//! page write per movement and one per page; within a pair, ids still follow
//! input order. On the bulk path (no index to fill) ids follow the input.
//!
//! One rule decides the bulk path for every input, file or pipe alike: when a
//! chunk is about to be written, a batch that has reached
//! `max(BULK_MIN_ROWS, movements already in the ledger)` drops the ledger's
//! secondary indexes inside its transaction and builds them again (sorted,
//! bottom-up) before commit, which is what bulk loaders do and far cheaper
//! than millions of index insertions; the sort runs on two threads in a
//! smaller page cache. A failure or a kill rolls the drop back with
//! everything else. The rule needs no input size, so it cannot be fooled by a
//! pipe, and a batch smaller than a chunk is decided on its exact count.

use super::movement::Entry;
use super::progress::{Phase, Progress};
use crate::error::{Error, Kind, Result};
use crate::model::{ProductId, Reason, Timestamp, WarehouseId};
use crate::store::Tx;
use crate::store::ledger::{self as stored, DroppedIndexes, NewMovement};

// The tuning knobs of a batch, all of them.

/// Movements checked and held before they are written sorted by pair.
pub(crate) const CHUNK: usize = 500_000;
/// A batch smaller than this never rebuilds the ledger's indexes.
const BULK_MIN_ROWS: u64 = 200_000;
// The page caches, insert sizes and sort threads of each engine's bulk
// writer live beside it in the store (`sqlite/bulk.rs`, `postgres/bulk.rs`).

/// A buffered movement's note and reference.
type NoteAndReference = (Option<Box<str>>, Option<Box<str>>);

/// A checked movement waiting to be inserted, kept small (56 bytes: a chunk
/// is 28 MB) so a chunk fits in little memory: the rare note and reference
/// live in a side table.
#[derive(Debug)]
struct Pending {
    product: ProductId,
    warehouse: WarehouseId,
    delta: i64,
    occurred_at: Timestamp,
    bundle: Option<ProductId>,
    /// 1-based index into `Loader::texts`, 0 for none.
    texts: u32,
    reason: Reason,
}

const _: () = assert!(std::mem::size_of::<Pending>() <= 56);

/// Where buffered movements go, and what every movement of the transaction shares.
pub(crate) struct Sink<'a, 'c> {
    pub conn: &'c Tx<'c>,
    pub actor: &'a str,
    pub now: Timestamp,
}

/// Buffers checked movements and writes them a chunk at a time; see the module docs.
#[derive(Debug)]
pub(crate) struct Loader {
    buffer: Vec<Pending>,
    texts: Vec<NoteAndReference>,
    /// Movements in the ledger before this batch.
    existing: u64,
    /// Movements checked so far.
    seen: u64,
    /// Movements written so far.
    written: u64,
    /// The dropped indexes, once the bulk path is taken.
    rebuild: Option<DroppedIndexes>,
}

impl Loader {
    /// A loader for a ledger that holds `existing` movements.
    pub fn new(existing: u64) -> Self {
        Self {
            buffer: Vec::new(),
            texts: Vec::new(),
            existing,
            seen: 0,
            written: 0,
            rebuild: None,
        }
    }

    /// Holds a checked movement until its chunk is written.
    pub fn push(&mut self, e: &Entry<'_>) -> Result<()> {
        let texts = if e.note.is_some() || e.reference.is_some() {
            self.texts
                .push((e.note.map(Box::from), e.reference.map(Box::from)));
            u32::try_from(self.texts.len())
                .map_err(|_| Error::new(Kind::Internal, "too many notes in one chunk"))?
        } else {
            0
        };
        if self.buffer.capacity() == 0 {
            self.buffer.reserve_exact(CHUNK);
        }
        self.buffer.push(Pending {
            product: e.product,
            warehouse: e.warehouse,
            delta: e.delta,
            occurred_at: e.occurred_at,
            bundle: e.bundle,
            texts,
            reason: e.reason,
        });
        self.seen += 1;
        Ok(())
    }

    /// Whether a chunk is ready to be written.
    pub fn is_full(&self) -> bool {
        self.buffer.len() >= CHUNK
    }

    /// The one rule: the bulk path once the batch is at least as large as
    /// the ledger it lands in, and not small (where the engine allows it: a
    /// shared server never loses an index, even inside a transaction).
    fn wants_bulk(&self) -> bool {
        self.seen >= BULK_MIN_ROWS.max(self.existing)
    }

    /// Writes the buffered movements, grouped by pair (a stable sort keeps
    /// input order within each pair), deciding the bulk path first.
    pub fn flush(&mut self, sink: &Sink<'_, '_>, progress: &mut dyn Progress) -> Result<()> {
        if self.rebuild.is_none() && self.wants_bulk() {
            self.rebuild = stored::drop_indexes(sink.conn)?;
        }
        let Self {
            buffer,
            texts,
            written,
            seen,
            rebuild,
            ..
        } = self;
        // The bulk path has no index to fill front to back: ids follow the input.
        if rebuild.is_none() {
            buffer.sort_by_key(|p| (p.product, p.warehouse));
        }
        progress.written(*written, *seen);
        let mut rows = buffer.iter().map(|p| {
            let (note, reference) = text_of(texts, p);
            NewMovement {
                product: p.product,
                warehouse: p.warehouse,
                delta: p.delta,
                reason: p.reason,
                note,
                reference,
                occurred_at: p.occurred_at,
                bundle: p.bundle,
            }
        });
        let (before, total) = (*written, *seen);
        stored::append_many(sink.conn, &mut rows, sink.actor, sink.now, &mut |n| {
            progress.written(before + n, total)
        })?;
        buffer.clear();
        texts.clear();
        self.written = self.seen;
        progress.written(self.written, self.seen);
        Ok(())
    }

    /// Builds the dropped indexes again, if the bulk path was taken; says whether it was.
    pub fn rebuild(self, conn: &Tx<'_>, progress: &mut dyn Progress) -> Result<bool> {
        let Some(indexes) = self.rebuild else {
            return Ok(false);
        };
        progress.phase(Phase::Indexing);
        stored::rebuild_indexes(conn, &indexes)?;
        Ok(true)
    }
}

/// A buffered movement's note and reference.
fn text_of<'t>(texts: &'t [NoteAndReference], p: &Pending) -> (Option<&'t str>, Option<&'t str>) {
    match p.texts {
        0 => (None, None),
        i => texts
            .get(i as usize - 1)
            .map_or((None, None), |(n, r)| (n.as_deref(), r.as_deref())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loader(existing: u64, seen: u64) -> Loader {
        Loader {
            seen,
            ..Loader::new(existing)
        }
    }

    #[test]
    fn the_bulk_rule_wants_a_batch_as_large_as_the_ledger_and_not_small() {
        assert!(!loader(0, BULK_MIN_ROWS - 1).wants_bulk());
        assert!(loader(0, BULK_MIN_ROWS).wants_bulk());
        assert!(!loader(1_000_000, 999_999).wants_bulk());
        assert!(loader(1_000_000, 1_000_000).wants_bulk());
    }
}
