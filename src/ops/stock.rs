//! Moving stock: adjust (one movement, in `adjust`, or a CSV batch, in
//! `batch`), transfer, count. Every write goes through `Ledger` in one
//! transaction; reading stock back lives in `levels` and `history`. This
//! module is the façade: it re-exports them all.

use super::adjust::{bundle_has_no_stock, named, written};
use super::ledger::Ledger;
use super::lookup::Tenant;
use super::movement::Entry;
use crate::Ctx;
use crate::error::{Error, Result};
use crate::model::{Quantity, Reason, Sku, Timestamp, WarehouseId, free_text};
use crate::store::{Db, Tx};

pub(crate) use super::adjust::adjust_in;
pub use super::adjust::{Adjustment, adjust};
pub use super::batch::{Applied, adjust_file};
pub(crate) use super::history::history_as;
pub use super::history::{HistoryFilter, history};
pub(crate) use super::levels::list_as;
pub use super::levels::{StockFilter, StockRow, list};
pub use super::movement::Movement;

/// One `stock transfer`.
#[derive(Debug, Clone)]
pub struct Transfer {
    /// The product.
    pub sku: Sku,
    /// The warehouse the units leave.
    pub from: WarehouseId,
    /// The warehouse they arrive at.
    pub to: WarehouseId,
    /// How many (> 0).
    pub quantity: Quantity,
    /// Free-text note on both movements.
    pub note: Option<String>,
    /// When it happened (default: now).
    pub at: Option<Timestamp>,
}

/// Moves units between two warehouses of the product's company: a
/// `transfer_out` and a `transfer_in`, in one transaction.
pub fn transfer(db: &mut Db, ctx: &Ctx, t: &Transfer) -> Result<Vec<Movement>> {
    db.write_retrying(|tx| transfer_in(tx, ctx, Tenant::Any, t))
}

/// `transfer` inside the caller's transaction, as `tenant` sees the database.
pub(crate) fn transfer_in(
    tx: &Tx<'_>,
    ctx: &Ctx,
    tenant: Tenant,
    t: &Transfer,
) -> Result<Vec<Movement>> {
    let Transfer {
        sku,
        from,
        to,
        quantity,
        note,
        at,
    } = t;
    let (from, to) = (*from, *to);
    free_text("note", note.as_deref())?;
    if from == to {
        return Err(Error::invalid(format!(
            "a transfer needs two different warehouses: {from} and {to}"
        )));
    }
    let mut ledger = Ledger::for_tenant(tx, ctx, tenant)?;
    let product = ledger.product(sku.as_str())?;
    if product.is_bundle {
        return Err(bundle_has_no_stock(&product, "transfer"));
    }
    ledger.check_warehouse(to, product.company_id)?;
    ledger.lock_in_order(&mut [
        (product.id, from, product.company_id),
        (product.id, to, product.company_id),
    ])?;
    let out = Entry {
        product: product.id,
        company: product.company_id,
        sku: &product.sku,
        warehouse: from,
        delta: -quantity.get(),
        reason: Reason::TransferOut,
        note: note.as_deref(),
        reference: None,
        occurred_at: at.unwrap_or(ctx.now),
        bundle: None,
    };
    let inn = Entry {
        warehouse: to,
        delta: quantity.get(),
        reason: Reason::TransferIn,
        ..out
    };
    let w_out = ledger.apply(&out)?;
    let w_in = ledger.apply(&inn)?;
    let mut moves = vec![
        written(&out, w_out, ctx, None)?,
        written(&inn, w_in, ctx, None)?,
    ];
    named(&mut ledger, &mut moves)?;
    ledger.finish()?;
    Ok(moves)
}

/// One `stock count`.
#[derive(Debug, Clone)]
pub struct Count {
    /// The product.
    pub sku: Sku,
    /// Where it was counted.
    pub warehouse: WarehouseId,
    /// How many units were found.
    pub counted: Quantity,
    /// Free-text note.
    pub note: Option<String>,
    /// When it was counted (default: now).
    pub at: Option<Timestamp>,
}

/// Records a cycle count: the difference from the current stock becomes a
/// `count` movement; no difference writes nothing and returns `None`.
pub fn count(db: &mut Db, ctx: &Ctx, c: &Count) -> Result<Option<Movement>> {
    db.write_retrying(|tx| count_in(tx, ctx, Tenant::Any, c))
}

/// `count` inside the caller's transaction, as `tenant` sees the database.
pub(crate) fn count_in(
    tx: &Tx<'_>,
    ctx: &Ctx,
    tenant: Tenant,
    c: &Count,
) -> Result<Option<Movement>> {
    let Count {
        sku,
        warehouse,
        counted,
        note,
        at,
    } = c;
    let warehouse = *warehouse;
    free_text("note", note.as_deref())?;
    let mut ledger = Ledger::for_tenant(tx, ctx, tenant)?;
    let product = ledger.product(sku.as_str())?;
    if product.is_bundle {
        return Err(bundle_has_no_stock(&product, "count"));
    }
    ledger.check_warehouse(warehouse, product.company_id)?;
    let have = ledger.quantity(product.id, warehouse)?;
    let delta = counted.get().checked_sub(have).ok_or_else(|| {
        Error::database(format!(
            "stored stock of {} in warehouse {warehouse} is out of range: {have}",
            product.sku
        ))
    })?;
    if delta == 0 {
        return Ok(None);
    }
    let e = Entry {
        product: product.id,
        company: product.company_id,
        sku: &product.sku,
        warehouse,
        delta,
        reason: Reason::Count,
        note: note.as_deref(),
        reference: None,
        occurred_at: at.unwrap_or(ctx.now),
        bundle: None,
    };
    let w = ledger.apply(&e)?;
    let mut moved = written(&e, w, ctx, None)?;
    moved.warehouse_name = ledger.warehouse_name(warehouse)?;
    ledger.finish()?;
    Ok(Some(moved))
}
