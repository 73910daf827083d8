//! Existence and tenancy look-ups shared by the operations. A look-up here
//! only turns a missing or foreign row into a clear "not found" message;
//! uniqueness is never checked this way (constraints do that).

use crate::error::{Error, Result};
use crate::model::{CompanyId, ProductId, Sku, SupplierId, WarehouseId};
use crate::store::Tx;

/// The facts about a product that most operations need.
#[derive(Debug, Clone)]
pub(crate) struct ProductRef {
    pub id: ProductId,
    pub company_id: CompanyId,
    pub sku: String,
    pub is_bundle: bool,
}

pub(crate) fn company(conn: &Tx<'_>, id: CompanyId) -> Result<()> {
    conn.query_opt("SELECT 1 FROM company WHERE id = ?1", &[&id], |_| Ok(()))?
        .ok_or_else(|| Error::not_found(format!("company {id} does not exist")))
}

pub(crate) fn warehouse_of(conn: &Tx<'_>, id: WarehouseId, company: CompanyId) -> Result<()> {
    owned_by(id, warehouse_owner(conn, id)?, company)
}

/// A filter naming a warehouse that does not exist is not found (exit 4),
/// not an empty result.
pub(crate) fn warehouse(conn: &Tx<'_>, id: WarehouseId) -> Result<()> {
    warehouse_owner(conn, id)?
        .map(|_| ())
        .ok_or_else(|| Error::not_found(format!("warehouse {id} does not exist")))
}

/// The company a warehouse belongs to, if it exists.
pub(crate) fn warehouse_owner(conn: &Tx<'_>, id: WarehouseId) -> Result<Option<CompanyId>> {
    conn.query_opt(
        "SELECT company_id FROM warehouse WHERE id = ?1",
        &[&id],
        |r| r.get(0),
    )
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

pub(crate) fn supplier_of(conn: &Tx<'_>, id: SupplierId, company: CompanyId) -> Result<()> {
    let owner: Option<CompanyId> = conn.query_opt(
        "SELECT company_id FROM supplier WHERE id = ?1",
        &[&id],
        |r| r.get(0),
    )?;
    match owner {
        Some(c) if c == company => Ok(()),
        Some(_) => Err(Error::not_found(format!(
            "supplier {id} does not belong to company {company}"
        ))),
        None => Err(Error::not_found(format!("supplier {id} does not exist"))),
    }
}

pub(crate) fn product(conn: &Tx<'_>, sku: &Sku) -> Result<ProductRef> {
    conn.query_opt(
        "SELECT id, company_id, sku, is_bundle FROM product WHERE sku_key = ?1",
        &[&sku.key()],
        |r| {
            Ok(ProductRef {
                id: r.get(0)?,
                company_id: r.get(1)?,
                sku: r.get(2)?,
                is_bundle: r.get(3)?,
            })
        },
    )?
    .ok_or_else(|| Error::not_found(format!("product {sku} does not exist")))
}
