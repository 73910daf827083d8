//! Bundles: products made of other products. A bundle holds no stock of its
//! own; what is available is what its components allow, and selling one moves
//! its components.

use std::collections::{HashMap, HashSet};

use rusqlite::params;
use serde::Serialize;

use super::lookup::{self, ProductRef};
use crate::error::{Error, Result};
use crate::model::{ProductId, Quantity, Sku, WarehouseId};
use crate::store::{Db, Tx};

/// One component of a bundle.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "serve", derive(utoipa::ToSchema))]
pub struct Component {
    /// The component's SKU.
    pub sku: String,
    /// Units of it in one bundle.
    pub quantity: i64,
}

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
        let stocked: i64 = tx.query_row(
            "SELECT CAST(coalesce(sum(quantity), 0) AS BIGINT) FROM inventory WHERE product_id = ?1",
            params![b.id],
            |r| r.get(0),
        )?;
        if stocked > 0 && !b.is_bundle {
            return Err(Error::conflict(format!(
                "{} holds {stocked} units of stock and cannot become a bundle",
                b.sku
            )));
        }
        tx.execute(
            "DELETE FROM bundle_component WHERE bundle_id = ?1",
            params![b.id],
        )?;
        tx.execute(
            "UPDATE product SET is_bundle = 1 WHERE id = ?1",
            params![b.id],
        )?;
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
            if c.id == b.id || contains(tx, c.id, b.id)? {
                return Err(Error::invalid(format!(
                    "a bundle cannot contain itself: {} is or contains {}",
                    c.sku, b.sku
                )));
            }
            tx.execute(
                "INSERT INTO bundle_component (bundle_id, component_id, company_id, quantity)
                 VALUES (?1, ?2, ?3, ?4)",
                params![b.id, c.id, b.company_id, qty.0],
            )?;
            out.push(Component {
                sku: c.sku,
                quantity: qty.0,
            });
        }
        Ok(Bundle {
            sku: b.sku,
            components: out,
        })
    })
}

/// Whether `outer` contains `inner`, directly or through other bundles.
fn contains(conn: &Tx<'_>, outer: ProductId, inner: ProductId) -> Result<bool> {
    let found: i64 = conn.query_row(
        "WITH RECURSIVE sub(id) AS (
             SELECT component_id FROM bundle_component WHERE bundle_id = ?1
             UNION SELECT bc.component_id FROM bundle_component bc JOIN sub ON bc.bundle_id = sub.id)
         SELECT count(*) FROM sub WHERE id = ?2",
        params![outer, inner],
        |r| r.get(0),
    )?;
    Ok(found > 0)
}

/// The direct components of a bundle, by SKU.
pub(crate) fn direct(conn: &Tx<'_>, bundle: ProductId) -> Result<Vec<Component>> {
    conn.query_map(
        "SELECT p.sku, bc.quantity FROM bundle_component bc JOIN product p ON p.id = bc.component_id
         WHERE bc.bundle_id = ?1 ORDER BY p.sku_key",
        params![bundle],
        |r| {
            Ok(Component {
                sku: r.get(0)?,
                quantity: r.get(1)?,
            })
        },
    )
}

/// The stocked (non-bundle) products a bundle is made of, with units per
/// bundle, nested bundles multiplied out and repeated leaves summed.
pub(crate) fn leaves(conn: &Tx<'_>, bundle: ProductId) -> Result<Vec<(ProductRef, i64)>> {
    let direct = conn.query_map(
        "SELECT p.id, p.company_id, p.sku, p.is_bundle, bc.quantity
         FROM bundle_component bc JOIN product p ON p.id = bc.component_id
         WHERE bc.bundle_id = ?1 ORDER BY p.sku_key",
        params![bundle],
        |r| {
            Ok((
                ProductRef {
                    id: r.get(0)?,
                    company_id: r.get(1)?,
                    sku: r.get(2)?,
                    is_bundle: r.get(3)?,
                },
                r.get::<i64>(4)?,
            ))
        },
    )?;
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
        let rows = conn.query_map(
            "SELECT warehouse_id, quantity FROM inventory WHERE product_id = ?1",
            params![p.id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        for (w, q) in rows {
            let (w, q): (WarehouseId, i64) = (w, q);
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
