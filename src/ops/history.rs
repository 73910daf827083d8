//! Reading the ledger: `stock history`, streamed newest first.

use super::lookup::Tenant;
use super::movement::Movement;
use crate::error::Result;
use crate::model::{CompanyId, Sku, Timestamp, WarehouseId};
use crate::store::history::{self as stored, Query};
use crate::store::{Db, Tx};

/// Filters for `stock history`.
#[derive(Debug, Clone, Default)]
pub struct HistoryFilter {
    /// Only this product (for a bundle: the movements made through it).
    pub sku: Option<Sku>,
    /// Only this warehouse.
    pub warehouse: Option<WarehouseId>,
    /// occurred_at >= since.
    pub since: Option<Timestamp>,
    /// occurred_at <= until.
    pub until: Option<Timestamp>,
    /// At most this many movements.
    pub limit: Option<i64>,
    /// Only this company's products.
    pub company: Option<CompanyId>,
    /// Only movements with a larger id, oldest first (a feed's cursor).
    pub after_id: Option<i64>,
}

/// Streams movements, newest first (by occurred_at, then id), into `f`;
/// with `after_id`, in id order instead.
pub fn history<T>(
    db: &mut Db,
    filter: &HistoryFilter,
    f: impl FnOnce(&mut dyn Iterator<Item = Result<Movement>>) -> Result<T>,
) -> Result<T> {
    history_as(db, Tenant::Any, filter, f)
}

/// [`history`] as `tenant` sees the database: only its company's movements,
/// and another company's SKU or warehouse is not found.
pub(crate) fn history_as<T>(
    db: &mut Db,
    tenant: Tenant,
    filter: &HistoryFilter,
    f: impl FnOnce(&mut dyn Iterator<Item = Result<Movement>>) -> Result<T>,
) -> Result<T> {
    db.read(|tx| stored::stream(tx, &query(tx, tenant, filter)?, f))
}

/// The store's query for `filter`: every id it names looked up (exit 4 when
/// unknown, or another company's), a bundle's SKU meaning its sales.
fn query(tx: &Tx<'_>, tenant: Tenant, filter: &HistoryFilter) -> Result<Query> {
    let company = filter.company.or(tenant.only());
    let mut q = Query {
        warehouse: filter.warehouse,
        since: filter.since,
        until: filter.until,
        company,
        after_id: filter.after_id,
        limit: filter.limit.unwrap_or(i64::MAX),
        ..Query::default()
    };
    if let Some(c) = company {
        tenant.company(c)?;
        super::lookup::company(tx, c)?;
    }
    if let Some(sku) = &filter.sku {
        let product = super::lookup::product_for(tx, sku, tenant)?;
        if product.is_bundle {
            q.bundle = Some(product.id);
        } else {
            q.product = Some(product.id);
        }
    }
    if let Some(w) = filter.warehouse {
        match company {
            Some(c) => super::lookup::warehouse_for(tx, w, c, tenant)?,
            None => super::lookup::warehouse(tx, w)?,
        }
    }
    Ok(q)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Ctx;
    use crate::model::{CompanyId, Money, Quantity, Timestamp};
    use crate::ops::{bundle, catalog, product};

    fn plan(db: &mut Db, sku: &str) -> String {
        let filter = HistoryFilter {
            sku: Some(Sku::parse(sku).unwrap()),
            ..HistoryFilter::default()
        };
        plan_of(db, &filter)
    }

    fn plan_of(db: &mut Db, filter: &HistoryFilter) -> String {
        db.read(|tx| stored::plan(tx, &query(tx, Tenant::Any, filter)?))
            .unwrap()
    }

    #[test]
    fn history_of_a_bundle_never_scans_the_ledger() {
        let dir = tempfile::tempdir().unwrap();
        let (mut db, _) =
            Db::init(&dir.path().join("h.db"), crate::store::DEFAULT_BUSY_TIMEOUT).unwrap();
        let ctx = Ctx {
            now: Timestamp::parse("2026-01-01").unwrap(),
            actor: "t".to_owned(),
        };
        catalog::create_company(&mut db, &ctx, "Acme").unwrap();
        for sku in ["A", "KIT"] {
            let new = product::NewProduct {
                company: CompanyId::new(1).unwrap(),
                sku: Sku::parse(sku).unwrap(),
                name: sku.to_owned(),
                price: Money::parse("price", "1").unwrap(),
                product_type: None,
                threshold: None,
                stock: None,
            };
            product::create(&mut db, &ctx, &new).unwrap();
        }
        bundle::set(
            &mut db,
            &Sku::parse("KIT").unwrap(),
            &[(Sku::parse("A").unwrap(), Quantity::new(2).unwrap())],
        )
        .unwrap();
        let bundle = plan(&mut db, "KIT");
        assert!(
            bundle.contains("SEARCH m USING INDEX movement_bundle (bundle_id=?)"),
            "{bundle}"
        );
        assert!(
            !bundle.contains("SCAN m") && !bundle.contains("TEMP B-TREE"),
            "{bundle}"
        );
        let plain = plan(&mut db, "A");
        assert!(!plain.contains("SCAN m"), "{plain}");
        // The API's reads always name the company: a page of the newest
        // movements walks the ledger's time index and stops at LIMIT, never
        // sorts all of the company's movements (notes and all) first.
        let company = HistoryFilter {
            company: CompanyId::new(1).ok(),
            limit: Some(1000),
            ..HistoryFilter::default()
        };
        let page = plan_of(&mut db, &company);
        assert!(page.contains("SCAN m USING INDEX movement_time"), "{page}");
        assert!(!page.contains("TEMP B-TREE"), "{page}");
    }
}
