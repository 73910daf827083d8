//! The one mechanism that moves stock. Every movement — a single adjust, a
//! transfer, a count, a bundle sale, a batch of millions — goes through a
//! `Ledger` inside one write transaction: it checks tenancy and the
//! never-negative rule against stock it tracks in memory, appends the
//! movement, and on `Ledger::finish` writes each touched inventory row once.
//! Statements are prepared once and look-ups cached, so a batch costs one
//! insert per movement plus one update per (product, warehouse) pair. A
//! batch on PostgreSQL, which holds the inventory table against other writers
//! (see `Db::write_batch`), saves the round trips: it reads stock a product at
//! a time and writes every touched row in one set-based statement.
//!
//! A large batch is buffered: its movements are written a chunk at a time,
//! sorted, and may take the bulk path; that half lives in `super::bulk`.

use std::rc::Rc;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use super::bulk::{Loader, Sink};
use super::lookup::{self, ProductRef, Tenant};
use super::movement::{Entry, Written};
use super::progress::{Phase, Progress, Quiet};
use crate::Ctx;
use crate::error::{Error, Result};
use crate::model::{CompanyId, MAX_UNITS, ProductId, Sku, Timestamp, WarehouseId};
use crate::store::ledger::{self as stored, StockRow};
use crate::store::{Tx, catalog};

#[derive(Debug, Clone, Copy)]
struct Pair {
    quantity: i64,
    dirty: bool,
    /// The pair's company while its inventory row is still to be inserted
    /// (a PostgreSQL batch inserts new rows at the end, in one statement).
    unwritten: Option<CompanyId>,
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
    conn: &'c Tx<'c>,
    actor: &'c str,
    now: Timestamp,
    pairs: HashMap<(ProductId, WarehouseId), Pair>,
    /// Each warehouse seen: its company and name, or `None` when it does not exist.
    warehouses: HashMap<WarehouseId, Option<(CompanyId, Rc<str>)>>,
    products: HashMap<Rc<str>, Rc<ProductRef>>,
    last_product: Option<(Rc<str>, Rc<ProductRef>)>,
    components: HashMap<ProductId, Vec<(ProductRef, i64)>>,
    loader: Option<Loader>,
    /// Whose products and warehouses this writer may touch.
    tenant: Tenant,
    /// A PostgreSQL batch, which holds the inventory table against other
    /// writers: stock is read a product at a time (these products' rows are
    /// all in `pairs`), new rows and new quantities are written at the end.
    table_locked: Option<HashSet<ProductId>>,
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
    pub fn new(conn: &'c Tx<'c>, ctx: &'c Ctx) -> Result<Self> {
        Self::for_tenant(conn, ctx, Tenant::Any)
    }

    /// A ledger writer acting for `tenant`: another company's products and
    /// warehouses are not found, exactly as missing ones.
    pub fn for_tenant(conn: &'c Tx<'c>, ctx: &'c Ctx, tenant: Tenant) -> Result<Self> {
        // Before any stock row is locked, so the turn is always the first
        // lock a ledger writer waits for (no deadlock with the row locks).
        conn.ledger_turn()?;
        Ok(Self {
            conn,
            actor: &ctx.actor,
            now: ctx.now,
            pairs: HashMap::default(),
            warehouses: HashMap::default(),
            products: HashMap::default(),
            last_product: None,
            components: HashMap::default(),
            loader: None,
            tenant,
            table_locked: None,
        })
    }

    /// Switches to buffered writing for a batch (see [`super::bulk`]); only
    /// inside [`Db::write_batch`](crate::store::Db::write_batch), which on
    /// PostgreSQL locks the inventory table against other writers first.
    pub fn buffered(mut self) -> Result<Self> {
        if stored::batch_reads_by_product(self.conn) {
            self.table_locked = Some(HashSet::default());
        }
        let existing = stored::last_id(self.conn)?;
        self.loader = Some(Loader::new(u64::try_from(existing).unwrap_or(0)));
        Ok(self)
    }

    /// Writes the buffered chunk if it is full.
    pub fn flush_if_full(&mut self, progress: &mut dyn Progress) -> Result<()> {
        let Some(loader) = self.loader.as_mut().filter(|l| l.is_full()) else {
            return Ok(());
        };
        let sink = Sink {
            conn: self.conn,
            actor: self.actor,
            now: self.now,
        };
        loader.flush(&sink, progress)
    }

    /// The product whose SKU is `text` (validated on first sight), cached by the
    /// text as given so a batch pays for each spelling of a SKU once.
    pub fn product(&mut self, text: &str) -> Result<Rc<ProductRef>> {
        // A batch asks for the same SKU twice in a row (the row, then its
        // movement): the last answer saves a probe of the map.
        if let Some((last, found)) = &self.last_product
            && **last == *text
        {
            return Ok(Rc::clone(found));
        }
        if let Some((key, found)) = self.products.get_key_value(text) {
            self.last_product = Some((Rc::clone(key), Rc::clone(found)));
            return Ok(Rc::clone(found));
        }
        let found = Rc::new(lookup::product_for(
            self.conn,
            &Sku::parse(text)?,
            self.tenant,
        )?);
        self.products.insert(Rc::from(text), Rc::clone(&found));
        Ok(found)
    }

    /// Current stock of a pair as this transaction sees it (0 when never stocked).
    pub fn quantity(&mut self, product: ProductId, warehouse: WarehouseId) -> Result<i64> {
        Ok(self.pair(product, warehouse)?.map_or(0, |p| p.quantity))
    }

    /// The pair's stock, read once per transaction. On PostgreSQL the read
    /// locks the row (`FOR UPDATE`) until commit: the never-negative check is
    /// made on stock no other writer can change meanwhile.
    fn pair(&mut self, product: ProductId, warehouse: WarehouseId) -> Result<Option<Pair>> {
        if let Some(p) = self.pairs.get(&(product, warehouse)) {
            return Ok(Some(*p));
        }
        if let Some(loaded) = self.table_locked.as_mut() {
            // No other writer holds or can take a row of the table until
            // commit: plain reads, every warehouse of the product at once.
            if loaded.insert(product) {
                for (w, quantity) in stored::stock_of_product(self.conn, product)? {
                    let pair = Pair {
                        quantity,
                        dirty: false,
                        unwritten: None,
                    };
                    self.pairs.insert((product, w), pair);
                }
            }
            return Ok(self.pairs.get(&(product, warehouse)).copied());
        }
        let quantity = stored::stock_locked(self.conn, product, warehouse)?;
        Ok(quantity.map(|quantity| {
            let pair = Pair {
                quantity,
                dirty: false,
                unwritten: None,
            };
            self.pairs.insert((product, warehouse), pair);
            pair
        }))
    }

    /// Checks that `warehouse` exists and belongs to `company` (cached).
    pub fn check_warehouse(&mut self, warehouse: WarehouseId, company: CompanyId) -> Result<()> {
        let owner = self.warehouse(warehouse)?.map(|(c, _)| *c);
        lookup::owned_by_for(warehouse, owner, company, self.tenant)
    }

    /// The name of a warehouse, for what a write prints (cached).
    pub fn warehouse_name(&mut self, warehouse: WarehouseId) -> Result<String> {
        match self.warehouse(warehouse)? {
            Some((_, name)) => Ok(name.to_string()),
            None => Err(Error::not_found(format!(
                "warehouse {warehouse} does not exist"
            ))),
        }
    }

    fn warehouse(&mut self, id: WarehouseId) -> Result<Option<&(CompanyId, Rc<str>)>> {
        if !self.warehouses.contains_key(&id) {
            let facts = catalog::warehouse_facts(self.conn, id)?;
            self.warehouses
                .insert(id, facts.map(|(c, name)| (c, Rc::from(name))));
        }
        Ok(self.warehouses.get(&id).and_then(Option::as_ref))
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
        if self.table_locked.is_some() {
            let fresh = Pair {
                quantity: 0,
                dirty: false,
                unwritten: Some(company),
            };
            self.pairs.insert((product, warehouse), fresh);
            return Ok(());
        }
        // Another writer may insert the same row meanwhile (PostgreSQL): then
        // this waits for it, inserts nothing, and reads (and locks) its row.
        let inserted = stored::open_pair(self.conn, product, warehouse, company)?;
        if !inserted && self.pair(product, warehouse)?.is_some() {
            return Ok(());
        }
        let fresh = Pair {
            quantity: 0,
            dirty: false,
            unwritten: None,
        };
        self.pairs.insert((product, warehouse), fresh);
        Ok(())
    }

    /// Reads (and on PostgreSQL locks) the stock of several pairs in one
    /// fixed order — by product, then warehouse — before any of them moves,
    /// so two writers touching the same pairs in opposite orders (opposite
    /// transfers) queue instead of deadlocking.
    pub fn lock_in_order(
        &mut self,
        pairs: &mut [(ProductId, WarehouseId, CompanyId)],
    ) -> Result<()> {
        pairs.sort_unstable();
        for &(product, warehouse, company) in pairs.iter() {
            self.ensure_stocked(product, company, warehouse)?;
        }
        Ok(())
    }

    /// Appends one movement, refusing it (exit 5) if stock would go negative.
    pub fn apply(&mut self, e: &Entry<'_>) -> Result<Written> {
        let key = (e.product, e.warehouse);
        // One hash look-up for a pair already seen (the common case in a batch).
        let pair = match self.pairs.get_mut(&key) {
            Some(pair) => pair,
            None => {
                self.ensure_stocked(e.product, e.company, e.warehouse)?;
                self.pairs
                    .get_mut(&key)
                    .ok_or_else(|| Error::new(crate::Kind::Internal, "inventory row vanished"))?
            }
        };
        let quantity = stock_after(pair.quantity, e)?;
        pair.quantity = quantity;
        pair.dirty = true;
        let Some(loader) = self.loader.as_mut() else {
            let id = stored::append(self.conn, &e.stored(), self.actor, self.now)?;
            return Ok(Written {
                id: Some(id),
                quantity,
            });
        };
        loader.push(e)?;
        Ok(Written { id: None, quantity })
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
    pub fn finish(self) -> Result<()> {
        self.finish_with(&mut Quiet).map(|_| ())
    }

    /// Like [`Ledger::finish`] for a batch: writes what is buffered, then
    /// rebuilds the indexes if the bulk path was taken (and says whether).
    pub fn finish_with(mut self, progress: &mut dyn Progress) -> Result<bool> {
        let mut loader = self.loader.take();
        if let Some(loader) = loader.as_mut() {
            progress.phase(Phase::Writing);
            let sink = Sink {
                conn: self.conn,
                actor: self.actor,
                now: self.now,
            };
            loader.flush(&sink, progress)?;
        }
        if self.table_locked.is_some() {
            let mut rows: Vec<StockRow> = self
                .pairs
                .into_iter()
                .filter(|(_, pair)| pair.dirty || pair.unwritten.is_some())
                .map(|((product, warehouse), pair)| StockRow {
                    product,
                    warehouse,
                    company: pair.unwritten,
                    quantity: pair.quantity,
                })
                .collect();
            rows.sort_unstable_by_key(|r| (r.product, r.warehouse));
            stored::write_stock(self.conn, &rows)?;
        } else {
            let mut dirty: Vec<_> = self
                .pairs
                .into_iter()
                .filter(|(_, pair)| pair.dirty)
                .map(|((product, warehouse), pair)| (product, warehouse, pair.quantity))
                .collect();
            // In key order, so the inventory B-tree is walked once, front to back.
            dirty.sort_unstable();
            stored::set_stock(self.conn, &dirty)?;
        }
        loader.map_or(Ok(false), |l| l.rebuild(self.conn, progress))
    }
}
