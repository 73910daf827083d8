//! The reorder plan's rows: every (product, warehouse) of a company that
//! sold in the window, with what the replenishment rule needs to know about
//! it — stock, thresholds, terms of its primary supplier, what is on order,
//! and its sales day by day (their count, sum and sum of squares, for σ).
//!
//! Unlike the alerts, the plan cannot keep only the pairs below their
//! threshold first (the reorder point may be above it), so it starts from
//! the window's sales: one pass over the company's sale movements of the
//! window, grouped per pair and day.

use super::params;

use super::Tx;
use crate::error::Result;
use crate::model::{CompanyId, Money, ProductId, SupplierId, Timestamp, WarehouseId};

/// The rows as one statement: `?1` company, `?2` warehouse or NULL, `?3`
/// window start (exclusive), `?4` as-of (inclusive), `?5` the threshold when
/// none is set, `?6` supplier or NULL (the primary one).
const SQL: &str = "
WITH daily AS (
    SELECT m.product_id, m.warehouse_id, (?4 - m.occurred_at) / 86400 AS day,
           -sum(m.delta) AS units
    FROM movement m JOIN product p ON p.id = m.product_id
    WHERE p.company_id = ?1 AND NOT p.archived AND NOT p.is_bundle
      AND (CAST(?2 AS BIGINT) IS NULL OR m.warehouse_id = ?2)
      AND m.reason = 'sale' AND m.occurred_at > ?3 AND m.occurred_at <= ?4
    GROUP BY 1, 2, 3
),
sales AS (
    SELECT product_id, warehouse_id, CAST(sum(units) AS BIGINT) AS sold,
           CAST(sum(units * units) AS BIGINT) AS squares, count(*) AS sale_days
    FROM daily GROUP BY product_id, warehouse_id
)
SELECT sales.product_id, p.sku, p.name AS product_name, sales.warehouse_id,
       w.name AS warehouse_name, i.quantity AS stock,
       coalesce(lt.quantity, p.threshold, tt.quantity, c.default_threshold, ?5) AS threshold,
       lt.max_quantity, sales.sold, sales.squares, sales.sale_days,
       (SELECT min(m.occurred_at) FROM movement m
        WHERE m.product_id = sales.product_id AND m.warehouse_id = sales.warehouse_id) AS first_at,
       (SELECT CAST(coalesce(sum(l.quantity - l.received), 0) AS BIGINT)
        FROM purchase_order_line l JOIN purchase_order o ON o.id = l.order_id
        WHERE o.status = 'open' AND l.product_id = sales.product_id
          AND o.warehouse_id = sales.warehouse_id) AS on_order,
       s.id AS supplier_id, s.name AS supplier_name, s.contact_email,
       ps.lead_time_days, ps.pack_size, ps.min_order_quantity, ps.cost_cents
FROM sales
JOIN inventory i ON i.product_id = sales.product_id AND i.warehouse_id = sales.warehouse_id
JOIN product p ON p.id = sales.product_id
JOIN company c ON c.id = p.company_id
JOIN warehouse w ON w.id = sales.warehouse_id
LEFT JOIN type_threshold tt ON tt.company_id = p.company_id AND lower(tt.type) = lower(p.type)
LEFT JOIN location_threshold lt
       ON lt.product_id = sales.product_id AND lt.warehouse_id = sales.warehouse_id
LEFT JOIN product_supplier ps ON ps.product_id = sales.product_id AND ps.is_primary
LEFT JOIN supplier s ON s.id = ps.supplier_id
WHERE sales.sold > 0 AND (CAST(?6 AS BIGINT) IS NULL OR ps.supplier_id = ?6)";

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
    /// The sum over the window's days of (units sold that day)².
    pub sum_of_squares: i64,
    /// Days of the window with a sale.
    pub days_with_sales: i64,
    /// The pair's earliest movement.
    pub first_at: Timestamp,
    /// Ordered and not received on open orders.
    pub on_order: i64,
    /// The primary supplier, if any.
    pub source: Option<Source>,
}

/// The pairs of `company` (or of one warehouse, or whose primary supplier
/// is `supplier`) that sold in (`from`, `as_of`]; `fallback` where no
/// threshold is set.
pub fn candidates(
    tx: &Tx<'_>,
    company: CompanyId,
    warehouse: Option<WarehouseId>,
    supplier: Option<SupplierId>,
    (from, as_of): (Timestamp, Timestamp),
    fallback: i64,
) -> Result<Vec<Candidate>> {
    tx.query_map(
        SQL,
        params![company, warehouse, from, as_of, fallback, supplier],
        |r| {
            let source = match r.get::<Option<SupplierId>>("supplier_id")? {
                Some(id) => Some(Source {
                    id,
                    name: r.get("supplier_name")?,
                    contact_email: r.get("contact_email")?,
                    lead_time_days: r.get("lead_time_days")?,
                    pack_size: r.get("pack_size")?,
                    min_order_quantity: r.get("min_order_quantity")?,
                    cost: r.get("cost_cents")?,
                }),
                None => None,
            };
            Ok(Candidate {
                product_id: r.get("product_id")?,
                sku: r.get("sku")?,
                product_name: r.get("product_name")?,
                warehouse_id: r.get("warehouse_id")?,
                warehouse_name: r.get("warehouse_name")?,
                stock: r.get("stock")?,
                threshold: r.get("threshold")?,
                max: r.get("max_quantity")?,
                sold: r.get("sold")?,
                sum_of_squares: r.get("squares")?,
                days_with_sales: r.get("sale_days")?,
                first_at: r.get("first_at")?,
                on_order: r.get("on_order")?,
                source,
            })
        },
    )
}
