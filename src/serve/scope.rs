//! Tenancy: a token acts for one company, and anything of another company
//! answers exactly as if it did not exist (the same 404 and message).

use crate::error::{Error, Result};
use crate::model::{CompanyId, Sku, WarehouseId};
use crate::ops::lookup;
use crate::store::Tx;

/// The product, if it is `company`'s.
pub(crate) fn product(conn: &Tx<'_>, company: CompanyId, sku: &Sku) -> Result<()> {
    match lookup::product(conn, sku) {
        Ok(p) if p.company_id == company => Ok(()),
        Ok(_) => Err(Error::not_found(format!("product {sku} does not exist"))),
        Err(e) => Err(e),
    }
}

/// The warehouse, if it is `company`'s.
pub(crate) fn warehouse(conn: &Tx<'_>, company: CompanyId, id: WarehouseId) -> Result<()> {
    match lookup::warehouse_owner(conn, id)? {
        Some(c) if c == company => Ok(()),
        _ => Err(Error::not_found(format!("warehouse {id} does not exist"))),
    }
}

/// The company itself (a path's `company_id`), if it is the token's.
pub(crate) fn company(company: CompanyId, asked: CompanyId) -> Result<()> {
    if asked == company {
        Ok(())
    } else {
        Err(Error::not_found(format!("company {asked} does not exist")))
    }
}
