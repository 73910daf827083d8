//! Products: creation in one transaction (product, inventory row and
//! `initial` movement, or nothing), listing, showing, updating, archiving.

use std::collections::HashMap;

use serde::Serialize;

use super::bundle::{self, Component};
use super::catalog::SupplierLink;
use super::ledger::Ledger;
use super::lookup::{self, Tenant};
use super::movement::Entry;
use super::stock::StockRow;
use crate::Ctx;
use crate::error::{Error, Result};
use crate::model::{CompanyId, Money, Quantity, Reason, Sku, WarehouseId};
use crate::store::product::{self as stored, Insert, Update};
use crate::store::{Db, Tx, catalog};

pub use crate::model::record::Product;

/// What `product create` (and each `import products` row) asks for.
#[derive(Debug, Clone)]
pub struct NewProduct {
    /// The owning company.
    pub company: CompanyId,
    /// The SKU, unique platform-wide.
    pub sku: Sku,
    /// The name.
    pub name: String,
    /// Unit price.
    pub price: Money,
    /// Product type.
    pub product_type: Option<String>,
    /// Own threshold.
    pub threshold: Option<Quantity>,
    /// Opening stock: where and how much.
    pub stock: Option<(WarehouseId, Quantity)>,
}

/// Creates a product, with its opening stock, in one transaction.
pub fn create(db: &mut Db, ctx: &Ctx, new: &NewProduct) -> Result<Product> {
    db.write_retrying(|tx| create_in(tx, ctx, Tenant::Any, new))
}

/// `create` inside the caller's transaction.
pub(crate) fn create_in(
    tx: &Tx<'_>,
    ctx: &Ctx,
    tenant: Tenant,
    new: &NewProduct,
) -> Result<Product> {
    tenant.company(new.company)?;
    let mut ledger = Ledger::for_tenant(tx, ctx, tenant)?;
    let product = insert(tx, ctx, &mut ledger, new)?;
    ledger.finish()?;
    Ok(product)
}

/// Inserts one product and its opening stock through `ledger` (no commit).
pub(crate) fn insert(
    tx: &Tx<'_>,
    ctx: &Ctx,
    ledger: &mut Ledger<'_>,
    new: &NewProduct,
) -> Result<Product> {
    lookup::company(tx, new.company)?;
    if let Some((warehouse, _)) = new.stock {
        ledger.check_warehouse(warehouse, new.company)?;
    }
    let insert = Insert {
        company: new.company,
        sku: &new.sku,
        name: &new.name,
        price: new.price,
        product_type: new.product_type.as_deref(),
        threshold: new.threshold.map(Quantity::get),
    };
    let product = stored::insert(tx, &insert, ctx.now)?
        .ok_or_else(|| Error::conflict(format!("sku already exists: {}", new.sku)))?;
    if let Some((warehouse, qty)) = new.stock {
        ledger.ensure_stocked(product.id, product.company_id, warehouse)?;
        if qty.get() > 0 {
            ledger.apply(&Entry {
                product: product.id,
                company: product.company_id,
                sku: &product.sku,
                warehouse,
                delta: qty.get(),
                reason: Reason::Initial,
                note: None,
                reference: None,
                occurred_at: ctx.now,
                bundle: None,
            })?;
        }
    }
    Ok(product)
}

/// Products, optionally of one company, archived ones only when asked; by SKU.
pub fn list(
    db: &mut Db,
    company: Option<CompanyId>,
    include_archived: bool,
) -> Result<Vec<Product>> {
    db.read(|tx| {
        if let Some(c) = company {
            lookup::company(tx, c)?;
        }
        stored::list(tx, company, include_archived)
    })
}

pub(crate) fn get(conn: &Tx<'_>, tenant: Tenant, sku: &Sku) -> Result<Product> {
    stored::by_id(conn, lookup::product_for(conn, sku, tenant)?.id)
}

/// `product show`: the product with its stock, suppliers and components.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "serve", derive(utoipa::ToSchema))]
pub struct ProductDetail {
    /// The product itself.
    #[serde(flatten)]
    pub product: Product,
    /// Stock per warehouse (for a bundle: how many bundles its components allow).
    pub stock: Vec<StockRow>,
    /// Linked suppliers, primary first.
    pub suppliers: Vec<SupplierLink>,
    /// A bundle's direct components.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub components: Option<Vec<Component>>,
}

/// Everything about one product.
pub fn show(db: &mut Db, sku: &Sku) -> Result<ProductDetail> {
    db.read(|tx| show_in(tx, Tenant::Any, sku))
}

/// `show` inside the caller's read, as `tenant` sees it.
pub(crate) fn show_in(tx: &Tx<'_>, tenant: Tenant, sku: &Sku) -> Result<ProductDetail> {
    let product = get(tx, tenant, sku)?;
    let stock = if product.is_bundle {
        let names: HashMap<_, _> = catalog::warehouse_names(tx, product.company_id)?
            .into_iter()
            .collect();
        bundle::available(tx, product.id)?
            .into_iter()
            .map(|(w, q)| StockRow {
                product_id: product.id,
                sku: product.sku.clone(),
                product_name: product.name.clone(),
                warehouse_id: w,
                warehouse_name: names.get(&w).cloned().unwrap_or_default(),
                quantity: q,
            })
            .collect()
    } else {
        super::levels::rows_of_product(tx, product.id)?
    };
    let suppliers = catalog::links_of(tx, product.id, &product.sku, None)?;
    let components = if product.is_bundle {
        Some(bundle::direct(tx, product.id)?)
    } else {
        None
    };
    Ok(ProductDetail {
        product,
        stock,
        suppliers,
        components,
    })
}

/// What `product update` changes; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct Changes {
    /// New name.
    pub name: Option<String>,
    /// New price.
    pub price: Option<Money>,
    /// New type.
    pub product_type: Option<String>,
    /// New threshold: `Some(None)` removes it.
    pub threshold: Option<Option<Quantity>>,
}

/// Updates a product's fields.
pub fn update(db: &mut Db, sku: &Sku, changes: &Changes) -> Result<Product> {
    db.write_retrying(|tx| update_in(tx, Tenant::Any, sku, changes))
}

/// `update` inside the caller's transaction.
pub(crate) fn update_in(
    tx: &Tx<'_>,
    tenant: Tenant,
    sku: &Sku,
    changes: &Changes,
) -> Result<Product> {
    let id = lookup::product_for(tx, sku, tenant)?.id;
    let update = Update {
        name: changes.name.as_deref(),
        price: changes.price,
        product_type: changes.product_type.as_deref(),
        threshold: changes.threshold.map(|t| t.map(Quantity::get)),
    };
    stored::update(tx, id, &update)?;
    get(tx, tenant, sku)
}

/// Archives a product: its history stays, it leaves lists and alerts.
pub fn archive(db: &mut Db, sku: &Sku) -> Result<Product> {
    db.write_retrying(|tx| {
        let id = lookup::product(tx, sku)?.id;
        stored::archive(tx, id)?;
        get(tx, Tenant::Any, sku)
    })
}
