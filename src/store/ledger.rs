//! The ledger and the stock it keeps: appending movements (one, or a batch's
//! millions through each engine's bulk writer) and reading and writing the
//! inventory rows. The rules — tenancy, never negative, the bulk rule — are
//! `ops::ledger`'s; this is where they are stored.

use super::{Tx, postgres, sqlite};
use crate::error::{Error, Kind, Result};
use crate::model::{CompanyId, ProductId, Reason, Timestamp, WarehouseId};

/// One movement to append; the actor and `recorded_at` are the transaction's.
#[derive(Debug, Clone, Copy)]
pub struct NewMovement<'a> {
    /// The product moved.
    pub product: ProductId,
    /// Where.
    pub warehouse: WarehouseId,
    /// The signed change.
    pub delta: i64,
    /// Why.
    pub reason: Reason,
    /// Free-text note.
    pub note: Option<&'a str>,
    /// External reference.
    pub reference: Option<&'a str>,
    /// When it happened.
    pub occurred_at: Timestamp,
    /// The bundle it was sold or returned through.
    pub bundle: Option<ProductId>,
}

/// One inventory row as a batch leaves it: `company` is set for a row still
/// to be inserted, `None` for one whose quantity changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct StockRow {
    /// The product.
    pub product: ProductId,
    /// The warehouse.
    pub warehouse: WarehouseId,
    /// The company of a row still to be inserted.
    pub company: Option<CompanyId>,
    /// The new stock.
    pub quantity: i64,
}

/// The ledger's secondary indexes a bulk batch dropped, to build again before commit.
#[derive(Debug)]
pub struct DroppedIndexes(Vec<String>);

/// Appends one movement; returns its id.
pub fn append(tx: &Tx<'_>, m: &NewMovement<'_>, actor: &str, now: Timestamp) -> Result<i64> {
    match tx {
        Tx::Sqlite(c) => sqlite::bulk::append(c.conn(), m, actor, now, true)?
            .ok_or_else(|| Error::new(Kind::Internal, "an insert returned no id")),
        Tx::Postgres(_) => tx.query_row(
            "INSERT INTO movement (product_id, warehouse_id, delta, reason, note, reference,
                                   actor, occurred_at, recorded_at, bundle_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) RETURNING id",
            super::params![
                m.product,
                m.warehouse,
                m.delta,
                m.reason,
                m.note,
                m.reference,
                actor,
                m.occurred_at,
                now,
                m.bundle,
            ],
            |r| r.get("id"),
        ),
    }
}

/// Appends a batch's checked movements with the engine's bulk writer
/// (SQLite: multi-row inserts; PostgreSQL: one binary `COPY`); `report`
/// hears how many are written so far, now and then.
pub fn append_many<'m>(
    tx: &Tx<'_>,
    rows: &mut dyn Iterator<Item = NewMovement<'m>>,
    actor: &str,
    now: Timestamp,
    report: &mut dyn FnMut(u64),
) -> Result<()> {
    match tx {
        Tx::Sqlite(c) => sqlite::bulk::insert_movements(c.conn(), rows, actor, now, report),
        Tx::Postgres(t) => postgres::bulk::copy_movements(*t, rows, actor, now).map(drop),
    }
}

/// The largest movement id (0 for an empty ledger).
pub fn last_id(tx: &Tx<'_>) -> Result<i64> {
    tx.query_row(
        "SELECT coalesce(max(id), 0) AS last FROM movement",
        &[],
        |r| r.get("last"),
    )
}

/// Whether a batch on this engine reads stock a product at a time and writes
/// it set-based at the end ([`write_stock`]): PostgreSQL, where a batch holds
/// the inventory table against other writers (`Db::write_batch`), so no row
/// can change or appear meanwhile; SQLite's reads are local and cheap.
pub fn batch_reads_by_product(tx: &Tx<'_>) -> bool {
    matches!(tx, Tx::Postgres(_))
}

/// Tunes the connection for a large batch (SQLite: a larger page cache).
pub fn tune_for_batch(tx: &Tx<'_>) -> Result<()> {
    match tx {
        Tx::Sqlite(c) => sqlite::bulk::tune_for_batch(c.conn()),
        Tx::Postgres(_) => Ok(()),
    }
}

/// Drops the ledger's secondary indexes for a bulk batch, where the engine
/// allows it: SQLite, inside the transaction; never on a shared server.
pub fn drop_indexes(tx: &Tx<'_>) -> Result<Option<DroppedIndexes>> {
    match tx {
        Tx::Sqlite(c) => sqlite::bulk::drop_indexes(c.conn()).map(|d| Some(DroppedIndexes(d))),
        Tx::Postgres(_) => Ok(None),
    }
}

/// Builds the indexes [`drop_indexes`] dropped again.
pub fn rebuild_indexes(tx: &Tx<'_>, dropped: &DroppedIndexes) -> Result<()> {
    match tx {
        Tx::Sqlite(c) => sqlite::bulk::rebuild_indexes(c.conn(), &dropped.0),
        Tx::Postgres(_) => Ok(()),
    }
}

/// The stock of a pair, if it has an inventory row; on PostgreSQL the row is
/// locked (`FOR UPDATE`) until commit, so a rule checked on it holds.
pub fn stock_locked(
    tx: &Tx<'_>,
    product: ProductId,
    warehouse: WarehouseId,
) -> Result<Option<i64>> {
    tx.query_opt_locked(
        "SELECT quantity FROM inventory WHERE product_id = ?1 AND warehouse_id = ?2",
        super::params![product, warehouse],
        |r| r.get("quantity"),
    )
}

/// The stock of a product in every warehouse that has a row for it.
pub fn stock_of_product(tx: &Tx<'_>, product: ProductId) -> Result<Vec<(WarehouseId, i64)>> {
    tx.query_map(
        "SELECT warehouse_id, quantity FROM inventory WHERE product_id = ?1",
        super::params![product],
        |r| Ok((r.get("warehouse_id")?, r.get("quantity")?)),
    )
}

/// Inserts a pair's inventory row with 0 units unless it exists; whether it
/// inserted one. Another writer inserting the same row meanwhile
/// (PostgreSQL) makes this wait for it and insert nothing.
pub fn open_pair(
    tx: &Tx<'_>,
    product: ProductId,
    warehouse: WarehouseId,
    company: CompanyId,
) -> Result<bool> {
    let inserted = tx.execute(
        "INSERT INTO inventory (product_id, warehouse_id, company_id, quantity)
         VALUES (?1, ?2, ?3, 0) ON CONFLICT DO NOTHING",
        super::params![product, warehouse, company],
    )?;
    Ok(inserted > 0)
}

/// Sets the stock of pairs that have an inventory row, in the given order.
pub fn set_stock(tx: &Tx<'_>, rows: &[(ProductId, WarehouseId, i64)]) -> Result<()> {
    for (product, warehouse, quantity) in rows {
        tx.execute(
            "UPDATE inventory SET quantity = ?3 WHERE product_id = ?1 AND warehouse_id = ?2",
            super::params![product, warehouse, quantity],
        )?;
    }
    Ok(())
}

/// Writes a batch's inventory rows (new ones inserted, the others updated),
/// set-based on PostgreSQL: see [`batch_reads_by_product`].
pub fn write_stock(tx: &Tx<'_>, rows: &[StockRow]) -> Result<()> {
    match tx {
        Tx::Postgres(t) => postgres::bulk::write_stock(*t, rows),
        Tx::Sqlite(_) => {
            for r in rows {
                match r.company {
                    Some(company) => {
                        open_pair(tx, r.product, r.warehouse, company)?;
                        set_stock(tx, &[(r.product, r.warehouse, r.quantity)])?;
                    }
                    None => set_stock(tx, &[(r.product, r.warehouse, r.quantity)])?,
                }
            }
            Ok(())
        }
    }
}
