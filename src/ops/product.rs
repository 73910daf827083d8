//! Products: creation in one transaction (product, inventory row and
//! `initial` movement, or nothing), listing, showing, updating, archiving.

use rusqlite::params;
use serde::Serialize;

use super::bundle::{self, Component};
use super::catalog::SupplierLink;
use super::ledger::Ledger;
use super::lookup;
use super::movement::Entry;
use super::stock::StockRow;
use crate::Ctx;
use crate::error::{Error, Result};
use crate::model::{CompanyId, Money, ProductId, Quantity, Reason, Sku, Timestamp, WarehouseId};
use crate::store::{Db, Row, Tx};

/// A product as listed and printed.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "serve", derive(utoipa::ToSchema))]
pub struct Product {
    /// Its id.
    pub id: ProductId,
    /// The owning company.
    pub company_id: CompanyId,
    /// Its SKU, as given at creation.
    pub sku: String,
    /// Its name.
    pub name: String,
    /// Unit price, exact.
    pub price: Money,
    /// Product type (groups thresholds), if any.
    #[serde(rename = "type")]
    pub product_type: Option<String>,
    /// Its own low-stock threshold, if set.
    pub threshold: Option<i64>,
    /// Whether it is a bundle of other products.
    pub is_bundle: bool,
    /// Whether it is archived.
    pub archived: bool,
    /// When it was created.
    pub created_at: Timestamp,
}

const PRODUCT_COLUMNS: &str =
    "id, company_id, sku, name, price_cents, type, threshold, is_bundle, archived, created_at";

impl Product {
    fn from_row(r: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(Self {
            id: r.get(0)?,
            company_id: r.get(1)?,
            sku: r.get(2)?,
            name: r.get(3)?,
            price: r.get(4)?,
            product_type: r.get(5)?,
            threshold: r.get(6)?,
            is_bundle: r.get(7)?,
            archived: r.get(8)?,
            created_at: r.get(9)?,
        })
    }
}

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
    db.write_retrying(|tx| create_in(tx, ctx, new))
}

/// `create` inside the caller's transaction.
pub(crate) fn create_in(tx: &Tx<'_>, ctx: &Ctx, new: &NewProduct) -> Result<Product> {
    let mut ledger = Ledger::new(tx, ctx)?;
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
    let product = tx
        .query_opt(
            &format!(
                "INSERT INTO product (company_id, sku, sku_key, name, price_cents, type, threshold, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                 ON CONFLICT (sku_key) DO NOTHING RETURNING {PRODUCT_COLUMNS}"
            ),
            params![
                new.company,
                new.sku.as_str(),
                new.sku.key(),
                new.name,
                new.price,
                new.product_type,
                new.threshold.map(|q| q.0),
                ctx.now
            ],
            Product::from_row,
        )?
        .ok_or_else(|| Error::conflict(format!("sku already exists: {}", new.sku)))?;
    if let Some((warehouse, qty)) = new.stock {
        ledger.ensure_stocked(product.id, product.company_id, warehouse)?;
        if qty.0 > 0 {
            ledger.apply(&Entry {
                product: product.id,
                company: product.company_id,
                sku: &product.sku,
                warehouse,
                delta: qty.0,
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
        tx.query_map(
            &format!(
                "SELECT {PRODUCT_COLUMNS} FROM product
                 WHERE (CAST(?1 AS BIGINT) IS NULL OR company_id = ?1) AND (?2 OR archived = 0)
                 ORDER BY sku_key"
            ),
            params![company, include_archived],
            Product::from_row,
        )
    })
}

pub(crate) fn get(conn: &Tx<'_>, sku: &Sku) -> Result<Product> {
    let id = lookup::product(conn, sku)?.id;
    conn.query_row(
        &format!("SELECT {PRODUCT_COLUMNS} FROM product WHERE id = ?1"),
        params![id],
        Product::from_row,
    )
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
    db.read(|tx| {
        let product = get(tx, sku)?;
        let stock = if product.is_bundle {
            let names = super::levels::warehouse_names(tx, product.company_id)?;
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
        let suppliers = super::catalog::links_of(tx, product.id, &product.sku, None)?;
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
    db.write_retrying(|tx| update_in(tx, sku, changes))
}

/// `update` inside the caller's transaction.
pub(crate) fn update_in(tx: &Tx<'_>, sku: &Sku, changes: &Changes) -> Result<Product> {
    let id = lookup::product(tx, sku)?.id;
    let threshold = changes.threshold.map(|t| t.map(|q| q.0));
    tx.execute(
        "UPDATE product SET
             name = coalesce(?2, name),
             price_cents = coalesce(?3, price_cents),
             type = coalesce(?4, type),
             threshold = CASE WHEN ?5 THEN ?6 ELSE threshold END
         WHERE id = ?1",
        params![
            id,
            changes.name,
            changes.price,
            changes.product_type,
            threshold.is_some(),
            threshold.flatten()
        ],
    )?;
    get(tx, sku)
}

/// Archives a product: its history stays, it leaves lists and alerts.
pub fn archive(db: &mut Db, sku: &Sku) -> Result<Product> {
    db.write_retrying(|tx| {
        let id = lookup::product(tx, sku)?.id;
        tx.execute("UPDATE product SET archived = 1 WHERE id = ?1", params![id])?;
        get(tx, sku)
    })
}
