//! Low-stock thresholds at four levels. The alert uses the most specific one:
//! (product, warehouse), then the product's own, then the company's for the
//! product's type, then the company default, otherwise [`FALLBACK`].

use rusqlite::params;

use super::lookup;
use crate::error::{Error, Result};
use crate::model::{CompanyId, Quantity, Sku, WarehouseId};
use crate::store::Db;

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
    /// One product in one warehouse.
    Location(Sku, WarehouseId),
}

/// Sets (or replaces) a threshold.
pub fn set(db: &mut Db, scope: &Scope, quantity: Quantity) -> Result<Threshold> {
    db.write_retrying(|tx| {
        let q = quantity.0;
        Ok(match scope {
            Scope::Default(company) => {
                lookup::company(tx, *company)?;
                tx.execute(
                    "UPDATE company SET default_threshold = ?2 WHERE id = ?1",
                    params![company, q],
                )?;
                row("default", *company, None, None, None, q)
            }
            Scope::Type(company, ty) => {
                lookup::company(tx, *company)?;
                // Types match without case (ASCII, as SQLite's NOCASE): the
                // one stored keeps its spelling. Setters of one type queue.
                tx.lock_key(&format!(
                    "type threshold {company} {}",
                    ty.to_ascii_lowercase()
                ))?;
                let updated = tx.execute(
                    "UPDATE type_threshold SET quantity = ?3
                     WHERE company_id = ?1 AND lower(type) = lower(?2)",
                    params![company, ty, q],
                )?;
                if updated == 0 {
                    tx.execute(
                        "INSERT INTO type_threshold (company_id, type, quantity) VALUES (?1, ?2, ?3)",
                        params![company, ty, q],
                    )?;
                }
                row("type", *company, Some(ty.clone()), None, None, q)
            }
            Scope::Location(sku, warehouse) => {
                let product = lookup::product(tx, sku)?;
                lookup::warehouse_of(tx, *warehouse, product.company_id)?;
                if product.is_bundle {
                    return Err(Error::invalid(format!(
                        "{} is a bundle: bundles never raise alerts, set thresholds on its components",
                        product.sku
                    )));
                }
                tx.execute(
                    "INSERT INTO location_threshold (product_id, warehouse_id, company_id, quantity)
                     VALUES (?1, ?2, ?3, ?4)
                     ON CONFLICT (product_id, warehouse_id) DO UPDATE SET quantity = excluded.quantity",
                    params![product.id, warehouse, product.company_id, q],
                )?;
                let name = tx.query_row(
                    "SELECT name FROM warehouse WHERE id = ?1",
                    params![warehouse],
                    |r| r.get(0),
                )?;
                Threshold {
                    warehouse_name: Some(name),
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
        warehouse_name: None,
    }
}

/// Every threshold of a company, most general first.
pub fn list(db: &mut Db, company: CompanyId) -> Result<Vec<Threshold>> {
    db.read(|tx| {
        lookup::company(tx, company)?;
        let sql = format!(
            "SELECT 'default', NULL, NULL, CAST(NULL AS BIGINT), default_threshold, 0, '', NULL FROM company
                 WHERE id = ?1 AND default_threshold IS NOT NULL
             UNION ALL SELECT 'type', type, NULL, NULL, quantity, 1, type {}, NULL FROM type_threshold
                 WHERE company_id = ?1
             UNION ALL SELECT 'product', NULL, sku, NULL, threshold, 2, sku_key, NULL FROM product
                 WHERE company_id = ?1 AND threshold IS NOT NULL
             UNION ALL SELECT 'product_warehouse', NULL, p.sku, lt.warehouse_id, lt.quantity, 3,
                              p.sku_key, w.name
                 FROM location_threshold lt JOIN product p ON p.id = lt.product_id
                 JOIN warehouse w ON w.id = lt.warehouse_id
                 WHERE lt.company_id = ?1
             ORDER BY 6, 7, 4",
            tx.bytewise()
        );
        tx.query_map(&sql, params![company], |r| {
            let scope = match r.get::<String>(0)?.as_str() {
                "default" => "default",
                "type" => "type",
                "product" => "product",
                _ => "product_warehouse",
            };
            Ok(Threshold {
                warehouse_name: r.get(7)?,
                ..row(scope, company, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)
            })
        })
    })
}
