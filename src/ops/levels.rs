//! Reading stock levels: `stock list`, and the per-product rows `product show` uses.

use super::lookup::Tenant;
use crate::error::Result;
use crate::model::{CompanyId, ProductId, Sku, WarehouseId};
use crate::store::{self, Db, Tx};

pub use crate::model::record::StockRow;

pub(crate) fn rows_of_product(conn: &Tx<'_>, product: ProductId) -> Result<Vec<StockRow>> {
    store::stock::of_product(conn, product)
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
    list_as(db, Tenant::Any, filter, f)
}

/// [`list`] as `tenant` sees the database: only its company's stock, and
/// another company's SKU or warehouse is not found.
pub(crate) fn list_as<T>(
    db: &mut Db,
    tenant: Tenant,
    filter: &StockFilter,
    f: impl FnOnce(&mut dyn Iterator<Item = Result<StockRow>>) -> Result<T>,
) -> Result<T> {
    let company = filter.company.or(tenant.only());
    db.read(|tx| {
        if let Some(c) = company {
            tenant.company(c)?;
            super::lookup::company(tx, c)?;
        }
        if let Some(w) = filter.warehouse {
            match company {
                Some(c) => super::lookup::warehouse_for(tx, w, c, tenant)?,
                None => super::lookup::warehouse(tx, w)?,
            }
        }
        let product = match &filter.sku {
            Some(sku) => Some(super::lookup::product_for(tx, sku, tenant)?.id),
            None => None,
        };
        let rows = store::stock::list(tx, company, filter.warehouse, product)?;
        let mut rows = rows.into_iter().map(Ok);
        f(&mut rows)
    })
}
