//! Purchase orders (SPEC 11): opening one, receiving against it, closing it,
//! and reading them back. Receipts go through the one ledger write path.

use super::adjust::named;
use super::ledger::Ledger;
use super::lookup::{self, Tenant};
use super::movement::{Entry, Movement};
use crate::Ctx;
use crate::error::{Error, Result};
use crate::model::{
    Amount, CompanyId, MAX_UNITS, Money, OrderId, Reason, Sku, SupplierId, Timestamp, WarehouseId,
    free_text, sku_key,
};
use crate::store::order::{self as stored, Head, LineRow, NewLine, NewOrder};
use crate::store::{Db, Tx};

pub use crate::model::record::{Order, OrderLine, OrderStatus, OrderSupplier, OrderWarehouse};

/// One line of an order to open.
#[derive(Debug, Clone)]
pub struct DraftLine {
    /// The product.
    pub sku: Sku,
    /// Units to order (1 to `MAX_UNITS`).
    pub quantity: i64,
    /// Cost per unit; `None` takes the supplier link's cost (null when unlinked).
    pub unit_cost: Option<Money>,
}

/// An order to open.
#[derive(Debug, Clone)]
pub struct Draft {
    /// Who supplies it; the order is this supplier's company's.
    pub supplier: SupplierId,
    /// Where it is delivered (of the supplier's company).
    pub warehouse: WarehouseId,
    /// Its lines, each SKU once, at least one.
    pub lines: Vec<DraftLine>,
    /// The purchaser's reference.
    pub reference: Option<String>,
    /// When it is expected; `None`: ordered_at + the first line's lead time.
    pub expected_at: Option<Timestamp>,
    /// When it was placed; `None`: now.
    pub ordered_at: Option<Timestamp>,
}

/// Opens an order in one write transaction.
pub fn create(db: &mut Db, ctx: &Ctx, draft: &Draft) -> Result<Order> {
    db.write_retrying(|tx| open(tx, ctx, draft))
}

/// Opens an order inside the caller's write transaction (`reorder plan
/// --commit` opens several in one).
pub fn open(tx: &Tx<'_>, ctx: &Ctx, draft: &Draft) -> Result<Order> {
    open_for(tx, ctx, Tenant::Any, draft)
}

/// [`open`] for a tenant: another company's supplier, warehouse or product
/// is not found, exactly as a missing one.
pub(crate) fn open_for(tx: &Tx<'_>, ctx: &Ctx, tenant: Tenant, draft: &Draft) -> Result<Order> {
    free_text("reference", draft.reference.as_deref())?;
    if draft.lines.is_empty() {
        return Err(Error::invalid("an order needs at least one line"));
    }
    let (company, _) = stored::supplier(tx, draft.supplier)?
        .filter(|(c, _)| tenant.only().is_none_or(|t| t == *c))
        .ok_or_else(|| Error::not_found(format!("supplier {} does not exist", draft.supplier)))?;
    lookup::warehouse_for(tx, draft.warehouse, company, tenant)?;
    let mut lines = Vec::with_capacity(draft.lines.len());
    let mut lead_time = None;
    for (i, line) in draft.lines.iter().enumerate() {
        if !(1..=MAX_UNITS).contains(&line.quantity) {
            return Err(Error::invalid(format!(
                "quantity of {} must be between 1 and {MAX_UNITS}: {}",
                line.sku, line.quantity
            )));
        }
        if draft.lines[..i]
            .iter()
            .any(|l| l.sku.key() == line.sku.key())
        {
            return Err(Error::invalid(format!(
                "{} is on the order twice: give each SKU one line",
                line.sku
            )));
        }
        let product = stored::orderable(tx, &line.sku)?
            .filter(|p| p.company_id == company || tenant == Tenant::Any)
            .ok_or_else(|| Error::not_found(format!("product {} does not exist", line.sku)))?;
        if product.company_id != company {
            return Err(Error::not_found(format!(
                "product {} does not belong to company {company}",
                product.sku
            )));
        }
        if product.is_bundle {
            return Err(Error::invalid(format!(
                "{} is a bundle: order its components",
                product.sku
            )));
        }
        if product.archived {
            return Err(Error::invalid(format!(
                "{} is archived and cannot be ordered",
                product.sku
            )));
        }
        let terms = stored::link_terms(tx, product.id, draft.supplier)?;
        if i == 0 {
            lead_time = terms.and_then(|(lead, _)| lead);
        }
        lines.push(NewLine {
            product: product.id,
            line_no: i64::try_from(i + 1).unwrap_or(i64::MAX),
            quantity: line.quantity,
            unit_cost: line.unit_cost.or(terms.and_then(|(_, cost)| cost)),
        });
    }
    let ordered_at = draft.ordered_at.unwrap_or(ctx.now);
    let expected_at = draft
        .expected_at
        .or_else(|| lead_time.map(|days| ordered_at.plus_days(days)));
    let id = stored::insert(
        tx,
        &NewOrder {
            company,
            supplier: draft.supplier,
            warehouse: draft.warehouse,
            reference: draft.reference.as_deref(),
            ordered_at,
            expected_at,
            created_at: ctx.now,
        },
    )?;
    for line in &lines {
        stored::insert_line(tx, id, company, line)?;
    }
    load(tx, id, Tenant::Any)
}

/// The order `id` as `tenant` sees it.
fn load(tx: &Tx<'_>, id: OrderId, tenant: Tenant) -> Result<Order> {
    let head = head(tx, id, tenant)?;
    let lines = stored::lines(tx, id)?;
    assemble(head, &lines)
}

fn head(tx: &Tx<'_>, id: OrderId, tenant: Tenant) -> Result<Head> {
    stored::head_of(tx, id)?
        .filter(|h| tenant.only().is_none_or(|c| c == h.company_id))
        .ok_or_else(|| Error::not_found(format!("purchase order {id} does not exist")))
}

fn assemble(head: Head, rows: &[LineRow]) -> Result<Order> {
    let mut total: Option<Amount> = None;
    let mut lines = Vec::with_capacity(rows.len());
    for r in rows {
        let line_total = r.unit_cost.map(|c| Amount::of(r.quantity, c));
        if let Some(t) = line_total {
            total = Some(
                total
                    .unwrap_or_default()
                    .checked_add(t)
                    .ok_or_else(|| Error::invalid("the order's total cost is out of range"))?,
            );
        }
        lines.push(OrderLine {
            sku: r.sku.clone(),
            product_name: r.name.clone(),
            quantity: r.quantity,
            received: r.received,
            outstanding: r.quantity - r.received,
            unit_cost: r.unit_cost,
            line_total,
        });
    }
    Ok(Order {
        id: head.id,
        company_id: head.company_id,
        supplier: head.supplier,
        warehouse: head.warehouse,
        status: head.status,
        reference: head.reference,
        ordered_at: head.ordered_at,
        expected_at: head.expected_at,
        lines,
        total_cost: total,
    })
}

/// One order.
pub fn show(db: &mut Db, id: OrderId) -> Result<Order> {
    show_for(db, Tenant::Any, id)
}

/// [`show`] for a tenant.
pub(crate) fn show_for(db: &mut Db, tenant: Tenant, id: OrderId) -> Result<Order> {
    db.read(|tx| load(tx, id, tenant))
}

/// Which orders a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Which {
    /// Goods still expected (`open`): the default.
    Open,
    /// Nothing more expected: `received` and `closed`.
    Closed,
    /// Every order.
    All,
}

impl Which {
    /// `open`, `closed` or `all`.
    pub fn parse(text: &str) -> Result<Self> {
        match text {
            "open" => Ok(Self::Open),
            "closed" => Ok(Self::Closed),
            "all" => Ok(Self::All),
            _ => Err(Error::invalid(format!(
                "status must be open, closed or all: {text}"
            ))),
        }
    }

    fn statuses(self) -> &'static [OrderStatus] {
        match self {
            Self::Open => &[OrderStatus::Open],
            Self::Closed => &[OrderStatus::Received, OrderStatus::Closed],
            Self::All => &[
                OrderStatus::Open,
                OrderStatus::Received,
                OrderStatus::Closed,
            ],
        }
    }
}

/// What `order list` asks for.
#[derive(Debug, Clone, Copy)]
pub struct Filter {
    /// Only this company's.
    pub company: Option<CompanyId>,
    /// Only this supplier's.
    pub supplier: Option<SupplierId>,
    /// Which statuses.
    pub which: Which,
}

/// Orders, by id.
pub fn list(db: &mut Db, filter: &Filter) -> Result<Vec<Order>> {
    list_for(db, Tenant::Any, filter)
}

/// [`list`] for a tenant: its own company's orders only.
pub(crate) fn list_for(db: &mut Db, tenant: Tenant, filter: &Filter) -> Result<Vec<Order>> {
    db.read(|tx| {
        if let Some(c) = filter.company {
            tenant.company(c)?;
            lookup::company(tx, c)?;
        }
        if let Some(s) = filter.supplier {
            stored::supplier(tx, s)?
                .filter(|(c, _)| tenant.only().is_none_or(|t| t == *c))
                .ok_or_else(|| Error::not_found(format!("supplier {s} does not exist")))?;
        }
        let company = filter.company.or(tenant.only());
        stored::heads(tx, company, filter.supplier, filter.which.statuses())?
            .into_iter()
            .map(|h| {
                let lines = stored::lines(tx, h.id)?;
                assemble(h, &lines)
            })
            .collect()
    })
}

/// One line of a receipt.
#[derive(Debug, Clone)]
pub struct ReceiptLine {
    /// The product (on the order).
    pub sku: Sku,
    /// Units received (1 to the line's outstanding quantity).
    pub quantity: i64,
}

/// What `order receive` records.
#[derive(Debug, Clone)]
pub struct Receipt {
    /// The order.
    pub order: OrderId,
    /// The lines received; empty: everything outstanding.
    pub lines: Vec<ReceiptLine>,
    /// When the goods arrived (default: now).
    pub at: Option<Timestamp>,
    /// Free-text note on each movement.
    pub note: Option<String>,
}

/// A receipt's result: the order as it now stands and the movements written.
#[derive(Debug, Clone, serde::Serialize)]
#[cfg_attr(feature = "serve", derive(utoipa::ToSchema))]
pub struct Received {
    /// The order after the receipt.
    pub order: Order,
    /// One `receipt` movement per line received, in line order.
    pub movements: Vec<Movement>,
}

/// Records a receipt in one write transaction.
pub fn receive(db: &mut Db, ctx: &Ctx, receipt: &Receipt) -> Result<Received> {
    db.write_retrying(|tx| receive_in(tx, ctx, Tenant::Any, receipt))
}

/// [`receive`] inside the caller's write transaction, for a tenant.
pub(crate) fn receive_in(
    tx: &Tx<'_>,
    ctx: &Ctx,
    tenant: Tenant,
    receipt: &Receipt,
) -> Result<Received> {
    free_text("note", receipt.note.as_deref())?;
    // The ledger's turn first (as every ledger writer), then the order's
    // row: two receipts of one order queue, the second deciding on what the
    // first wrote.
    let mut ledger = Ledger::for_tenant(tx, ctx, tenant)?;
    let id = receipt.order;
    stored::lock(tx, id)?;
    let head = head(tx, id, tenant)?;
    if head.status != OrderStatus::Open {
        return Err(Error::conflict(format!(
            "purchase order {id} is {}: nothing more can be received",
            head.status.as_str()
        )));
    }
    let mut rows = stored::lines(tx, id)?;
    let mut take = vec![0_i64; rows.len()];
    if receipt.lines.is_empty() {
        for (t, r) in take.iter_mut().zip(&rows) {
            *t = r.quantity - r.received;
        }
    }
    for (i, line) in receipt.lines.iter().enumerate() {
        if receipt.lines[..i]
            .iter()
            .any(|l| l.sku.key() == line.sku.key())
        {
            return Err(Error::invalid(format!(
                "{} is received twice: give each SKU one line",
                line.sku
            )));
        }
        if !(1..=MAX_UNITS).contains(&line.quantity) {
            return Err(Error::invalid(format!(
                "quantity of {} must be between 1 and {MAX_UNITS}: {}",
                line.sku, line.quantity
            )));
        }
        let at = rows
            .iter()
            .position(|r| sku_key(&r.sku) == line.sku.key())
            .ok_or_else(|| {
                Error::conflict(format!("{} is not on purchase order {id}", line.sku))
            })?;
        let outstanding = rows[at].quantity - rows[at].received;
        if line.quantity > outstanding {
            return Err(Error::conflict(format!(
                "receiving {} of {} on purchase order {id} is more than the {outstanding} outstanding",
                line.quantity, line.sku
            )));
        }
        take[at] = line.quantity;
    }
    let reference = format!("PO-{id}");
    let occurred_at = receipt.at.unwrap_or(ctx.now);
    let mut pairs: Vec<_> = rows
        .iter()
        .zip(&take)
        .filter(|(_, t)| **t > 0)
        .map(|(r, _)| (r.product, head.warehouse.id, head.company_id))
        .collect();
    ledger.lock_in_order(&mut pairs)?;
    let mut movements = Vec::new();
    for (r, &n) in rows.iter_mut().zip(&take) {
        if n == 0 {
            continue;
        }
        let entry = Entry {
            product: r.product,
            company: head.company_id,
            sku: &r.sku,
            warehouse: head.warehouse.id,
            delta: n,
            reason: Reason::Receipt,
            note: receipt.note.as_deref(),
            reference: Some(&reference),
            occurred_at,
            bundle: None,
        };
        let written = ledger.apply(&entry)?;
        let movement = super::adjust::written(&entry, written, ctx, None)?;
        stored::insert_receipt(tx, movement.id, id, r.product)?;
        r.received += n;
        stored::set_received(tx, id, r.product, r.received)?;
        movements.push(movement);
    }
    if movements.is_empty() {
        return Err(Error::conflict(format!(
            "purchase order {id} has nothing outstanding to receive"
        )));
    }
    named(&mut ledger, &mut movements)?;
    ledger.finish()?;
    let status = if rows.iter().all(|r| r.received == r.quantity) {
        OrderStatus::Received
    } else {
        OrderStatus::Open
    };
    stored::received(tx, id, status, occurred_at)?;
    Ok(Received {
        order: load(tx, id, tenant)?,
        movements,
    })
}

/// Closes an order in one write transaction.
pub fn close(db: &mut Db, ctx: &Ctx, id: OrderId) -> Result<Order> {
    db.write_retrying(|tx| close_in(tx, ctx, Tenant::Any, id))
}

/// [`close`] inside the caller's write transaction, for a tenant: nothing
/// more is expected. A received or closed order is a conflict.
pub(crate) fn close_in(tx: &Tx<'_>, ctx: &Ctx, tenant: Tenant, id: OrderId) -> Result<Order> {
    stored::lock(tx, id)?;
    let head = head(tx, id, tenant)?;
    if head.status != OrderStatus::Open {
        return Err(Error::conflict(format!(
            "purchase order {id} is already {}",
            head.status.as_str()
        )));
    }
    stored::close(tx, id, ctx.now)?;
    load(tx, id, tenant)
}
