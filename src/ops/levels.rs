//! Reading stock levels: `stock list`, and the per-product rows `product show` uses.

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
    db.read(|tx| {
        if let Some(c) = filter.company {
            super::lookup::company(tx, c)?;
        }
        if let Some(w) = filter.warehouse {
            match filter.company {
                Some(c) => super::lookup::warehouse_of(tx, w, c)?,
                None => super::lookup::warehouse(tx, w)?,
            }
        }
        let product = match &filter.sku {
            Some(sku) => Some(super::lookup::product(tx, sku)?.id),
            None => None,
        };
        let rows = store::stock::list(tx, filter.company, filter.warehouse, product)?;
        let mut rows = rows.into_iter().map(Ok);
        f(&mut rows)
    })
}
