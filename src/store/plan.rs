//! The reorder plan's rows: every (product, warehouse) of a company that
//! sold in the window and may have to order, with what the replenishment
//! rule needs to know about it — stock, thresholds, terms of its primary
//! supplier, what is on order, and (for σ) its sales day by day: their
//! count, sum and sum of squares.
//!
//! Unlike the alerts, the plan cannot keep only the pairs below their
//! threshold first (the reorder point may be above it). So it walks the
//! company's pairs as the alerts do and, for each, sums the window's sales
//! through the covering ledger index (`movement_pair_time`) and takes its
//! first movement; then it keeps only the pairs whose stock is below a
//! bound the reorder point cannot exceed (see [`SQL`]), and only for those
//! reads what is on order and the day-by-day sales, the latter only when a
//! service level asks for σ. The rule itself, exact, runs in `ops` on the
//! rows kept; the bound only spares it the pairs that cannot order.

use super::params;

use super::Tx;
use crate::error::Result;
use crate::model::{CompanyId, Money, ProductId, SupplierId, Timestamp, WarehouseId};

/// The rows as one statement: `?1` company, `?2` warehouse or NULL, `?3`
/// window start (exclusive), `?4` as-of (inclusive), `?5` the threshold when
/// none is set, `?6` supplier or NULL (the primary one), `?7` NULL without a
/// service level, else z² in millionths, rounded up.
///
/// A pair orders only when its position (stock + on order, on order >= 0)
/// is below `max(threshold, ceil(sold·L/n) + SS)` (SPEC 11: L the lead
/// time, n the window's days, SS = `ceil(z·σ·√L)`). `bound` keeps every
/// such pair, in floating point with room to spare (a pair kept needlessly
/// costs only its rule): `stock < threshold`, or `r = stock − sold·L/n' − 2
/// < 0` with `n' <= n` (whole days of the pair's age, truncated), else, with
/// a service level, `r² (n' − 1) < z²·A²·L` where A, the sum of the window's
/// sale units taken positive, bounds σ: σ² <= Σx²/(n − 1) <= A²/(n − 1).
/// A window of under two days has no σ.
const SQL: &str = "
WITH pairs AS MATERIALIZED (
    SELECT i.product_id, i.warehouse_id, i.quantity AS stock, lt.max_quantity,
           coalesce(lt.quantity, p.threshold, tt.quantity, c.default_threshold, ?5) AS threshold,
           ps.supplier_id, CASE WHEN ps.lead_time_days > 0 THEN ps.lead_time_days ELSE 0 END AS lead
    FROM product p
    JOIN company c ON c.id = p.company_id
    LEFT JOIN type_threshold tt ON tt.company_id = p.company_id AND lower(tt.type) = lower(p.type)
    JOIN inventory i ON i.product_id = p.id
    LEFT JOIN location_threshold lt
           ON lt.product_id = i.product_id AND lt.warehouse_id = i.warehouse_id
    LEFT JOIN product_supplier ps ON ps.product_id = p.id AND ps.is_primary
    WHERE p.company_id = ?1 AND NOT p.archived AND NOT p.is_bundle
      AND (CAST(?2 AS BIGINT) IS NULL OR i.warehouse_id = ?2)
      AND (CAST(?6 AS BIGINT) IS NULL OR ps.supplier_id = ?6)
),
sold AS MATERIALIZED (
    SELECT pairs.*,
           (SELECT CAST(-sum(m.delta) AS BIGINT) FROM movement m
            WHERE m.product_id = pairs.product_id AND m.warehouse_id = pairs.warehouse_id
              AND m.occurred_at > ?3 AND m.occurred_at <= ?4 AND m.reason = 'sale') AS sold,
           (SELECT min(m.occurred_at) FROM movement m
            WHERE m.product_id = pairs.product_id AND m.warehouse_id = pairs.warehouse_id) AS first_at
    FROM pairs
),
aged AS (
    SELECT sold.*, CASE WHEN (CAST(?4 AS BIGINT) - first_at) / 86400 < 1 THEN 1
                        WHEN (CAST(?4 AS BIGINT) - first_at) / 86400
                             > (CAST(?4 AS BIGINT) - CAST(?3 AS BIGINT)) / 86400
                        THEN (CAST(?4 AS BIGINT) - CAST(?3 AS BIGINT)) / 86400
                        ELSE (CAST(?4 AS BIGINT) - first_at) / 86400 END AS days_low
    FROM sold WHERE sold > 0
),
bound AS (
    SELECT aged.*, CAST(stock AS DOUBLE PRECISION)
                   - CAST(sold AS DOUBLE PRECISION) * lead / days_low * 1.000001 - 2 AS r
    FROM aged
),
kept AS MATERIALIZED (
    SELECT bound.* FROM bound
    WHERE stock < threshold OR r < 0
       OR (CAST(?7 AS BIGINT) IS NOT NULL
           AND (days_low < 2
                OR r * r * (days_low - 1) <= 1 + 1.000001 * lead * CAST(?7 AS DOUBLE PRECISION) / 1000000
                   * (SELECT sum(abs(CAST(m.delta AS DOUBLE PRECISION)))
                             * sum(abs(CAST(m.delta AS DOUBLE PRECISION))) FROM movement m
                      WHERE m.product_id = bound.product_id AND m.warehouse_id = bound.warehouse_id
                        AND m.occurred_at > ?3 AND m.occurred_at <= ?4 AND m.reason = 'sale')))
)
SELECT kept.product_id, p.sku, p.name AS product_name, kept.warehouse_id,
       w.name AS warehouse_name, kept.stock, kept.threshold, kept.max_quantity, kept.sold,
       kept.first_at,
       CASE WHEN CAST(?7 AS BIGINT) IS NULL THEN 0 ELSE
           (SELECT CAST(sum(d.units * d.units) AS BIGINT) FROM (
                SELECT -sum(m.delta) AS units FROM movement m
                WHERE m.product_id = kept.product_id AND m.warehouse_id = kept.warehouse_id
                  AND m.occurred_at > ?3 AND m.occurred_at <= ?4 AND m.reason = 'sale'
                GROUP BY (?4 - m.occurred_at) / 86400) d) END AS squares,
       CASE WHEN CAST(?7 AS BIGINT) IS NULL THEN 0 ELSE
           (SELECT count(DISTINCT (?4 - m.occurred_at) / 86400) FROM movement m
            WHERE m.product_id = kept.product_id AND m.warehouse_id = kept.warehouse_id
              AND m.occurred_at > ?3 AND m.occurred_at <= ?4 AND m.reason = 'sale') END AS sale_days,
       (SELECT CAST(coalesce(sum(l.quantity - l.received), 0) AS BIGINT)
        FROM purchase_order_line l JOIN purchase_order o ON o.id = l.order_id
        WHERE o.status = 'open' AND l.product_id = kept.product_id
          AND o.warehouse_id = kept.warehouse_id) AS on_order,
       s.id AS supplier_id, s.name AS supplier_name, s.contact_email,
       ps.lead_time_days, ps.pack_size, ps.min_order_quantity, ps.cost_cents
FROM kept
JOIN product p ON p.id = kept.product_id
JOIN warehouse w ON w.id = kept.warehouse_id
LEFT JOIN product_supplier ps ON ps.product_id = kept.product_id AND ps.is_primary
LEFT JOIN supplier s ON s.id = ps.supplier_id";

/// The names of [`SQL`]'s columns, in its order (a test holds them to the
/// statement), so a row's columns are read by name at no cost per row.
const COLUMNS: &[(&str, &str)] = &[
    ("kept.product_id", "product_id"),
    ("p.sku", "sku"),
    ("p.name", "product_name"),
    ("kept.warehouse_id", "warehouse_id"),
    ("w.name", "warehouse_name"),
    ("kept.stock", "stock"),
    ("kept.threshold", "threshold"),
    ("kept.max_quantity", "max_quantity"),
    ("kept.sold", "sold"),
    ("kept.first_at", "first_at"),
    ("squares", "squares"),
    ("sale_days", "sale_days"),
    ("on_order", "on_order"),
    ("s.id", "supplier_id"),
    ("s.name", "supplier_name"),
    ("s.contact_email", "contact_email"),
    ("ps.lead_time_days", "lead_time_days"),
    ("ps.pack_size", "pack_size"),
    ("ps.min_order_quantity", "min_order_quantity"),
    ("ps.cost_cents", "cost_cents"),
];

/// Column `$name` of [`COLUMNS`], by its position (see [`super::position`]).
macro_rules! col {
    ($name:literal) => {
        const { super::position(COLUMNS, $name) }
    };
}

/// The primary supplier of a pair and its terms.
#[derive(Debug, Clone)]
pub struct Source {
    /// The supplier.
    pub id: SupplierId,
    /// Its name.
    pub name: String,
    /// Where orders go.
    pub contact_email: Option<String>,
    /// Its lead time, if known.
    pub lead_time_days: Option<i64>,
    /// Its pack size.
    pub pack_size: i64,
    /// Its minimum order.
    pub min_order_quantity: i64,
    /// Its unit cost, if known.
    pub cost: Option<Money>,
}

/// One pair that sold in the window.
#[derive(Debug, Clone)]
pub struct Candidate {
    /// The product.
    pub product_id: ProductId,
    /// Its SKU.
    pub sku: String,
    /// Its name.
    pub product_name: String,
    /// The warehouse.
    pub warehouse_id: WarehouseId,
    /// Its name.
    pub warehouse_name: String,
    /// Units in stock.
    pub stock: i64,
    /// The threshold that applies.
    pub threshold: i64,
    /// The pair's max, if set.
    pub max: Option<i64>,
    /// Units sold in the window.
    pub sold: i64,
    /// The sum over the window's days of (units sold that day)² (0 unless
    /// a service level asked for it).
    pub sum_of_squares: i64,
    /// Days of the window with a sale (0 unless a service level asked).
    pub days_with_sales: i64,
    /// The pair's earliest movement.
    pub first_at: Timestamp,
    /// Ordered and not received on open orders.
    pub on_order: i64,
    /// The primary supplier, if any.
    pub source: Option<Source>,
}

/// The pairs of `company` (or of one warehouse, or whose primary supplier
/// is `supplier`) that sold in (`from`, `as_of`] and may have to order;
/// `fallback` where no threshold is set. `z`, the service level's normal
/// quantile, asks for the day-by-day sales (without it they read 0).
pub fn candidates(
    tx: &Tx<'_>,
    company: CompanyId,
    warehouse: Option<WarehouseId>,
    supplier: Option<SupplierId>,
    (from, as_of): (Timestamp, Timestamp),
    fallback: i64,
    z: Option<f64>,
) -> Result<Vec<Candidate>> {
    // z² in millionths, rounded up so the bound only widens (a float cast
    // saturates, and a z that is not finite keeps every pair that sold).
    let z_squared = z.map(|z| {
        let millionths = (z * z * 1e6).ceil();
        if millionths.is_finite() {
            millionths as i64
        } else {
            i64::MAX
        }
    });
    tx.query_map(
        SQL,
        params![
            company, warehouse, from, as_of, fallback, supplier, z_squared
        ],
        |r| {
            let source = match r.get::<Option<SupplierId>>(col!("supplier_id"))? {
                Some(id) => Some(Source {
                    id,
                    name: r.get(col!("supplier_name"))?,
                    contact_email: r.get(col!("contact_email"))?,
                    lead_time_days: r.get(col!("lead_time_days"))?,
                    pack_size: r.get(col!("pack_size"))?,
                    min_order_quantity: r.get(col!("min_order_quantity"))?,
                    cost: r.get(col!("cost_cents"))?,
                }),
                None => None,
            };
            Ok(Candidate {
                product_id: r.get(col!("product_id"))?,
                sku: r.get(col!("sku"))?,
                product_name: r.get(col!("product_name"))?,
                warehouse_id: r.get(col!("warehouse_id"))?,
                warehouse_name: r.get(col!("warehouse_name"))?,
                stock: r.get(col!("stock"))?,
                threshold: r.get(col!("threshold"))?,
                max: r.get(col!("max_quantity"))?,
                sold: r.get(col!("sold"))?,
                sum_of_squares: r.get(col!("squares"))?,
                days_with_sales: r.get(col!("sale_days"))?,
                first_at: r.get(col!("first_at"))?,
                on_order: r.get(col!("on_order"))?,
                source,
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
}
