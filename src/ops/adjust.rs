//! `stock adjust`: one adjustment (or an API array of them) in one
//! transaction, and the rule each CSV batch row goes through too.

use super::ledger::Ledger;
use super::lookup::{ProductRef, Tenant};
use super::movement::{Entry, Movement, Written};
use crate::Ctx;
use crate::error::{Error, Result};
use crate::model::{Delta, Reason, Timestamp, WarehouseId, free_text};
use crate::store::{Db, Tx};

pub(crate) fn written(
    e: &Entry<'_>,
    w: Written,
    ctx: &Ctx,
    bundle_sku: Option<&str>,
) -> Result<Movement> {
    let id = w.id.ok_or_else(|| {
        Error::new(
            crate::Kind::Internal,
            "movement id unknown in a buffered ledger",
        )
    })?;
    Ok(Movement {
        id,
        product_id: e.product,
        sku: e.sku.to_owned(),
        warehouse_id: e.warehouse,
        delta: e.delta,
        reason: e.reason,
        note: e.note.map(str::to_owned),
        reference: e.reference.map(str::to_owned),
        actor: ctx.actor.clone(),
        occurred_at: e.occurred_at,
        recorded_at: ctx.now,
        bundle_sku: bundle_sku.map(str::to_owned),
        warehouse_name: String::new(),
        quantity: Some(w.quantity),
    })
}

/// One `stock adjust`.
#[derive(Debug, Clone, Copy)]
pub struct Adjustment<'a> {
    /// The product (SKU as given).
    pub sku: &'a str,
    /// Where.
    pub warehouse: WarehouseId,
    /// The signed change.
    pub delta: Delta,
    /// Why (a user reason).
    pub reason: Reason,
    /// Free-text note.
    pub note: Option<&'a str>,
    /// External reference.
    pub reference: Option<&'a str>,
    /// When it happened (default: now).
    pub at: Option<Timestamp>,
}

/// Applies one adjustment. A bundle's sale or return moves each component,
/// so the result holds one movement per component.
pub fn adjust(db: &mut Db, ctx: &Ctx, adj: &Adjustment<'_>) -> Result<Vec<Movement>> {
    db.write_retrying(|tx| adjust_in(tx, ctx, Tenant::Any, std::slice::from_ref(adj)))
}

/// Applies adjustments in order inside the caller's transaction: all or
/// nothing when the caller rolls back on an error.
/// A tenant sees only its own products and warehouses.
pub(crate) fn adjust_in(
    tx: &Tx<'_>,
    ctx: &Ctx,
    tenant: Tenant,
    adjs: &[Adjustment<'_>],
) -> Result<Vec<Movement>> {
    let mut ledger = Ledger::for_tenant(tx, ctx, tenant)?;
    if adjs.len() > 1 {
        lock_all(&mut ledger, adjs)?;
    }
    let mut out = Vec::new();
    for adj in adjs {
        apply_adjustment(&mut ledger, adj, ctx.now, |e, w, bundle| {
            out.push(written(e, w, ctx, bundle));
        })?;
    }
    let mut out = out.into_iter().collect::<Result<Vec<_>>>()?;
    named(&mut ledger, &mut out)?;
    ledger.finish()?;
    Ok(out)
}

/// Fills in the warehouse names of written movements.
pub(crate) fn named(ledger: &mut Ledger<'_>, moves: &mut [Movement]) -> Result<()> {
    for m in moves {
        m.warehouse_name = ledger.warehouse_name(m.warehouse_id)?;
    }
    Ok(())
}

/// Locks the stock of every pair `adjs` moves (a bundle's: its parts') in
/// one fixed order before any moves, so two writers sending the same pairs
/// in opposite orders (two array bodies) queue instead of deadlocking.
fn lock_all(ledger: &mut Ledger<'_>, adjs: &[Adjustment<'_>]) -> Result<()> {
    let mut pairs = Vec::with_capacity(adjs.len());
    for adj in adjs {
        let product = ledger.product(adj.sku)?;
        if product.is_bundle {
            for (part, _) in ledger.components(product.id)? {
                pairs.push((part.id, adj.warehouse, product.company_id));
            }
        } else {
            pairs.push((product.id, adj.warehouse, product.company_id));
        }
    }
    ledger.lock_in_order(&mut pairs)
}

/// Validates and applies one adjustment through `ledger`, calling `done` for
/// each movement written. Shared by `adjust` and the CSV batch.
pub(crate) fn apply_adjustment(
    ledger: &mut Ledger<'_>,
    adj: &Adjustment<'_>,
    now: Timestamp,
    mut done: impl FnMut(&Entry<'_>, Written, Option<&str>),
) -> Result<()> {
    adj.reason.check_sign(adj.delta)?;
    free_text("note", adj.note)?;
    free_text("reference", adj.reference)?;
    let product = ledger.product(adj.sku)?;
    let base = Entry {
        product: product.id,
        company: product.company_id,
        sku: &product.sku,
        warehouse: adj.warehouse,
        delta: adj.delta.get(),
        reason: adj.reason,
        note: adj.note,
        reference: adj.reference,
        occurred_at: adj.at.unwrap_or(now),
        bundle: None,
    };
    if !product.is_bundle {
        let w = ledger.apply(&base)?;
        done(&base, w, None);
        return Ok(());
    }
    if !matches!(adj.reason, Reason::Sale | Reason::Return) {
        return Err(bundle_has_no_stock(&product, adj.reason.as_str()));
    }
    ledger.check_warehouse(adj.warehouse, product.company_id)?;
    let parts = ledger.components(product.id)?;
    let mut pairs: Vec<_> = parts
        .iter()
        .map(|(part, _)| (part.id, adj.warehouse, product.company_id))
        .collect();
    ledger.lock_in_order(&mut pairs)?;
    for (part, per) in parts {
        let e = Entry {
            product: part.id,
            sku: &part.sku,
            delta: adj.delta.get().checked_mul(per).ok_or_else(|| {
                Error::invalid(format!(
                    "delta {} of bundle {} needs more than {} units of {}",
                    adj.delta.get(),
                    product.sku,
                    i64::MAX,
                    part.sku
                ))
            })?,
            bundle: Some(product.id),
            ..base
        };
        let w = ledger.apply(&e)?;
        done(&e, w, Some(&product.sku));
    }
    Ok(())
}

pub(crate) fn bundle_has_no_stock(product: &ProductRef, what: &str) -> Error {
    Error::invalid(format!(
        "{} is a bundle and has no stock of its own: a {what} must be made on its components",
        product.sku
    ))
}
