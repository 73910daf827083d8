//! Existence and tenancy look-ups shared by the operations. A look-up here
//! only turns a missing or foreign row into a clear "not found" message;
//! uniqueness is never checked this way (constraints do that).

use rusqlite::{Connection, OptionalExtension};

use crate::error::{Error, Result};
use crate::model::{CompanyId, ProductId, Sku, SupplierId, WarehouseId};

/// The facts about a product that most operations need.
#[derive(Debug, Clone)]
pub(crate) struct ProductRef {
    pub id: ProductId,
    pub company_id: CompanyId,
    pub sku: String,
    pub is_bundle: bool,
}

pub(crate) fn company(conn: &Connection, id: CompanyId) -> Result<()> {
    conn.query_row("SELECT 1 FROM company WHERE id = ?1", [id], |_| Ok(()))
        .optional()?
        .ok_or_else(|| Error::not_found(format!("company {id} does not exist")))
}

pub(crate) fn warehouse_of(conn: &Connection, id: WarehouseId, company: CompanyId) -> Result<()> {
    owned_by(id, warehouse_owner(conn, id)?, company)
}

/// A filter naming a warehouse that does not exist is not found (exit 4),
/// not an empty result.
pub(crate) fn warehouse(conn: &Connection, id: WarehouseId) -> Result<()> {
    warehouse_owner(conn, id)?
        .map(|_| ())
        .ok_or_else(|| Error::not_found(format!("warehouse {id} does not exist")))
}

/// The company a warehouse belongs to, if it exists.
pub(crate) fn warehouse_owner(conn: &Connection, id: WarehouseId) -> Result<Option<CompanyId>> {
    Ok(conn
        .prepare_cached("SELECT company_id FROM warehouse WHERE id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()?)
}

/// Turns a warehouse's owner into "fine" or a not-found naming the warehouse.
pub(crate) fn owned_by(
    id: WarehouseId,
    owner: Option<CompanyId>,
    company: CompanyId,
) -> Result<()> {
    match owner {
        Some(c) if c == company => Ok(()),
        Some(_) => Err(Error::not_found(format!(
            "warehouse {id} does not belong to company {company}"
        ))),
        None => Err(Error::not_found(format!("warehouse {id} does not exist"))),
    }
}

pub(crate) fn supplier_of(conn: &Connection, id: SupplierId, company: CompanyId) -> Result<()> {
    let owner: Option<CompanyId> = conn
        .query_row("SELECT company_id FROM supplier WHERE id = ?1", [id], |r| {
            r.get(0)
        })
        .optional()?;
    match owner {
        Some(c) if c == company => Ok(()),
        Some(_) => Err(Error::not_found(format!(
            "supplier {id} does not belong to company {company}"
        ))),
        None => Err(Error::not_found(format!("supplier {id} does not exist"))),
    }
}

pub(crate) fn product(conn: &Connection, sku: &Sku) -> Result<ProductRef> {
    conn.prepare_cached("SELECT id, company_id, sku, is_bundle FROM product WHERE sku_key = ?1")?
        .query_row([sku.key()], |r| {
            Ok(ProductRef {
                id: r.get(0)?,
                company_id: r.get(1)?,
                sku: r.get(2)?,
                is_bundle: r.get(3)?,
            })
        })
        .optional()?
        .ok_or_else(|| Error::not_found(format!("product {sku} does not exist")))
}
