//! Bundles: products made of other products. A bundle holds no stock of its
//! own; what is available is what its components allow, and selling one moves
//! its components.

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use super::lookup::{self, ProductRef};
use crate::error::{Error, Result};
use crate::model::{ProductId, Quantity, Sku, WarehouseId};
use crate::store::product as stored;
use crate::store::{Db, Tx, ledger};

pub use crate::model::record::Component;

/// A bundle and its components, as `bundle set` prints it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "serve", derive(utoipa::ToSchema))]
pub struct Bundle {
    /// The bundle's SKU.
    pub sku: String,
    /// Its direct components.
    pub components: Vec<Component>,
}

/// Makes `bundle` a bundle of exactly `components` (replacing any earlier set).
pub fn set(db: &mut Db, bundle: &Sku, components: &[(Sku, Quantity)]) -> Result<Bundle> {
    if components.is_empty() {
        return Err(Error::invalid(
            "a bundle needs at least one --component SKU=QTY",
        ));
    }
    db.write_retrying(|tx| {
        // The ledger's turn first, as every ledger writer takes it: no
        // movement can stock the product meanwhile (a new inventory row
        // included), and bundle changes queue, so neither the stock check
        // nor the cycle check below can be undone by a writer beside it.
        tx.ledger_turn()?;
        let b = lookup::product(tx, bundle)?;
        let stocked = stored::stocked_units(tx, b.id)?;
        if stocked > 0 && !b.is_bundle {
            return Err(Error::conflict(format!(
                "{} holds {stocked} units of stock and cannot become a bundle",
                b.sku
            )));
        }
        stored::clear_bundle(tx, b.id)?;
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        for (sku, qty) in components {
            let c = lookup::product(tx, sku)?;
            if c.company_id != b.company_id {
                return Err(Error::not_found(format!(
                    "product {} does not belong to company {}",
                    c.sku, b.company_id
                )));
            }
            if !seen.insert(c.id) {
                return Err(Error::invalid(format!("component listed twice: {}", c.sku)));
            }
            if c.id == b.id || stored::contains(tx, c.id, b.id)? {
                return Err(Error::invalid(format!(
                    "a bundle cannot contain itself: {} is or contains {}",
                    c.sku, b.sku
                )));
            }
            stored::add_component(tx, b.id, c.id, b.company_id, qty.get())?;
            out.push(Component {
                sku: c.sku,
                quantity: qty.get(),
            });
        }
        Ok(Bundle {
            sku: b.sku,
            components: out,
        })
    })
}

/// The direct components of a bundle, by SKU.
pub(crate) fn direct(conn: &Tx<'_>, bundle: ProductId) -> Result<Vec<Component>> {
    stored::components(conn, bundle)
}

/// The stocked (non-bundle) products a bundle is made of, with units per
/// bundle, nested bundles multiplied out and repeated leaves summed.
pub(crate) fn leaves(conn: &Tx<'_>, bundle: ProductId) -> Result<Vec<(ProductRef, i64)>> {
    let direct = stored::parts(conn, bundle)?;
    let too_many = |sku: &str| {
        Error::invalid(format!(
            "component {sku}: nested bundle quantities multiply past {}",
            i64::MAX
        ))
    };
    let mut out: Vec<(ProductRef, i64)> = Vec::new();
    for (product, qty) in direct {
        let parts = if product.is_bundle {
            leaves(conn, product.id)?
                .into_iter()
                .map(|(p, q)| q.checked_mul(qty).map(|n| (p, n)))
                .collect::<Option<Vec<_>>>()
                .ok_or_else(|| too_many(&product.sku))?
        } else {
            vec![(product, qty)]
        };
        for (p, q) in parts {
            match out.iter_mut().find(|(o, _)| o.id == p.id) {
                Some((_, total)) => {
                    *total = total.checked_add(q).ok_or_else(|| too_many(&p.sku))?
                }
                None => out.push((p, q)),
            }
        }
    }
    Ok(out)
}

/// Bundles available per warehouse: for each warehouse where any component is
/// stocked, the minimum over components of floor(stock / units per bundle).
pub(crate) fn available(conn: &Tx<'_>, bundle: ProductId) -> Result<Vec<(WarehouseId, i64)>> {
    let parts = leaves(conn, bundle)?;
    let mut stock: HashMap<(ProductId, WarehouseId), i64> = HashMap::new();
    let mut warehouses: Vec<WarehouseId> = Vec::new();
    for (p, _) in &parts {
        for (w, q) in ledger::stock_of_product(conn, p.id)? {
            stock.insert((p.id, w), q);
            if !warehouses.contains(&w) {
                warehouses.push(w);
            }
        }
    }
    warehouses.sort();
    Ok(warehouses
        .into_iter()
        .map(|w| {
            let n = parts
                .iter()
                .map(|(p, per)| {
                    let have = stock.get(&(p.id, w)).copied().unwrap_or(0);
                    have.checked_div(*per).unwrap_or(0)
                })
                .min()
                .unwrap_or(0);
            (w, n)
        })
        .collect())
}
