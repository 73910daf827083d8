//! Low-stock thresholds at four levels. The alert uses the most specific one:
//! (product, warehouse), then the product's own, then the company's for the
//! product's type, then the company default, otherwise [`FALLBACK`].

use super::lookup;
use crate::error::{Error, Result};
use crate::model::{CompanyId, Quantity, Sku, WarehouseId};
use crate::store::{Db, catalog, threshold as stored};

pub use crate::model::record::Threshold;

/// The threshold when nothing more specific is set.
pub const FALLBACK: i64 = 10;

/// Where a threshold applies.
#[derive(Debug, Clone)]
pub enum Scope {
    /// Every product of the company without a more specific threshold.
    Default(CompanyId),
    /// The company's products of one type.
    Type(CompanyId, String),
    /// One product in one warehouse, with the most stock wanted there, if
    /// any (a reorder fills up to it; at least the threshold).
    Location(Sku, WarehouseId, Option<Quantity>),
}

/// Sets (or replaces) a threshold.
pub fn set(db: &mut Db, scope: &Scope, quantity: Quantity) -> Result<Threshold> {
    db.write_retrying(|tx| {
        let q = quantity.get();
        Ok(match scope {
            Scope::Default(company) => {
                lookup::company(tx, *company)?;
                stored::set_default(tx, *company, q)?;
                row("default", *company, None, None, None, q)
            }
            Scope::Type(company, ty) => {
                lookup::company(tx, *company)?;
                stored::set_type(tx, *company, ty, q)?;
                row("type", *company, Some(ty.clone()), None, None, q)
            }
            Scope::Location(sku, warehouse, max) => {
                let max = max.map(Quantity::get);
                if let Some(m) = max.filter(|m| *m < q) {
                    return Err(Error::invalid(format!(
                        "max must be at least the threshold {q}: {m}"
                    )));
                }
                let product = lookup::product(tx, sku)?;
                lookup::warehouse_of(tx, *warehouse, product.company_id)?;
                if product.is_bundle {
                    return Err(Error::invalid(format!(
                        "{} is a bundle: bundles never raise alerts, set thresholds on its components",
                        product.sku
                    )));
                }
                stored::set_location(tx, product.id, *warehouse, product.company_id, q, max)?;
                let name = catalog::warehouse_facts(tx, *warehouse)?.map(|(_, name)| name);
                Threshold {
                    warehouse_name: name,
                    max,
                    ..row(
                        "product_warehouse",
                        product.company_id,
                        None,
                        Some(product.sku),
                        Some(*warehouse),
                        q,
                    )
                }
            }
        })
    })
}

fn row(
    scope: &'static str,
    company_id: CompanyId,
    product_type: Option<String>,
    sku: Option<String>,
    warehouse_id: Option<WarehouseId>,
    quantity: i64,
) -> Threshold {
    Threshold {
        scope,
        company_id,
        product_type,
        sku,
        warehouse_id,
        quantity,
        max: None,
        warehouse_name: None,
    }
}

/// Every threshold of a company, most general first.
pub fn list(db: &mut Db, company: CompanyId) -> Result<Vec<Threshold>> {
    db.read(|tx| {
        lookup::company(tx, company)?;
        let rows = stored::list(tx, company)?;
        Ok(rows
            .into_iter()
            .map(|t| {
                let scope = match t.scope.as_str() {
                    "default" => "default",
                    "type" => "type",
                    "product" => "product",
                    _ => "product_warehouse",
                };
                Threshold {
                    warehouse_name: t.warehouse_name,
                    max: t.max,
                    ..row(
                        scope,
                        company,
                        t.product_type,
                        t.sku,
                        t.warehouse_id,
                        t.quantity,
                    )
                }
            })
            .collect())
    })
}
