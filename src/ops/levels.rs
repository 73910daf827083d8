//! Reading stock levels: `stock list`, and the per-product rows `product show` uses.

use std::collections::HashMap;

use rusqlite::{ToSql, params};
use serde::Serialize;

use crate::error::Result;
use crate::model::{CompanyId, ProductId, Sku, WarehouseId};
use crate::store::{Db, Row, Tx};

/// Stock of one product in one warehouse.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "serve", derive(utoipa::ToSchema))]
pub struct StockRow {
    /// The product's id.
    pub product_id: ProductId,
    /// The product's SKU.
    pub sku: String,
    /// The product's name.
    pub product_name: String,
    /// The warehouse's id.
    pub warehouse_id: WarehouseId,
    /// The warehouse's name.
    pub warehouse_name: String,
    /// Units in stock.
    pub quantity: i64,
}

const STOCK_SELECT: &str = "SELECT i.product_id, p.sku, p.name, i.warehouse_id, w.name, i.quantity
     FROM inventory i JOIN product p ON p.id = i.product_id JOIN warehouse w ON w.id = i.warehouse_id";

fn stock_row(r: &Row<'_>) -> rusqlite::Result<StockRow> {
    Ok(StockRow {
        product_id: r.get(0)?,
        sku: r.get(1)?,
        product_name: r.get(2)?,
        warehouse_id: r.get(3)?,
        warehouse_name: r.get(4)?,
        quantity: r.get(5)?,
    })
}

pub(crate) fn rows_of_product(conn: &Tx<'_>, product: ProductId) -> Result<Vec<StockRow>> {
    conn.query_map(
        &format!("{STOCK_SELECT} WHERE i.product_id = ?1 ORDER BY i.warehouse_id"),
        params![product],
        stock_row,
    )
}

pub(crate) fn warehouse_names(
    conn: &Tx<'_>,
    company: CompanyId,
) -> Result<HashMap<WarehouseId, String>> {
    Ok(conn
        .query_map(
            "SELECT id, name FROM warehouse WHERE company_id = ?1",
            params![company],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?
        .into_iter()
        .collect())
}

/// Filters for `stock list`.
#[derive(Debug, Clone, Default)]
pub struct StockFilter {
    /// Only this company's stock.
    pub company: Option<CompanyId>,
    /// Only this warehouse.
    pub warehouse: Option<WarehouseId>,
    /// Only this product.
    pub sku: Option<Sku>,
}

/// Streams stock rows (by SKU, then warehouse) into `f`.
pub fn list<T>(
    db: &mut Db,
    filter: &StockFilter,
    f: impl FnOnce(&mut dyn Iterator<Item = Result<StockRow>>) -> Result<T>,
) -> Result<T> {
    db.read(|tx| {
        let mut sql = format!("{STOCK_SELECT} WHERE TRUE");
        let mut args: Vec<Box<dyn ToSql>> = Vec::new();
        if let Some(c) = filter.company {
            super::lookup::company(tx, c)?;
            sql.push_str(" AND i.company_id = ?");
            args.push(Box::new(c));
        }
        if let Some(w) = filter.warehouse {
            match filter.company {
                Some(c) => super::lookup::warehouse_of(tx, w, c)?,
                None => super::lookup::warehouse(tx, w)?,
            }
            sql.push_str(" AND i.warehouse_id = ?");
            args.push(Box::new(w));
        }
        if let Some(sku) = &filter.sku {
            sql.push_str(" AND i.product_id = ?");
            args.push(Box::new(super::lookup::product(tx, sku)?.id));
        }
        sql.push_str(" ORDER BY p.sku_key, i.warehouse_id");
        let args: Vec<&dyn ToSql> = args.iter().map(|a| &**a).collect();
        let mut rows = tx.query_map(&sql, &args, stock_row)?.into_iter().map(Ok);
        f(&mut rows)
    })
}
