//! The one mechanism that moves stock. Every movement — a single adjust, a
//! transfer, a count, a bundle sale, a batch of millions — goes through a
//! [`Ledger`] inside one write transaction: it checks tenancy and the
//! never-negative rule against stock it tracks in memory, appends the
//! movement, and on [`Ledger::finish`] writes each touched inventory row once.
//! Statements are prepared once and look-ups cached, so a batch costs one
//! insert per movement plus one update per (product, warehouse) pair.
//!
//! A large batch runs [`Ledger::buffered`]: movements are checked in input
//! order but written a chunk at a time, sorted by (product, warehouse), so the
//! ledger's pair index is filled front to back instead of at random places —
//! the difference between one page write per movement and one per page.
//! Within a pair, ids still follow input order.
//!
//! A batch larger than the ledger it lands in is also [`Ledger::bulk`]:
//! the ledger's secondary indexes are dropped inside the transaction and built
//! again (sorted, bottom-up) before commit, which is what bulk loaders do and
//! far cheaper than millions of index insertions; the sort runs on two
//! threads (`PRAGMA threads`) in a smaller page cache. A failure or a kill
//! rolls the drop back with everything else.

use std::rc::Rc;

use rusqlite::{CachedStatement, Connection, OptionalExtension, params};
use rustc_hash::FxHashMap as HashMap;

use super::lookup::{self, ProductRef};
use crate::Ctx;
use crate::error::{Error, Result};
use crate::model::{CompanyId, MAX_UNITS, ProductId, Reason, Sku, Timestamp, WarehouseId};

/// One movement to write.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Entry<'a> {
    pub product: ProductId,
    pub company: CompanyId,
    pub sku: &'a str,
    pub warehouse: WarehouseId,
    pub delta: i64,
    pub reason: Reason,
    pub note: Option<&'a str>,
    pub reference: Option<&'a str>,
    pub occurred_at: Timestamp,
    pub bundle: Option<ProductId>,
}

/// What was written for one entry.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Written {
    /// The movement's id; `None` while it waits in a buffered ledger.
    pub id: Option<i64>,
    /// The stock of the pair after this movement.
    pub quantity: i64,
}

/// A buffered movement's note and reference.
type NoteAndReference = (Option<Box<str>>, Option<Box<str>>);

/// A checked movement waiting to be inserted by a buffered ledger, kept
/// small (48 bytes) so a large chunk fits in little memory: the rare note and
/// reference live in a side table.
#[derive(Debug)]
struct Pending {
    product: ProductId,
    warehouse: WarehouseId,
    delta: i64,
    occurred_at: Timestamp,
    bundle: Option<ProductId>,
    /// 1-based index into `Ledger::texts`, 0 for none.
    texts: u32,
    reason: Reason,
}

#[derive(Debug, Clone, Copy)]
struct Pair {
    quantity: i64,
    dirty: bool,
}

/// The stock rules for one movement on a pair holding `have`: never below
/// zero, never past `MAX_UNITS` (exit 5 either way), in checked arithmetic.
fn stock_after(have: i64, e: &Entry<'_>) -> Result<i64> {
    let after = have.checked_add(e.delta);
    match after {
        Some(q) if (0..=MAX_UNITS).contains(&q) => Ok(q),
        Some(q) if q < 0 => Err(Error::conflict(format!(
            "not enough stock of {} in warehouse {}: have {have}, {} {} would leave {q}",
            e.sku,
            e.warehouse,
            e.reason.as_str(),
            e.delta.unsigned_abs(),
        ))),
        _ => Err(Error::conflict(format!(
            "too much stock of {} in warehouse {}: have {have}, {} {} would pass the limit of {MAX_UNITS}",
            e.sku,
            e.warehouse,
            e.reason.as_str(),
            e.delta.unsigned_abs(),
        ))),
    }
}

/// Writes movements within one transaction; see the module docs.
pub(crate) struct Ledger<'c> {
    conn: &'c Connection,
    actor: &'c str,
    now: Timestamp,
    insert: CachedStatement<'c>,
    pairs: HashMap<(ProductId, WarehouseId), Pair>,
    warehouses: HashMap<WarehouseId, Option<CompanyId>>,
    products: HashMap<String, Rc<ProductRef>>,
    components: HashMap<ProductId, Vec<(ProductRef, i64)>>,
    buffer: Vec<Pending>,
    texts: Vec<NoteAndReference>,
    chunk: usize,
    rebuild: Vec<String>,
    decide_bulk: bool,
}

impl std::fmt::Debug for Ledger<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ledger")
            .field("pairs", &self.pairs.len())
            .finish()
    }
}

impl<'c> Ledger<'c> {
    /// A ledger writer on `conn`, which must be inside a write transaction.
    pub fn new(conn: &'c Connection, ctx: &'c Ctx) -> Result<Self> {
        let insert = conn.prepare_cached(
            "INSERT INTO movement (product_id, warehouse_id, delta, reason, note, reference,
                                   actor, occurred_at, recorded_at, bundle_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        )?;
        Ok(Self {
            conn,
            actor: &ctx.actor,
            now: ctx.now,
            insert,
            pairs: HashMap::default(),
            warehouses: HashMap::default(),
            products: HashMap::default(),
            components: HashMap::default(),
            buffer: Vec::new(),
            texts: Vec::new(),
            chunk: 0,
            rebuild: Vec::new(),
            decide_bulk: false,
        })
    }

    /// Rows in the ledger now (its largest id: the ledger is append-only).
    pub fn ledger_rows(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("SELECT coalesce(max(id), 0) FROM movement", [], |r| {
                r.get(0)
            })?)
    }

    /// Adds bulk loading to a buffered ledger: drops the ledger's secondary
    /// indexes now and builds them again in [`Ledger::finish`] (see the module docs).
    pub fn bulk(mut self) -> Result<Self> {
        self.drop_indexes()?;
        Ok(self)
    }

    /// For an input of unknown size: decides at the first full chunk, and
    /// bulk-loads when the ledger holds no more movements than that chunk.
    pub fn bulk_if_large(mut self) -> Self {
        self.decide_bulk = true;
        self
    }

    fn drop_indexes(&mut self) -> Result<()> {
        let mut stmt = self.conn.prepare(
            "SELECT name, sql FROM sqlite_schema
             WHERE type = 'index' AND tbl_name = 'movement' AND sql IS NOT NULL",
        )?;
        let indexes = stmt
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        drop(stmt);
        for (name, sql) in indexes {
            self.conn.execute_batch(&format!("DROP INDEX \"{name}\""))?;
            self.rebuild.push(sql);
        }
        Ok(())
    }

    /// Switches to buffered writing, `chunk` movements at a time (see the module docs).
    pub fn buffered(mut self, chunk: usize) -> Self {
        self.chunk = chunk;
        self.buffer = Vec::with_capacity(chunk);
        self
    }

    /// The product whose SKU is `text` (validated on first sight), cached by the
    /// text as given so a batch pays for each spelling of a SKU once.
    pub fn product(&mut self, text: &str) -> Result<Rc<ProductRef>> {
        if let Some(found) = self.products.get(text) {
            return Ok(Rc::clone(found));
        }
        let found = Rc::new(lookup::product(self.conn, &Sku::parse(text)?)?);
        self.products.insert(text.to_owned(), Rc::clone(&found));
        Ok(found)
    }

    /// Current stock of a pair as this transaction sees it (0 when never stocked).
    pub fn quantity(&mut self, product: ProductId, warehouse: WarehouseId) -> Result<i64> {
        Ok(self.pair(product, warehouse)?.map_or(0, |p| p.quantity))
    }

    fn pair(&mut self, product: ProductId, warehouse: WarehouseId) -> Result<Option<Pair>> {
        if let Some(p) = self.pairs.get(&(product, warehouse)) {
            return Ok(Some(*p));
        }
        let quantity: Option<i64> = self
            .conn
            .prepare_cached(
                "SELECT quantity FROM inventory WHERE product_id = ?1 AND warehouse_id = ?2",
            )?
            .query_row(params![product, warehouse], |r| r.get(0))
            .optional()?;
        Ok(quantity.map(|quantity| {
            let pair = Pair {
                quantity,
                dirty: false,
            };
            self.pairs.insert((product, warehouse), pair);
            pair
        }))
    }

    /// Checks that `warehouse` exists and belongs to `company` (cached).
    pub fn check_warehouse(&mut self, warehouse: WarehouseId, company: CompanyId) -> Result<()> {
        let owner = match self.warehouses.get(&warehouse) {
            Some(owner) => *owner,
            None => {
                let owner = lookup::warehouse_owner(self.conn, warehouse)?;
                self.warehouses.insert(warehouse, owner);
                owner
            }
        };
        lookup::owned_by(warehouse, owner, company)
    }

    /// Makes sure an inventory row exists for the pair (with 0 when new).
    pub fn ensure_stocked(
        &mut self,
        product: ProductId,
        company: CompanyId,
        warehouse: WarehouseId,
    ) -> Result<()> {
        if self.pair(product, warehouse)?.is_some() {
            return Ok(());
        }
        self.check_warehouse(warehouse, company)?;
        self.conn
            .prepare_cached(
                "INSERT INTO inventory (product_id, warehouse_id, company_id, quantity)
                 VALUES (?1, ?2, ?3, 0)",
            )?
            .execute(params![product, warehouse, company])?;
        let fresh = Pair {
            quantity: 0,
            dirty: false,
        };
        self.pairs.insert((product, warehouse), fresh);
        Ok(())
    }

    /// Appends one movement, refusing it (exit 5) if stock would go negative.
    pub fn apply(&mut self, e: &Entry<'_>) -> Result<Written> {
        let key = (e.product, e.warehouse);
        if !self.pairs.contains_key(&key) {
            self.ensure_stocked(e.product, e.company, e.warehouse)?;
        }
        let pair = self
            .pairs
            .get_mut(&key)
            .ok_or_else(|| Error::new(crate::Kind::Internal, "inventory row vanished"))?;
        let quantity = stock_after(pair.quantity, e)?;
        pair.quantity = quantity;
        pair.dirty = true;
        if self.chunk == 0 {
            self.insert.execute(params![
                e.product,
                e.warehouse,
                e.delta,
                e.reason,
                e.note,
                e.reference,
                self.actor,
                e.occurred_at,
                self.now,
                e.bundle,
            ])?;
            return Ok(Written {
                id: Some(self.conn.last_insert_rowid()),
                quantity,
            });
        }
        let texts = if e.note.is_some() || e.reference.is_some() {
            self.texts
                .push((e.note.map(Box::from), e.reference.map(Box::from)));
            u32::try_from(self.texts.len())
                .map_err(|_| Error::new(crate::Kind::Internal, "too many notes in one chunk"))?
        } else {
            0
        };
        self.buffer.push(Pending {
            product: e.product,
            warehouse: e.warehouse,
            delta: e.delta,
            occurred_at: e.occurred_at,
            bundle: e.bundle,
            texts,
            reason: e.reason,
        });
        if self.buffer.len() >= self.chunk {
            if std::mem::take(&mut self.decide_bulk)
                && self.ledger_rows()? <= i64::try_from(self.chunk).unwrap_or(i64::MAX)
            {
                self.drop_indexes()?;
            }
            self.flush()?;
        }
        Ok(Written { id: None, quantity })
    }

    /// Inserts the buffered movements, grouped by pair (a stable sort keeps
    /// input order within each pair).
    fn flush(&mut self) -> Result<()> {
        self.buffer.sort_by_key(|p| (p.product, p.warehouse));
        for p in self.buffer.drain(..) {
            let (note, reference) = match p.texts {
                0 => (None, None),
                i => self.texts[i as usize - 1].clone(),
            };
            self.insert.execute(params![
                p.product,
                p.warehouse,
                p.delta,
                p.reason,
                note,
                reference,
                self.actor,
                p.occurred_at,
                self.now,
                p.bundle,
            ])?;
        }
        self.texts.clear();
        Ok(())
    }

    /// The leaf components of a bundle with their quantity per bundle unit
    /// (nested bundles multiplied out), cached.
    pub fn components(&mut self, bundle: ProductId) -> Result<Vec<(ProductRef, i64)>> {
        if let Some(c) = self.components.get(&bundle) {
            return Ok(c.clone());
        }
        let leaves = super::bundle::leaves(self.conn, bundle)?;
        self.components.insert(bundle, leaves.clone());
        Ok(leaves)
    }

    /// Writes every touched inventory row; call once, before commit.
    pub fn finish(mut self) -> Result<()> {
        self.flush()?;
        let mut dirty: Vec<_> = self
            .pairs
            .into_iter()
            .filter(|(_, pair)| pair.dirty)
            .map(|(key, pair)| (key, pair.quantity))
            .collect();
        // In key order, so the inventory B-tree is walked once, front to back.
        dirty.sort_unstable();
        let mut update = self.conn.prepare_cached(
            "UPDATE inventory SET quantity = ?3 WHERE product_id = ?1 AND warehouse_id = ?2",
        )?;
        for ((product, warehouse), quantity) in dirty {
            update.execute(params![product, warehouse, quantity])?;
        }
        if !self.rebuild.is_empty() {
            // Sort with a helper thread (the second core), in less page cache.
            self.conn.pragma_update(None, "cache_size", -16384)?;
            self.conn.pragma_update(None, "threads", 2)?;
            for sql in &self.rebuild {
                self.conn.execute_batch(sql)?;
            }
        }
        Ok(())
    }
}
