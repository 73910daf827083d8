//! Companies, warehouses, suppliers and the links of products to suppliers,
//! and the look-ups that say who owns what.

use super::params;

use super::{Row, Tx};
use crate::error::Result;
use crate::model::record::{Company, Supplier, SupplierLink, Warehouse};
use crate::model::{CompanyId, Money, ProductId, SupplierId, Timestamp, WarehouseId};

/// Whether the company exists.
pub fn company_exists(tx: &Tx<'_>, id: CompanyId) -> Result<bool> {
    Ok(tx
        .query_opt(
            "SELECT 1 AS found FROM company WHERE id = ?1",
            params![id],
            |_| Ok(()),
        )?
        .is_some())
}

/// The company a warehouse belongs to, if the warehouse exists.
pub fn warehouse_owner(tx: &Tx<'_>, id: WarehouseId) -> Result<Option<CompanyId>> {
    tx.query_opt(
        "SELECT company_id FROM warehouse WHERE id = ?1",
        params![id],
        |r| r.get("company_id"),
    )
}

/// A warehouse's company and name, if it exists.
pub fn warehouse_facts(tx: &Tx<'_>, id: WarehouseId) -> Result<Option<(CompanyId, String)>> {
    tx.query_opt(
        "SELECT company_id, name FROM warehouse WHERE id = ?1",
        params![id],
        |r| Ok((r.get("company_id")?, r.get("name")?)),
    )
}

/// The company a supplier belongs to, if the supplier exists.
pub fn supplier_owner(tx: &Tx<'_>, id: SupplierId) -> Result<Option<CompanyId>> {
    tx.query_opt(
        "SELECT company_id FROM supplier WHERE id = ?1",
        params![id],
        |r| r.get("company_id"),
    )
}

/// Inserts a company; `None` when the name is taken.
pub fn insert_company(tx: &Tx<'_>, name: &str, now: Timestamp) -> Result<Option<CompanyId>> {
    tx.query_opt(
        "INSERT INTO company (name, created_at) VALUES (?1, ?2)
             ON CONFLICT DO NOTHING RETURNING id",
        params![name, now],
        |r| r.get("id"),
    )
}

/// Every company, by id.
pub fn companies(tx: &Tx<'_>) -> Result<Vec<Company>> {
    tx.query_map(
        "SELECT id, name, created_at FROM company ORDER BY id",
        &[],
        |r| {
            Ok(Company {
                id: r.get("id")?,
                name: r.get("name")?,
                created_at: r.get("created_at")?,
            })
        },
    )
}

/// Inserts a warehouse; `None` when the name is taken in the company.
pub fn insert_warehouse(
    tx: &Tx<'_>,
    company: CompanyId,
    name: &str,
    location: Option<&str>,
    now: Timestamp,
) -> Result<Option<WarehouseId>> {
    tx.query_opt(
        "INSERT INTO warehouse (company_id, name, location, created_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT DO NOTHING RETURNING id",
        params![company, name, location, now],
        |r| r.get("id"),
    )
}

/// Warehouses, of one company or all, by id.
pub fn warehouses(tx: &Tx<'_>, company: Option<CompanyId>) -> Result<Vec<Warehouse>> {
    tx.query_map(
        "SELECT id, company_id, name, location FROM warehouse
         WHERE CAST(?1 AS BIGINT) IS NULL OR company_id = ?1 ORDER BY id",
        params![company],
        |r| {
            Ok(Warehouse {
                id: r.get("id")?,
                company_id: r.get("company_id")?,
                name: r.get("name")?,
                location: r.get("location")?,
            })
        },
    )
}

/// Every warehouse name of a company, by id.
pub fn warehouse_names(tx: &Tx<'_>, company: CompanyId) -> Result<Vec<(WarehouseId, String)>> {
    tx.query_map(
        "SELECT id, name FROM warehouse WHERE company_id = ?1",
        params![company],
        |r| Ok((r.get("id")?, r.get("name")?)),
    )
}

fn supplier(r: &Row<'_>) -> Result<Supplier> {
    Ok(Supplier {
        id: r.get("id")?,
        company_id: r.get("company_id")?,
        name: r.get("name")?,
        contact_email: r.get("contact_email")?,
        phone: r.get("phone")?,
    })
}

/// Inserts a supplier; `None` when the name is taken in the company.
pub fn insert_supplier(
    tx: &Tx<'_>,
    company: CompanyId,
    name: &str,
    email: Option<&str>,
    phone: Option<&str>,
    now: Timestamp,
) -> Result<Option<Supplier>> {
    tx.query_opt(
        "INSERT INTO supplier (company_id, name, contact_email, phone, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT DO NOTHING RETURNING id, company_id, name, contact_email, phone",
        params![company, name, email, phone, now],
        supplier,
    )
}

/// Suppliers, of one company or all, by id.
pub fn suppliers(tx: &Tx<'_>, company: Option<CompanyId>) -> Result<Vec<Supplier>> {
    tx.query_map(
        "SELECT id, company_id, name, contact_email, phone FROM supplier
         WHERE CAST(?1 AS BIGINT) IS NULL OR company_id = ?1 ORDER BY id",
        params![company],
        supplier,
    )
}

/// The suppliers linked to a product (or only `only`), primary first.
pub fn links_of(
    tx: &Tx<'_>,
    product: ProductId,
    sku: &str,
    only: Option<SupplierId>,
) -> Result<Vec<SupplierLink>> {
    tx.query_map(
        "SELECT s.id, s.company_id, s.name, s.contact_email, s.phone,
                ps.is_primary, ps.lead_time_days, ps.cost_cents, ps.pack_size,
                ps.min_order_quantity
         FROM product_supplier ps JOIN supplier s ON s.id = ps.supplier_id
         WHERE ps.product_id = ?1 AND (CAST(?2 AS BIGINT) IS NULL OR ps.supplier_id = ?2)
         ORDER BY ps.is_primary DESC, ps.supplier_id",
        params![product, only],
        |r| {
            Ok(SupplierLink {
                supplier: supplier(r)?,
                sku: sku.to_owned(),
                is_primary: r.get("is_primary")?,
                lead_time_days: r.get("lead_time_days")?,
                cost: r.get("cost_cents")?,
                pack_size: r.get("pack_size")?,
                min_order_quantity: r.get("min_order_quantity")?,
            })
        },
    )
}

/// Whether the product has a primary supplier.
pub fn has_primary(tx: &Tx<'_>, product: ProductId) -> Result<bool> {
    Ok(tx
        .query_opt(
            "SELECT 1 AS one FROM product_supplier WHERE product_id = ?1 AND is_primary",
            params![product],
            |_| Ok(()),
        )?
        .is_some())
}

/// A link's terms as `supplier link` sets them (`None` keeps the stored value).
#[derive(Debug, Clone, Copy)]
pub struct Terms {
    /// Make this the one primary supplier.
    pub primary: bool,
    /// Lead time in days.
    pub lead_time_days: Option<i64>,
    /// Unit cost.
    pub cost: Option<Money>,
    /// Pack size (a new link without one: 1).
    pub pack_size: Option<i64>,
    /// Minimum order (a new link without one: 0).
    pub min_order_quantity: Option<i64>,
}

/// Links a product to a supplier of its company, or updates the link; with
/// `primary`, every other supplier of the product is demoted first.
pub fn link(
    tx: &Tx<'_>,
    product: ProductId,
    company: CompanyId,
    supplier: SupplierId,
    terms: Terms,
) -> Result<()> {
    if terms.primary {
        tx.execute(
            "UPDATE product_supplier SET is_primary = FALSE
             WHERE product_id = ?1 AND supplier_id <> ?2 AND is_primary",
            params![product, supplier],
        )?;
    }
    tx.execute(
        "INSERT INTO product_supplier (product_id, supplier_id, company_id, is_primary, lead_time_days,
                                       cost_cents, pack_size, min_order_quantity)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, coalesce(CAST(?7 AS BIGINT), 1), coalesce(CAST(?8 AS BIGINT), 0))
         ON CONFLICT (product_id, supplier_id) DO UPDATE SET
             is_primary = CASE WHEN excluded.is_primary THEN TRUE
                               ELSE product_supplier.is_primary END,
             lead_time_days = coalesce(excluded.lead_time_days, product_supplier.lead_time_days),
             cost_cents = coalesce(excluded.cost_cents, product_supplier.cost_cents),
             pack_size = coalesce(CAST(?7 AS BIGINT), product_supplier.pack_size),
             min_order_quantity = coalesce(CAST(?8 AS BIGINT), product_supplier.min_order_quantity)",
        params![
            product,
            supplier,
            company,
            terms.primary,
            terms.lead_time_days,
            terms.cost,
            terms.pack_size,
            terms.min_order_quantity
        ],
    )?;
    Ok(())
}
