//! Purchase orders, their lines and the receipts that link a `receipt`
//! movement to the line it received (SPEC 11).

use super::params;

use super::{Row, Tx};
use crate::error::{Error, Result};
use crate::model::record::{OrderStatus, OrderSupplier, OrderWarehouse};
use crate::model::{CompanyId, Money, OrderId, ProductId, Sku, SupplierId, Timestamp, WarehouseId};

/// A product as an order line needs it.
#[derive(Debug, Clone)]
pub struct Orderable {
    /// Its id.
    pub id: ProductId,
    /// The owning company.
    pub company_id: CompanyId,
    /// Its SKU, as stored.
    pub sku: String,
    /// Its name.
    pub name: String,
    /// Whether it is a bundle (never ordered).
    pub is_bundle: bool,
    /// Whether it is archived (never ordered).
    pub archived: bool,
}

/// The product whose SKU is `sku`, if it exists.
pub fn orderable(tx: &Tx<'_>, sku: &Sku) -> Result<Option<Orderable>> {
    tx.query_opt(
        "SELECT id, company_id, sku, name, is_bundle, archived FROM product WHERE sku_key = ?1",
        params![sku.key()],
        |r| {
            Ok(Orderable {
                id: r.get("id")?,
                company_id: r.get("company_id")?,
                sku: r.get("sku")?,
                name: r.get("name")?,
                is_bundle: r.get("is_bundle")?,
                archived: r.get("archived")?,
            })
        },
    )
}

/// A supplier's company, name and e-mail, if it exists.
pub fn supplier(tx: &Tx<'_>, id: SupplierId) -> Result<Option<(CompanyId, OrderSupplier)>> {
    tx.query_opt(
        "SELECT id, company_id, name, contact_email FROM supplier WHERE id = ?1",
        params![id],
        |r| {
            Ok((
                r.get("company_id")?,
                OrderSupplier {
                    id: r.get("id")?,
                    name: r.get("name")?,
                    contact_email: r.get("contact_email")?,
                },
            ))
        },
    )
}

/// The terms of a product's link to a supplier: lead time and cost, when
/// linked.
pub fn link_terms(
    tx: &Tx<'_>,
    product: ProductId,
    supplier: SupplierId,
) -> Result<Option<(Option<i64>, Option<Money>)>> {
    tx.query_opt(
        "SELECT lead_time_days, cost_cents FROM product_supplier
         WHERE product_id = ?1 AND supplier_id = ?2",
        params![product, supplier],
        |r| Ok((r.get("lead_time_days")?, r.get("cost_cents")?)),
    )
}

/// An order's own row.
#[derive(Debug, Clone)]
pub struct Head {
    /// Its id.
    pub id: OrderId,
    /// The company.
    pub company_id: CompanyId,
    /// The supplier.
    pub supplier: OrderSupplier,
    /// The warehouse.
    pub warehouse: OrderWarehouse,
    /// Where it stands.
    pub status: OrderStatus,
    /// The purchaser's reference.
    pub reference: Option<String>,
    /// When it was placed.
    pub ordered_at: Timestamp,
    /// When it is expected.
    pub expected_at: Option<Timestamp>,
    /// When its first receipt was recorded.
    pub first_received_at: Option<Timestamp>,
}

/// What a new order row holds.
#[derive(Debug, Clone, Copy)]
pub struct NewOrder<'a> {
    /// The company.
    pub company: CompanyId,
    /// The supplier.
    pub supplier: SupplierId,
    /// The warehouse.
    pub warehouse: WarehouseId,
    /// The purchaser's reference.
    pub reference: Option<&'a str>,
    /// When it was placed.
    pub ordered_at: Timestamp,
    /// When it is expected.
    pub expected_at: Option<Timestamp>,
    /// When it was written.
    pub created_at: Timestamp,
}

/// Inserts an open order; returns its id.
pub fn insert(tx: &Tx<'_>, new: &NewOrder<'_>) -> Result<OrderId> {
    tx.query_row(
        "INSERT INTO purchase_order
             (company_id, supplier_id, warehouse_id, status, reference, ordered_at, expected_at, created_at)
         VALUES (?1, ?2, ?3, 'open', ?4, ?5, ?6, ?7) RETURNING id",
        params![
            new.company,
            new.supplier,
            new.warehouse,
            new.reference,
            new.ordered_at,
            new.expected_at,
            new.created_at
        ],
        |r| r.get("id"),
    )
}

/// What a new order line holds.
#[derive(Debug, Clone, Copy)]
pub struct NewLine {
    /// The product.
    pub product: ProductId,
    /// Its 1-based position on the order.
    pub line_no: i64,
    /// Units ordered (≥ 1).
    pub quantity: i64,
    /// Cost per unit.
    pub unit_cost: Option<Money>,
}

/// Inserts one line of order `order` of `company`.
pub fn insert_line(tx: &Tx<'_>, order: OrderId, company: CompanyId, line: &NewLine) -> Result<()> {
    tx.execute(
        "INSERT INTO purchase_order_line
             (order_id, product_id, company_id, line_no, quantity, received, unit_cost_cents)
         VALUES (?1, ?2, ?3, ?4, ?5, 0, ?6)",
        params![
            order,
            line.product,
            company,
            line.line_no,
            line.quantity,
            line.unit_cost
        ],
    )?;
    Ok(())
}

const HEAD: &str = "SELECT o.id, o.company_id, o.status, o.reference, o.ordered_at, o.expected_at,
        o.first_received_at, o.supplier_id, s.name AS supplier_name,
        s.contact_email AS supplier_email, o.warehouse_id, w.name AS warehouse_name
 FROM purchase_order o
 JOIN supplier s ON s.id = o.supplier_id
 JOIN warehouse w ON w.id = o.warehouse_id";

fn head(r: &Row<'_>) -> Result<Head> {
    let status: String = r.get("status")?;
    let status = OrderStatus::parse(&status).ok_or_else(|| {
        Error::new(
            crate::Kind::Internal,
            format!("purchase_order.status holds an unknown status: {status}"),
        )
    })?;
    Ok(Head {
        id: r.get("id")?,
        company_id: r.get("company_id")?,
        supplier: OrderSupplier {
            id: r.get("supplier_id")?,
            name: r.get("supplier_name")?,
            contact_email: r.get("supplier_email")?,
        },
        warehouse: OrderWarehouse {
            id: r.get("warehouse_id")?,
            name: r.get("warehouse_name")?,
        },
        status,
        reference: r.get("reference")?,
        ordered_at: r.get("ordered_at")?,
        expected_at: r.get("expected_at")?,
        first_received_at: r.get("first_received_at")?,
    })
}

/// An order's row, if it exists.
pub fn head_of(tx: &Tx<'_>, id: OrderId) -> Result<Option<Head>> {
    tx.query_opt(&format!("{HEAD} WHERE o.id = ?1"), params![id], head)
}

/// Locks an order's row until commit (PostgreSQL), so writers of one order
/// (receipts, a close) queue and each decides on what the last one wrote.
pub fn lock(tx: &Tx<'_>, id: OrderId) -> Result<()> {
    tx.lock("SELECT 1 FROM purchase_order WHERE id = ?1", params![id])
}

/// The orders `company` (or every company) has with `supplier` (or any),
/// in `statuses`, by id.
pub fn heads(
    tx: &Tx<'_>,
    company: Option<CompanyId>,
    supplier: Option<SupplierId>,
    statuses: &[OrderStatus],
) -> Result<Vec<Head>> {
    let words: Vec<&str> = statuses.iter().map(|s| s.as_str()).collect();
    let [a, b, c] = [0, 1, 2].map(|i| words.get(i).copied());
    tx.query_map(
        &format!(
            "{HEAD} WHERE (CAST(?1 AS BIGINT) IS NULL OR o.company_id = ?1)
               AND (CAST(?2 AS BIGINT) IS NULL OR o.supplier_id = ?2)
               AND o.status IN (?3, ?4, ?5)
             ORDER BY o.id"
        ),
        params![company, supplier, a, b, c],
        head,
    )
}

/// One stored order line with its product's SKU and name.
#[derive(Debug, Clone)]
pub struct LineRow {
    /// The product.
    pub product: ProductId,
    /// Its SKU.
    pub sku: String,
    /// Its name.
    pub name: String,
    /// Units ordered.
    pub quantity: i64,
    /// Units received.
    pub received: i64,
    /// Cost per unit.
    pub unit_cost: Option<Money>,
}

/// An order's lines, in the order given.
pub fn lines(tx: &Tx<'_>, order: OrderId) -> Result<Vec<LineRow>> {
    tx.query_map(
        "SELECT l.product_id, p.sku, p.name, l.quantity, l.received, l.unit_cost_cents
         FROM purchase_order_line l JOIN product p ON p.id = l.product_id
         WHERE l.order_id = ?1 ORDER BY l.line_no",
        params![order],
        |r| {
            Ok(LineRow {
                product: r.get("product_id")?,
                sku: r.get("sku")?,
                name: r.get("name")?,
                quantity: r.get("quantity")?,
                received: r.get("received")?,
                unit_cost: r.get("unit_cost_cents")?,
            })
        },
    )
}

/// Sets a line's received quantity.
pub fn set_received(tx: &Tx<'_>, order: OrderId, product: ProductId, received: i64) -> Result<()> {
    tx.execute(
        "UPDATE purchase_order_line SET received = ?3 WHERE order_id = ?1 AND product_id = ?2",
        params![order, product, received],
    )?;
    Ok(())
}

/// Records that movement `movement` received order `order`'s line of `product`.
pub fn insert_receipt(
    tx: &Tx<'_>,
    movement: i64,
    order: OrderId,
    product: ProductId,
) -> Result<()> {
    tx.execute(
        "INSERT INTO purchase_receipt (movement_id, order_id, product_id) VALUES (?1, ?2, ?3)",
        params![movement, order, product],
    )?;
    Ok(())
}

/// After a receipt: the order's status, and its first receipt's time unless
/// one is already set.
pub fn received(tx: &Tx<'_>, order: OrderId, status: OrderStatus, at: Timestamp) -> Result<()> {
    tx.execute(
        "UPDATE purchase_order SET status = ?2, first_received_at = coalesce(first_received_at, ?3)
         WHERE id = ?1",
        params![order, status.as_str(), at],
    )?;
    Ok(())
}

/// Closes an order at `at`.
pub fn close(tx: &Tx<'_>, order: OrderId, at: Timestamp) -> Result<()> {
    tx.execute(
        "UPDATE purchase_order SET status = 'closed', closed_at = ?2 WHERE id = ?1",
        params![order, at],
    )?;
    Ok(())
}
