//! Reading the ledger back: movements with their product's SKU, warehouse
//! name and bundle, filtered and streamed.

use super::Tx;
use super::filter::Filter;
use crate::error::Result;
use crate::model::record::Movement;
use crate::model::{CompanyId, ProductId, Timestamp, WarehouseId};

/// Which movements, with every id already looked up.
#[derive(Debug, Clone, Copy, Default)]
pub struct Query {
    /// Only this product's movements.
    pub product: Option<ProductId>,
    /// Only the movements made through this bundle.
    pub bundle: Option<ProductId>,
    /// Only this warehouse.
    pub warehouse: Option<WarehouseId>,
    /// occurred_at >= since.
    pub since: Option<Timestamp>,
    /// occurred_at <= until.
    pub until: Option<Timestamp>,
    /// Only this company's products.
    pub company: Option<CompanyId>,
    /// Only movements with a larger id, oldest first (a feed's cursor);
    /// otherwise newest first (by occurred_at, then id).
    pub after_id: Option<i64>,
    /// At most this many.
    pub limit: i64,
}

/// The select's columns: expression and name.
const COLUMNS: &[(&str, &str)] = &[
    ("m.id", "id"),
    ("m.product_id", "product_id"),
    ("p.sku", "sku"),
    ("m.warehouse_id", "warehouse_id"),
    ("m.delta", "delta"),
    ("m.reason", "reason"),
    ("m.note", "note"),
    ("m.reference", "reference"),
    ("m.actor", "actor"),
    ("m.occurred_at", "occurred_at"),
    ("m.recorded_at", "recorded_at"),
    ("b.sku", "bundle_sku"),
    ("w.name", "warehouse_name"),
];

/// Column `$name` of [`COLUMNS`], by its position (see [`super::position`]).
macro_rules! col {
    ($name:literal) => {
        const { super::position(COLUMNS, $name) }
    };
}

fn filter(q: &Query) -> Filter {
    let mut f = Filter::new(&format!(
        "SELECT {} FROM movement m JOIN product p ON p.id = m.product_id
         JOIN warehouse w ON w.id = m.warehouse_id
         LEFT JOIN product b ON b.id = m.bundle_id",
        super::select_list(COLUMNS)
    ));
    f.and("m.bundle_id = ?", q.bundle)
        .and("m.product_id = ?", q.product)
        .and("m.warehouse_id = ?", q.warehouse)
        .and("m.occurred_at >= ?", q.since)
        .and("m.occurred_at <= ?", q.until)
        // `+`: no index for this term, so the planner keeps walking the
        // ledger in the ORDER BY's index and stops at LIMIT, instead of
        // sorting every movement of the company, notes and all.
        .and("+p.company_id = ?", q.company);
    match q.after_id {
        Some(id) => f.then(
            "AND m.id > ? ORDER BY m.id LIMIT ?",
            vec![Box::new(id), Box::new(q.limit)],
        ),
        None => f.then(
            "ORDER BY m.occurred_at DESC, m.id DESC LIMIT ?",
            vec![Box::new(q.limit)],
        ),
    };
    f
}

/// Hands the movements `q` selects to `consume`, read as it goes.
pub fn stream<T>(
    tx: &Tx<'_>,
    q: &Query,
    consume: impl FnOnce(&mut dyn Iterator<Item = Result<Movement>>) -> Result<T>,
) -> Result<T> {
    filter(q).with(|sql, params| {
        tx.stream(
            sql,
            params,
            |r| {
                Ok(Movement {
                    id: r.get(col!("id"))?,
                    product_id: r.get(col!("product_id"))?,
                    sku: r.get(col!("sku"))?,
                    warehouse_id: r.get(col!("warehouse_id"))?,
                    delta: r.get(col!("delta"))?,
                    reason: r.get(col!("reason"))?,
                    note: r.get(col!("note"))?,
                    reference: r.get(col!("reference"))?,
                    actor: r.get(col!("actor"))?,
                    occurred_at: r.get(col!("occurred_at"))?,
                    recorded_at: r.get(col!("recorded_at"))?,
                    bundle_sku: r.get(col!("bundle_sku"))?,
                    quantity: None,
                    warehouse_name: r.get(col!("warehouse_name"))?,
                })
            },
            consume,
        )
    })
}

/// SQLite's plan for the query, one line per step (a test's window on the indexes).
#[cfg(test)]
pub(crate) fn plan(tx: &Tx<'_>, q: &Query) -> Result<String> {
    let rows: Vec<String> = filter(q).with(|sql, params| {
        tx.query_map(&format!("EXPLAIN QUERY PLAN {sql}"), params, |r| {
            r.get("detail")
        })
    })?;
    Ok(rows.join("\n"))
}
