//! Existence and tenancy look-ups shared by the operations. A look-up here
//! only turns a missing or foreign row into a clear "not found" message;
//! uniqueness is never checked this way (constraints do that).

use crate::error::{Error, Result};
use crate::model::{CompanyId, Sku, SupplierId, WarehouseId};
use crate::store::{Tx, catalog, product as products};

pub(crate) use crate::store::product::ProductRef;

/// Whose rows a caller sees: every company's (the CLI: an operator of the
/// whole database), or one company's (an API token), for which another
/// company's rows answer exactly as if they did not exist. Every look-up of
/// an operation takes it, so no caller has to remember a pre-check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tenant {
    /// Every company's rows.
    Any,
    /// Only this company's rows.
    Only(CompanyId),
}

impl Tenant {
    /// The one company seen, if only one is.
    pub(crate) fn only(self) -> Option<CompanyId> {
        match self {
            Self::Any => None,
            Self::Only(c) => Some(c),
        }
    }

    /// Refuses a company other than the tenant's as not existing.
    pub(crate) fn company(self, id: CompanyId) -> Result<()> {
        match self {
            Self::Only(c) if c != id => {
                Err(Error::not_found(format!("company {id} does not exist")))
            }
            _ => Ok(()),
        }
    }

    /// Refuses another company's product as not existing.
    pub(crate) fn product(self, p: &ProductRef, sku: &str) -> Result<()> {
        match self {
            Self::Only(c) if c != p.company_id => {
                Err(Error::not_found(format!("product {sku} does not exist")))
            }
            _ => Ok(()),
        }
    }
}

/// The product whose SKU is `sku`, if the tenant may see it.
pub(crate) fn product_for(conn: &Tx<'_>, sku: &Sku, tenant: Tenant) -> Result<ProductRef> {
    let p = product(conn, sku)?;
    tenant.product(&p, sku.as_str())?;
    Ok(p)
}

/// [`warehouse_of`] as the tenant sees it: another company's warehouse does not exist.
pub(crate) fn warehouse_for(
    conn: &Tx<'_>,
    id: WarehouseId,
    company: CompanyId,
    tenant: Tenant,
) -> Result<()> {
    owned_by_for(id, warehouse_owner(conn, id)?, company, tenant)
}

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
    owned_by_for(id, owner, company, Tenant::Any)
}

/// [`owned_by`] as the tenant sees it: under one company, another's
/// warehouse is not found exactly as a missing one.
pub(crate) fn owned_by_for(
    id: WarehouseId,
    owner: Option<CompanyId>,
    company: CompanyId,
    tenant: Tenant,
) -> Result<()> {
    match owner {
        Some(c) if c == company => Ok(()),
        Some(_) if tenant == Tenant::Any => Err(Error::not_found(format!(
            "warehouse {id} does not belong to company {company}"
        ))),
        _ => Err(Error::not_found(format!("warehouse {id} does not exist"))),
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
