//! Existence and tenancy look-ups shared by the operations. A look-up here
//! only turns a missing or foreign row into a clear "not found" message;
//! uniqueness is never checked this way (constraints do that).

use crate::error::{Error, Result};
use crate::model::{CompanyId, Sku, SupplierId, WarehouseId};
use crate::store::{Tx, catalog, product as products};

pub(crate) use crate::store::product::ProductRef;

pub(crate) fn company(conn: &Tx<'_>, id: CompanyId) -> Result<()> {
    if catalog::company_exists(conn, id)? {
        Ok(())
    } else {
        Err(Error::not_found(format!("company {id} does not exist")))
    }
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
    catalog::warehouse_owner(conn, id)
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
    match catalog::supplier_owner(conn, id)? {
        Some(c) if c == company => Ok(()),
        Some(_) => Err(Error::not_found(format!(
            "supplier {id} does not belong to company {company}"
        ))),
        None => Err(Error::not_found(format!("supplier {id} does not exist"))),
    }
}

pub(crate) fn product(conn: &Tx<'_>, sku: &Sku) -> Result<ProductRef> {
    products::by_sku(conn, sku)?
        .ok_or_else(|| Error::not_found(format!("product {sku} does not exist")))
}
