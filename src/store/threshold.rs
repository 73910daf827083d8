//! Low-stock thresholds at their four levels.

use super::params;

use super::Tx;
use crate::error::Result;
use crate::model::{CompanyId, ProductId, WarehouseId};

/// Sets a company's default threshold.
pub fn set_default(tx: &Tx<'_>, company: CompanyId, quantity: i64) -> Result<()> {
    tx.execute(
        "UPDATE company SET default_threshold = ?2 WHERE id = ?1",
        params![company, quantity],
    )
    .map(drop)
}

/// Sets the threshold for a company's products of one type. Types match
/// without case (ASCII, as SQLite's NOCASE): the one stored keeps its
/// spelling. Setters of one type queue.
pub fn set_type(tx: &Tx<'_>, company: CompanyId, ty: &str, quantity: i64) -> Result<()> {
    tx.lock_key(&format!(
        "type threshold {company} {}",
        ty.to_ascii_lowercase()
    ))?;
    let updated = tx.execute(
        "UPDATE type_threshold SET quantity = ?3
         WHERE company_id = ?1 AND lower(type) = lower(?2)",
        params![company, ty, quantity],
    )?;
    if updated == 0 {
        tx.execute(
            "INSERT INTO type_threshold (company_id, type, quantity) VALUES (?1, ?2, ?3)",
            params![company, ty, quantity],
        )?;
    }
    Ok(())
}

/// Sets the threshold and max of one product in one warehouse (of its
/// company), replacing both.
pub fn set_location(
    tx: &Tx<'_>,
    product: ProductId,
    warehouse: WarehouseId,
    company: CompanyId,
    quantity: i64,
    max: Option<i64>,
) -> Result<()> {
    tx.execute(
        "INSERT INTO location_threshold (product_id, warehouse_id, company_id, quantity, max_quantity)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (product_id, warehouse_id) DO UPDATE SET
             quantity = excluded.quantity, max_quantity = excluded.max_quantity",
        params![product, warehouse, company, quantity, max],
    )
    .map(drop)
}

/// One stored threshold, as [`list`] reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    /// `default`, `type`, `product` or `product_warehouse`.
    pub scope: String,
    /// The product type, for `type`.
    pub product_type: Option<String>,
    /// The product's SKU, for `product` and `product_warehouse`.
    pub sku: Option<String>,
    /// The warehouse, for `product_warehouse`.
    pub warehouse_id: Option<WarehouseId>,
    /// Its name, for `product_warehouse`.
    pub warehouse_name: Option<String>,
    /// The threshold.
    pub quantity: i64,
    /// The max, for `product_warehouse`.
    pub max: Option<i64>,
}

/// Every threshold of a company, most general first.
pub fn list(tx: &Tx<'_>, company: CompanyId) -> Result<Vec<Listed>> {
    let sql = format!(
        "SELECT 'default' AS scope, NULL AS type, NULL AS sku, CAST(NULL AS BIGINT) AS warehouse_id,
                default_threshold AS quantity, 0 AS level, '' AS sort_key, NULL AS warehouse_name,
                CAST(NULL AS BIGINT) AS max_quantity
             FROM company WHERE id = ?1 AND default_threshold IS NOT NULL
         UNION ALL SELECT 'type', type, NULL, NULL, quantity, 1, type {}, NULL, NULL FROM type_threshold
             WHERE company_id = ?1
         UNION ALL SELECT 'product', NULL, sku, NULL, threshold, 2, sku_key, NULL, NULL FROM product
             WHERE company_id = ?1 AND threshold IS NOT NULL
         UNION ALL SELECT 'product_warehouse', NULL, p.sku, lt.warehouse_id, lt.quantity, 3,
                          p.sku_key, w.name, lt.max_quantity
             FROM location_threshold lt JOIN product p ON p.id = lt.product_id
             JOIN warehouse w ON w.id = lt.warehouse_id
             WHERE lt.company_id = ?1
         ORDER BY 6, 7, 4",
        tx.bytewise()
    );
    tx.query_map(&sql, params![company], |r| {
        Ok(Listed {
            scope: r.get("scope")?,
            product_type: r.get("type")?,
            sku: r.get("sku")?,
            warehouse_id: r.get("warehouse_id")?,
            warehouse_name: r.get("warehouse_name")?,
            quantity: r.get("quantity")?,
            max: r.get("max_quantity")?,
        })
    })
}
