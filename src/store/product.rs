//! Products and the components of bundles.

use super::params;

use super::{Row, Tx};
use crate::error::Result;
use crate::model::record::{Component, Product};
use crate::model::{CompanyId, Money, ProductId, Sku, Timestamp};

/// The facts about a product that most operations need.
#[derive(Debug, Clone)]
pub struct ProductRef {
    /// Its id.
    pub id: ProductId,
    /// The owning company.
    pub company_id: CompanyId,
    /// Its SKU, as stored.
    pub sku: String,
    /// Whether it is a bundle.
    pub is_bundle: bool,
}

fn product_ref(r: &Row<'_>) -> Result<ProductRef> {
    Ok(ProductRef {
        id: r.get("id")?,
        company_id: r.get("company_id")?,
        sku: r.get("sku")?,
        is_bundle: r.get("is_bundle")?,
    })
}

/// The product whose SKU is `sku` (compared by key), if any.
pub fn by_sku(tx: &Tx<'_>, sku: &Sku) -> Result<Option<ProductRef>> {
    tx.query_opt(
        "SELECT id, company_id, sku, is_bundle FROM product WHERE sku_key = ?1",
        params![sku.key()],
        product_ref,
    )
}

/// Locks the product's row until commit (PostgreSQL), so writers of one
/// product's links queue.
pub fn lock(tx: &Tx<'_>, id: ProductId) -> Result<()> {
    tx.lock("SELECT 1 FROM product WHERE id = ?1", params![id])
}

const COLUMNS: &str =
    "id, company_id, sku, name, price_cents, type, threshold, is_bundle, archived, created_at";

fn product(r: &Row<'_>) -> Result<Product> {
    Ok(Product {
        id: r.get("id")?,
        company_id: r.get("company_id")?,
        sku: r.get("sku")?,
        name: r.get("name")?,
        price: r.get("price_cents")?,
        product_type: r.get("type")?,
        threshold: r.get("threshold")?,
        is_bundle: r.get("is_bundle")?,
        archived: r.get("archived")?,
        created_at: r.get("created_at")?,
    })
}

/// A product to insert.
#[derive(Debug, Clone, Copy)]
pub struct Insert<'a> {
    /// The owning company.
    pub company: CompanyId,
    /// Its SKU.
    pub sku: &'a Sku,
    /// Its name.
    pub name: &'a str,
    /// Unit price.
    pub price: Money,
    /// Product type.
    pub product_type: Option<&'a str>,
    /// Own threshold.
    pub threshold: Option<i64>,
}

/// Inserts a product; `None` when its SKU (by key) is taken.
pub fn insert(tx: &Tx<'_>, new: &Insert<'_>, now: Timestamp) -> Result<Option<Product>> {
    tx.query_opt(
        &format!(
            "INSERT INTO product (company_id, sku, sku_key, name, price_cents, type, threshold, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
             ON CONFLICT (sku_key) DO NOTHING RETURNING {COLUMNS}"
        ),
        params![
            new.company,
            new.sku.as_str(),
            new.sku.key(),
            new.name,
            new.price,
            new.product_type,
            new.threshold,
            now
        ],
        product,
    )
}

/// Products, of one company or all, archived ones only when asked; by SKU key.
pub fn list(
    tx: &Tx<'_>,
    company: Option<CompanyId>,
    include_archived: bool,
) -> Result<Vec<Product>> {
    tx.query_map(
        &format!(
            "SELECT {COLUMNS} FROM product
             WHERE (CAST(?1 AS BIGINT) IS NULL OR company_id = ?1) AND (?2 OR NOT archived)
             ORDER BY sku_key"
        ),
        params![company, include_archived],
        product,
    )
}

/// The product with id `id`.
pub fn by_id(tx: &Tx<'_>, id: ProductId) -> Result<Product> {
    tx.query_row(
        &format!("SELECT {COLUMNS} FROM product WHERE id = ?1"),
        params![id],
        product,
    )
}

/// What `update` changes; `None` keeps a field.
#[derive(Debug, Clone, Copy)]
pub struct Update<'a> {
    /// New name.
    pub name: Option<&'a str>,
    /// New price.
    pub price: Option<Money>,
    /// New type.
    pub product_type: Option<&'a str>,
    /// New threshold: `Some(None)` removes it.
    pub threshold: Option<Option<i64>>,
}

/// Changes a product's fields.
pub fn update(tx: &Tx<'_>, id: ProductId, changes: &Update<'_>) -> Result<()> {
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
            changes.threshold.is_some(),
            changes.threshold.flatten()
        ],
    )
    .map(drop)
}

/// Archives a product.
pub fn archive(tx: &Tx<'_>, id: ProductId) -> Result<()> {
    tx.execute(
        "UPDATE product SET archived = TRUE WHERE id = ?1",
        params![id],
    )
    .map(drop)
}

/// Units of the product in stock over all warehouses.
pub fn stocked_units(tx: &Tx<'_>, id: ProductId) -> Result<i64> {
    tx.query_row(
        "SELECT CAST(coalesce(sum(quantity), 0) AS BIGINT) AS units FROM inventory WHERE product_id = ?1",
        params![id],
        |r| r.get("units"),
    )
}

/// Makes the product a bundle with no components yet (its old ones removed).
pub fn clear_bundle(tx: &Tx<'_>, id: ProductId) -> Result<()> {
    tx.execute(
        "DELETE FROM bundle_component WHERE bundle_id = ?1",
        params![id],
    )?;
    tx.execute(
        "UPDATE product SET is_bundle = TRUE WHERE id = ?1",
        params![id],
    )
    .map(drop)
}

/// Adds a component to a bundle of the same company.
pub fn add_component(
    tx: &Tx<'_>,
    bundle: ProductId,
    component: ProductId,
    company: CompanyId,
    quantity: i64,
) -> Result<()> {
    tx.execute(
        "INSERT INTO bundle_component (bundle_id, component_id, company_id, quantity)
         VALUES (?1, ?2, ?3, ?4)",
        params![bundle, component, company, quantity],
    )
    .map(drop)
}

/// Whether `outer` contains `inner`, directly or through other bundles.
pub fn contains(tx: &Tx<'_>, outer: ProductId, inner: ProductId) -> Result<bool> {
    let found: i64 = tx.query_row(
        "WITH RECURSIVE sub(id) AS (
             SELECT component_id FROM bundle_component WHERE bundle_id = ?1
             UNION SELECT bc.component_id FROM bundle_component bc JOIN sub ON bc.bundle_id = sub.id)
         SELECT count(*) AS found FROM sub WHERE id = ?2",
        params![outer, inner],
        |r| r.get("found"),
    )?;
    Ok(found > 0)
}

/// The direct components of a bundle, by SKU key.
pub fn components(tx: &Tx<'_>, bundle: ProductId) -> Result<Vec<Component>> {
    tx.query_map(
        "SELECT p.sku, bc.quantity FROM bundle_component bc JOIN product p ON p.id = bc.component_id
         WHERE bc.bundle_id = ?1 ORDER BY p.sku_key",
        params![bundle],
        |r| {
            Ok(Component {
                sku: r.get("sku")?,
                quantity: r.get("quantity")?,
            })
        },
    )
}

/// The direct components of a bundle with their facts and units per bundle, by SKU key.
pub fn parts(tx: &Tx<'_>, bundle: ProductId) -> Result<Vec<(ProductRef, i64)>> {
    tx.query_map(
        "SELECT p.id, p.company_id, p.sku, p.is_bundle, bc.quantity
         FROM bundle_component bc JOIN product p ON p.id = bc.component_id
         WHERE bc.bundle_id = ?1 ORDER BY p.sku_key",
        params![bundle],
        |r| Ok((product_ref(r)?, r.get("quantity")?)),
    )
}
