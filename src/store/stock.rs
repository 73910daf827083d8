//! Reading stock levels: one row per (product, warehouse) with their names.

use super::params;

use super::filter::Filter;
use super::{Row, Tx};
use crate::error::Result;
use crate::model::record::StockRow;
use crate::model::{CompanyId, ProductId, WarehouseId};

const SELECT: &str = "SELECT i.product_id, p.sku, p.name AS product_name, i.warehouse_id,
            w.name AS warehouse_name, i.quantity
     FROM inventory i JOIN product p ON p.id = i.product_id JOIN warehouse w ON w.id = i.warehouse_id";

fn stock_row(r: &Row<'_>) -> Result<StockRow> {
    Ok(StockRow {
        product_id: r.get("product_id")?,
        sku: r.get("sku")?,
        product_name: r.get("product_name")?,
        warehouse_id: r.get("warehouse_id")?,
        warehouse_name: r.get("warehouse_name")?,
        quantity: r.get("quantity")?,
    })
}

/// A product's stock in every warehouse that has a row for it, by warehouse.
pub fn of_product(tx: &Tx<'_>, product: ProductId) -> Result<Vec<StockRow>> {
    tx.query_map(
        &format!("{SELECT} WHERE i.product_id = ?1 ORDER BY i.warehouse_id"),
        params![product],
        stock_row,
    )
}

/// Stock rows, by SKU key then warehouse, of one company, warehouse or
/// product where given (ids already looked up).
pub fn list(
    tx: &Tx<'_>,
    company: Option<CompanyId>,
    warehouse: Option<WarehouseId>,
    product: Option<ProductId>,
) -> Result<Vec<StockRow>> {
    let mut f = Filter::new(SELECT);
    f.and("i.company_id = ?", company)
        .and("i.warehouse_id = ?", warehouse)
        .and("i.product_id = ?", product)
        .then("ORDER BY p.sku_key, i.warehouse_id", Vec::new());
    f.with(|sql, params| tx.query_map(sql, params, stock_row))
}
