//! `reorder plan`: every (product, warehouse) the replenishment rule says
//! to order, as one draft purchase order per (primary supplier, warehouse),
//! priced from the supplier links (SPEC section 11).

use std::collections::BTreeMap;

use serde::Serialize;

use super::alerts::{MAX_DAYS, SupplierRef};
use super::lookup::{self, Tenant};
use super::order::{self, DraftLine, Order};
use super::replenish::{self, Pair, Sales, ServiceLevel};
use super::threshold::FALLBACK;
use crate::Ctx;
use crate::error::{Error, Result};
use crate::model::{Amount, CompanyId, Money, Sku, SupplierId, Timestamp, WarehouseId};
use crate::store::plan::{self as stored, Candidate};
use crate::store::{Db, Tx};

/// What to plan.
#[derive(Debug, Clone)]
pub struct Query {
    /// The company.
    pub company: CompanyId,
    /// Only this warehouse (of the company).
    pub warehouse: Option<WarehouseId>,
    /// Only the pairs whose primary supplier is this one.
    pub supplier: Option<SupplierId>,
    /// Length of the sales window in days (>= 1).
    pub days: i64,
    /// End of the window (inclusive); orders are expected from here on.
    pub as_of: Timestamp,
    /// Days of sales an order covers beyond the lead time.
    pub cover_days: i64,
    /// Hold safety stock for this service level.
    pub service_level: Option<ServiceLevel>,
}

/// A warehouse as a draft order names it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "serve", derive(utoipa::ToSchema))]
pub struct WarehouseRef {
    /// Its id.
    pub id: WarehouseId,
    /// Its name.
    pub name: String,
}

/// One product to order, with the rule's figures (SPEC 11's keys).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "serve", derive(utoipa::ToSchema))]
pub struct Line {
    /// The product's SKU.
    pub sku: String,
    /// Its name.
    pub product_name: String,
    /// Units in stock.
    pub stock: i64,
    /// Units on open orders, not yet received.
    pub on_order: i64,
    /// stock + on order.
    pub position: i64,
    /// Units sold in the window.
    pub sold: i64,
    /// The window's length in days.
    pub window_days: i64,
    /// The primary supplier's lead time (0 without one).
    pub lead_time_days: i64,
    /// Safety stock.
    pub safety_stock: i64,
    /// Why there is no safety stock although a service level was asked for.
    pub safety_stock_note: Option<String>,
    /// Order when the position is below this.
    pub reorder_point: i64,
    /// What the order brings the position up to.
    pub target: i64,
    /// target − position.
    pub need: i64,
    /// The supplier's pack size.
    pub pack_size: i64,
    /// The supplier's minimum order.
    pub min_order_quantity: i64,
    /// What to order.
    pub quantity: i64,
    /// The order takes the position past the pair's max.
    pub over_max: bool,
    /// The link's unit cost, if known.
    #[cfg_attr(feature = "serve", schema(value_type = Option<String>))]
    pub unit_cost: Option<Money>,
    /// quantity × unit cost, if the cost is known.
    #[cfg_attr(feature = "serve", schema(value_type = Option<String>))]
    pub line_total: Option<Amount>,
    /// The computation in one line.
    pub explain: String,
    /// The link's lead time as set (`lead_time_days` is 0 when none is).
    #[serde(skip)]
    pub link_lead_time: Option<i64>,
}

/// One draft purchase order: a supplier (or none), a warehouse, its lines.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "serve", derive(utoipa::ToSchema))]
pub struct Draft {
    /// The primary supplier of every line (null: products without one).
    pub supplier: Option<SupplierRef>,
    /// Where the goods go.
    pub warehouse: WarehouseRef,
    /// as-of + the first line's lead time (null without a supplier or a lead time).
    pub expected_at: Option<Timestamp>,
    /// The lines, by SKU.
    pub lines: Vec<Line>,
    /// The sum of the line totals that are known.
    #[cfg_attr(feature = "serve", schema(value_type = String))]
    pub total_cost: Amount,
    /// Lines without a unit cost, left out of the total.
    #[serde(skip)]
    pub uncosted: usize,
}

/// The plan: draft orders by supplier name then warehouse, no supplier last.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "serve", derive(utoipa::ToSchema))]
pub struct Plan {
    /// The draft orders.
    pub orders: Vec<Draft>,
    /// Lines in all the orders.
    pub total_lines: usize,
}

/// The reorder plan of one company.
pub fn plan(db: &mut Db, q: &Query) -> Result<Plan> {
    plan_as(db, Tenant::Any, q)
}

/// [`plan`] as `tenant` sees the database.
pub(crate) fn plan_as(db: &mut Db, tenant: Tenant, q: &Query) -> Result<Plan> {
    check(tenant, q)?;
    db.read(|tx| plan_in(tx, tenant, q))
}

/// `reorder plan --commit`: opens every draft order that has a supplier as
/// a purchase order, all in one transaction, and returns them. What it
/// orders is then on order, so running it again right after orders nothing.
pub fn commit(db: &mut Db, ctx: &Ctx, q: &Query) -> Result<Vec<Order>> {
    check(Tenant::Any, q)?;
    db.write_retrying(|tx| {
        // Two commits of one company queue: the second sees the first's orders.
        tx.lock_key(&format!("reorder plan {}", q.company))?;
        let plan = plan_in(tx, Tenant::Any, q)?;
        plan.orders
            .iter()
            .filter_map(|d| d.supplier.as_ref().map(|s| (s.id, d)))
            .map(|(supplier, d)| order::open(tx, ctx, &draft(supplier, d)?))
            .collect()
    })
}

/// The purchase order a draft becomes: its lines at the link's cost, due
/// its ordered date plus the first line's lead time (as `order create`).
fn draft(supplier: SupplierId, d: &Draft) -> Result<order::Draft> {
    let lines = d
        .lines
        .iter()
        .map(|l| {
            Ok(DraftLine {
                sku: Sku::parse(&l.sku)?,
                quantity: l.quantity,
                unit_cost: l.unit_cost,
            })
        })
        .collect::<Result<_>>()?;
    Ok(order::Draft {
        supplier,
        warehouse: d.warehouse.id,
        lines,
        reference: None,
        expected_at: None,
        ordered_at: None,
    })
}

/// Refuses what no database is needed to refuse.
fn check(tenant: Tenant, q: &Query) -> Result<()> {
    tenant.company(q.company)?;
    if !(1..=MAX_DAYS).contains(&q.days) {
        return Err(Error::invalid(format!(
            "days must be between 1 and {MAX_DAYS}: {}",
            q.days
        )));
    }
    Ok(())
}

/// [`plan`] inside the caller's transaction.
pub(crate) fn plan_in(tx: &Tx<'_>, tenant: Tenant, q: &Query) -> Result<Plan> {
    lookup::company(tx, q.company)?;
    if let Some(w) = q.warehouse {
        lookup::warehouse_for(tx, w, q.company, tenant)?;
    }
    if let Some(s) = q.supplier {
        lookup::supplier_of(tx, s, q.company).map_err(|e| match tenant {
            Tenant::Only(_) => Error::not_found(format!("supplier {s} does not exist")),
            Tenant::Any => e,
        })?;
    }
    let window = (q.as_of.plus_days(-q.days), q.as_of);
    let z = q.service_level.map(ServiceLevel::z);
    let rows = stored::candidates(tx, q.company, q.warehouse, q.supplier, window, FALLBACK, z)
        .map_err(|e| {
            if crate::store::is_overflow(&e) {
                Error::database(format!(
                    "the ledger's sales cannot be summed ({e}); run `stockflow check`"
                ))
            } else {
                e
            }
        })?;
    group(rows, q)
}

/// One row through the rule: its line, if there is anything to order.
fn line(c: &Candidate, q: &Query) -> Option<Line> {
    let window_days =
        replenish::window_days(q.days, q.as_of.unix_seconds(), c.first_at.unix_seconds());
    let source = c.source.as_ref();
    let r = Pair {
        stock: c.stock,
        on_order: c.on_order,
        threshold: c.threshold,
        max: c.max,
        sales: Sales {
            sold: c.sold,
            sum_of_squares: c.sum_of_squares.into(),
            days_with_sales: c.days_with_sales,
        },
        window_days,
        lead_time_days: source.and_then(|s| s.lead_time_days).unwrap_or(0),
        cover_days: q.cover_days,
        pack_size: source.map_or(1, |s| s.pack_size),
        min_order_quantity: source.map_or(0, |s| s.min_order_quantity),
        service_level: q.service_level,
    }
    .replenish();
    if r.quantity <= 0 {
        return None;
    }
    let unit_cost = source.and_then(|s| s.cost);
    Some(Line {
        sku: c.sku.clone(),
        product_name: c.product_name.clone(),
        stock: r.stock,
        on_order: r.on_order,
        position: r.position,
        sold: r.sold,
        window_days: r.window_days,
        lead_time_days: r.lead_time_days,
        safety_stock: r.safety_stock,
        safety_stock_note: r.safety_stock_note,
        reorder_point: r.reorder_point,
        target: r.target,
        need: r.need,
        pack_size: r.pack_size,
        min_order_quantity: r.min_order_quantity,
        quantity: r.quantity,
        over_max: r.over_max,
        unit_cost,
        line_total: unit_cost.map(|u| Amount::of(r.quantity, u)),
        explain: r.explain,
        link_lead_time: source.and_then(|s| s.lead_time_days),
    })
}

/// The lines grouped per (supplier, warehouse): groups by supplier name
/// (no supplier last) then warehouse id, lines by SKU.
fn group(rows: Vec<Candidate>, q: &Query) -> Result<Plan> {
    type Key = (bool, String, Option<SupplierId>, WarehouseId);
    let mut groups: BTreeMap<Key, Draft> = BTreeMap::new();
    for c in rows {
        let Some(line) = line(&c, q) else { continue };
        let source = c.source.as_ref();
        let key = (
            source.is_none(),
            source.map(|s| s.name.clone()).unwrap_or_default(),
            source.map(|s| s.id),
            c.warehouse_id,
        );
        groups
            .entry(key)
            .or_insert_with(|| Draft {
                supplier: source.map(|s| SupplierRef {
                    id: s.id,
                    name: s.name.clone(),
                    contact_email: s.contact_email.clone(),
                }),
                warehouse: WarehouseRef {
                    id: c.warehouse_id,
                    name: c.warehouse_name.clone(),
                },
                expected_at: None,
                lines: Vec::new(),
                total_cost: Amount::default(),
                uncosted: 0,
            })
            .lines
            .push(line);
    }
    let mut orders = Vec::with_capacity(groups.len());
    for mut draft in groups.into_values() {
        draft.lines.sort_by(|a, b| a.sku.cmp(&b.sku));
        finish(&mut draft, q)?;
        orders.push(draft);
    }
    let total_lines = orders.iter().map(|o| o.lines.len()).sum();
    Ok(Plan {
        orders,
        total_lines,
    })
}

/// A draft's total, its uncosted lines and its expected date (as-of + the
/// first line's lead time, as an order placed then would be).
fn finish(draft: &mut Draft, q: &Query) -> Result<()> {
    for line in &draft.lines {
        match line.line_total {
            Some(total) => {
                draft.total_cost = draft.total_cost.checked_add(total).ok_or_else(|| {
                    Error::new(
                        crate::Kind::Internal,
                        format!("the order's total passes 128 bits at {}", line.sku),
                    )
                })?;
            }
            None => draft.uncosted += 1,
        }
    }
    draft.expected_at = draft
        .lines
        .first()
        .and_then(|l| l.link_lead_time)
        .filter(|_| draft.supplier.is_some())
        .map(|days| q.as_of.plus_days(days));
    Ok(())
}
