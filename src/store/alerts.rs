//! The alert rule's rows: the company's (product, warehouse) pairs below
//! their threshold, with the window's sales, names and primary supplier.
//!
//! The query first keeps the (product, warehouse) rows already below their
//! threshold (walking the company's products, then each one's inventory by
//! primary key), and only for those sums the window's sales through the
//! covering ledger index, so its cost follows the low rows, not the ledger.
//! `MATERIALIZED` keeps SQLite from running the sales sum for every row.

use super::params;

use super::Tx;
use crate::error::Result;
use crate::model::{CompanyId, ProductId, SupplierId, Timestamp, WarehouseId};

/// The alert rule as one statement: `?1` company, `?2` warehouse or NULL,
/// `?3` window start (exclusive), `?4` as-of (inclusive), `?5` the threshold
/// when none is set.
pub const SQL: &str = "
WITH low AS MATERIALIZED (
    SELECT i.product_id, i.warehouse_id, i.quantity, lt.max_quantity,
           coalesce(lt.quantity, p.threshold, tt.quantity, c.default_threshold, ?5) AS threshold
    FROM product p
    JOIN company c ON c.id = p.company_id
    LEFT JOIN type_threshold tt ON tt.company_id = p.company_id AND lower(tt.type) = lower(p.type)
    JOIN inventory i ON i.product_id = p.id
    LEFT JOIN location_threshold lt
           ON lt.product_id = i.product_id AND lt.warehouse_id = i.warehouse_id
    WHERE p.company_id = ?1 AND NOT p.archived AND NOT p.is_bundle
      AND (CAST(?2 AS BIGINT) IS NULL OR i.warehouse_id = ?2)
      AND i.quantity < coalesce(lt.quantity, p.threshold, tt.quantity, c.default_threshold, ?5)
),
sold AS MATERIALIZED (
    SELECT low.*, (SELECT CAST(-sum(m.delta) AS BIGINT) FROM movement m
                   WHERE m.product_id = low.product_id AND m.warehouse_id = low.warehouse_id
                     AND m.occurred_at > ?3 AND m.occurred_at <= ?4 AND m.reason = 'sale') AS units_sold,
                  (SELECT min(m.occurred_at) FROM movement m
                   WHERE m.product_id = low.product_id AND m.warehouse_id = low.warehouse_id) AS first_at
    FROM low
)
SELECT sold.product_id, p.name AS product_name, p.sku, sold.warehouse_id, w.name AS warehouse_name,
       sold.quantity, sold.threshold, sold.units_sold, p.type, s.id AS supplier_id,
       s.name AS supplier_name, s.contact_email, ps.lead_time_days, sold.first_at,
       coalesce(ps.pack_size, 1) AS pack_size, coalesce(ps.min_order_quantity, 0) AS min_order_quantity,
       sold.max_quantity,
       (SELECT CAST(coalesce(sum(l.quantity - l.received), 0) AS BIGINT)
        FROM purchase_order_line l JOIN purchase_order o ON o.id = l.order_id
        WHERE o.status = 'open' AND l.product_id = sold.product_id
          AND o.warehouse_id = sold.warehouse_id) AS on_order
FROM sold
JOIN product p ON p.id = sold.product_id
JOIN warehouse w ON w.id = sold.warehouse_id
LEFT JOIN product_supplier ps ON ps.product_id = sold.product_id AND ps.is_primary
LEFT JOIN supplier s ON s.id = ps.supplier_id
WHERE sold.units_sold > 0";

/// The names of [`SQL`]'s columns, in its order (a test holds them to the
/// statement), so a row's columns are read by name at no cost per row.
const COLUMNS: &[(&str, &str)] = &[
    ("sold.product_id", "product_id"),
    ("p.name", "product_name"),
    ("p.sku", "sku"),
    ("sold.warehouse_id", "warehouse_id"),
    ("w.name", "warehouse_name"),
    ("sold.quantity", "quantity"),
    ("sold.threshold", "threshold"),
    ("sold.units_sold", "units_sold"),
    ("p.type", "type"),
    ("s.id", "supplier_id"),
    ("s.name", "supplier_name"),
    ("s.contact_email", "contact_email"),
    ("ps.lead_time_days", "lead_time_days"),
    ("sold.first_at", "first_at"),
    ("ps.pack_size", "pack_size"),
    ("ps.min_order_quantity", "min_order_quantity"),
    ("sold.max_quantity", "max_quantity"),
    ("on_order", "on_order"),
];

/// Column `$name` of [`COLUMNS`], by its position (see [`super::position`]).
macro_rules! col {
    ($name:literal) => {
        const { super::position(COLUMNS, $name) }
    };
}

/// One pair below its threshold that sold in the window.
#[derive(Debug, Clone)]
pub struct Low {
    /// The product.
    pub product_id: ProductId,
    /// Its name.
    pub product_name: String,
    /// Its SKU.
    pub sku: String,
    /// Its type.
    pub product_type: Option<String>,
    /// The warehouse.
    pub warehouse_id: WarehouseId,
    /// Its name.
    pub warehouse_name: String,
    /// Units in stock.
    pub quantity: i64,
    /// The threshold that applies.
    pub threshold: i64,
    /// Units sold in the window.
    pub units_sold: i64,
    /// The primary supplier: id, name, e-mail.
    pub supplier: Option<(SupplierId, String, Option<String>)>,
    /// The primary supplier's lead time.
    pub lead_time_days: Option<i64>,
    /// The pair's earliest movement of any reason (SPEC 11's window start).
    pub first_at: Timestamp,
    /// The primary supplier's pack size (1 without one).
    pub pack_size: i64,
    /// The primary supplier's minimum order (0 without one).
    pub min_order_quantity: i64,
    /// The pair's max, if set.
    pub max: Option<i64>,
    /// Ordered and not received, on the pair's open purchase orders.
    pub on_order: i64,
}

/// The pairs of `company` (or of one of its warehouses) below their
/// threshold that sold in (`from`, `as_of`]; `fallback` where none is set.
pub fn low(
    tx: &Tx<'_>,
    company: CompanyId,
    warehouse: Option<WarehouseId>,
    from: Timestamp,
    as_of: Timestamp,
    fallback: i64,
) -> Result<Vec<Low>> {
    tx.query_map(
        SQL,
        params![company, warehouse, from, as_of, fallback],
        |r| {
            let supplier = match r.get::<Option<SupplierId>>(col!("supplier_id"))? {
                Some(id) => Some((
                    id,
                    r.get(col!("supplier_name"))?,
                    r.get(col!("contact_email"))?,
                )),
                None => None,
            };
            Ok(Low {
                product_id: r.get(col!("product_id"))?,
                product_name: r.get(col!("product_name"))?,
                sku: r.get(col!("sku"))?,
                product_type: r.get(col!("type"))?,
                warehouse_id: r.get(col!("warehouse_id"))?,
                warehouse_name: r.get(col!("warehouse_name"))?,
                quantity: r.get(col!("quantity"))?,
                threshold: r.get(col!("threshold"))?,
                units_sold: r.get(col!("units_sold"))?,
                supplier,
                lead_time_days: r.get(col!("lead_time_days"))?,
                first_at: r.get(col!("first_at"))?,
                pack_size: r.get(col!("pack_size"))?,
                min_order_quantity: r.get(col!("min_order_quantity"))?,
                max: r.get(col!("max_quantity"))?,
                on_order: r.get(col!("on_order"))?,
            })
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_column_list_is_the_statements_own() {
        let dir = tempfile::tempdir().unwrap();
        let (db, _) = super::super::sqlite::Db::init(
            &dir.path().join("c.db"),
            crate::store::DEFAULT_BUSY_TIMEOUT,
        )
        .unwrap();
        let stmt = db.conn().prepare(SQL).unwrap();
        let names: Vec<&str> = COLUMNS.iter().map(|(_, name)| *name).collect();
        assert_eq!(stmt.column_names().collect::<Vec<_>>(), names);
    }

    #[test]
    fn the_alert_query_never_scans_the_ledger() {
        let dir = tempfile::tempdir().unwrap();
        let (db, _) = super::super::sqlite::Db::init(
            &dir.path().join("a.db"),
            crate::store::DEFAULT_BUSY_TIMEOUT,
        )
        .unwrap();
        let mut db = crate::store::Db::Sqlite(db);
        let plan: Vec<String> = db
            .read(|tx| {
                tx.query_map(
                    &format!("EXPLAIN QUERY PLAN {SQL}"),
                    params![1, None::<i64>, 0, 86_400, 10],
                    |r| r.get("detail"),
                )
            })
            .unwrap();
        let text = plan.join("\n");
        assert!(
            text.contains("SEARCH m USING COVERING INDEX movement_pair_time (product_id=? AND warehouse_id=? AND occurred_at>? AND occurred_at<?)"),
            "{text}"
        );
        assert!(!text.contains("SCAN m"), "{text}");
        assert!(
            !plan
                .iter()
                .any(|l| l.starts_with("SCAN") && l.contains("movement")),
            "{text}"
        );
    }
}
