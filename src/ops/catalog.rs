//! Companies, warehouses and suppliers: the tenants and the places and
//! partners they trade with. Names are unique (per company for warehouses and
//! suppliers), enforced by constraints through `ON CONFLICT DO NOTHING`.

use rusqlite::params;
use serde::Serialize;

use super::lookup;
use crate::Ctx;
use crate::error::{Error, Result};
use crate::model::{CompanyId, Money, ProductId, Sku, SupplierId, Timestamp, WarehouseId};
use crate::store::{Db, Row, Tx};

/// A company (tenant).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "serve", derive(utoipa::ToSchema))]
pub struct Company {
    /// Its id.
    pub id: CompanyId,
    /// Its name, unique case-insensitively.
    pub name: String,
    /// When it was created.
    pub created_at: Timestamp,
}

/// Creates a company; a duplicate name is a conflict.
pub fn create_company(db: &mut Db, ctx: &Ctx, name: &str) -> Result<Company> {
    db.write_retrying(|tx| {
        let id: Option<CompanyId> = tx.query_opt(
            "INSERT INTO company (name, created_at) VALUES (?1, ?2)
                 ON CONFLICT DO NOTHING RETURNING id",
            params![name, ctx.now],
            |r| r.get(0),
        )?;
        let id =
            id.ok_or_else(|| Error::conflict(format!("company name already exists: {name}")))?;
        Ok(Company {
            id,
            name: name.to_owned(),
            created_at: ctx.now,
        })
    })
}

/// Every company, by id.
pub fn list_companies(db: &mut Db) -> Result<Vec<Company>> {
    db.read(|tx| {
        tx.query_map(
            "SELECT id, name, created_at FROM company ORDER BY id",
            &[],
            |r| {
                Ok(Company {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    created_at: r.get(2)?,
                })
            },
        )
    })
}

/// A warehouse of a company.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "serve", derive(utoipa::ToSchema))]
pub struct Warehouse {
    /// Its id.
    pub id: WarehouseId,
    /// The owning company.
    pub company_id: CompanyId,
    /// Its name, unique within the company.
    pub name: String,
    /// Free-text location, if given.
    pub location: Option<String>,
}

/// Creates a warehouse; the company must exist, the name be new within it.
pub fn create_warehouse(
    db: &mut Db,
    ctx: &Ctx,
    company: CompanyId,
    name: &str,
    location: Option<&str>,
) -> Result<Warehouse> {
    db.write_retrying(|tx| warehouse_in(tx, ctx, company, name, location))
}

/// `create_warehouse` inside the caller's transaction.
pub(crate) fn warehouse_in(
    tx: &Tx<'_>,
    ctx: &Ctx,
    company: CompanyId,
    name: &str,
    location: Option<&str>,
) -> Result<Warehouse> {
    lookup::company(tx, company)?;
    let id: Option<WarehouseId> = tx.query_opt(
        "INSERT INTO warehouse (company_id, name, location, created_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT DO NOTHING RETURNING id",
        params![company, name, location, ctx.now],
        |r| r.get(0),
    )?;
    let id = id.ok_or_else(|| {
        Error::conflict(format!(
            "warehouse name already exists in company {company}: {name}"
        ))
    })?;
    Ok(Warehouse {
        id,
        company_id: company,
        name: name.to_owned(),
        location: location.map(str::to_owned),
    })
}

/// Warehouses, optionally of one company, by id.
pub fn list_warehouses(db: &mut Db, company: Option<CompanyId>) -> Result<Vec<Warehouse>> {
    db.read(|tx| {
        if let Some(c) = company {
            lookup::company(tx, c)?;
        }
        tx.query_map(
            "SELECT id, company_id, name, location FROM warehouse
             WHERE CAST(?1 AS BIGINT) IS NULL OR company_id = ?1 ORDER BY id",
            &[&company],
            |r| {
                Ok(Warehouse {
                    id: r.get(0)?,
                    company_id: r.get(1)?,
                    name: r.get(2)?,
                    location: r.get(3)?,
                })
            },
        )
    })
}

/// A supplier of a company.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "serve", derive(utoipa::ToSchema))]
pub struct Supplier {
    /// Its id.
    pub id: SupplierId,
    /// The owning company.
    pub company_id: CompanyId,
    /// Its name, unique within the company.
    pub name: String,
    /// Where purchase orders go.
    pub contact_email: Option<String>,
    /// A phone number, as given.
    pub phone: Option<String>,
}

impl Supplier {
    fn from_row(r: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(Self {
            id: r.get(0)?,
            company_id: r.get(1)?,
            name: r.get(2)?,
            contact_email: r.get(3)?,
            phone: r.get(4)?,
        })
    }
}

/// What `supplier create` needs (email already validated).
#[derive(Debug, Clone)]
pub struct NewSupplier {
    /// The owning company.
    pub company: CompanyId,
    /// The supplier's name.
    pub name: String,
    /// Contact e-mail.
    pub email: Option<String>,
    /// Phone number.
    pub phone: Option<String>,
}

/// Creates a supplier; the company must exist, the name be new within it.
pub fn create_supplier(db: &mut Db, ctx: &Ctx, new: &NewSupplier) -> Result<Supplier> {
    db.write_retrying(|tx| supplier_in(tx, ctx, new))
}

/// `create_supplier` inside the caller's transaction.
pub(crate) fn supplier_in(tx: &Tx<'_>, ctx: &Ctx, new: &NewSupplier) -> Result<Supplier> {
    lookup::company(tx, new.company)?;
    tx.query_opt(
        "INSERT INTO supplier (company_id, name, contact_email, phone, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT DO NOTHING RETURNING id, company_id, name, contact_email, phone",
        params![new.company, new.name, new.email, new.phone, ctx.now],
        Supplier::from_row,
    )?
    .ok_or_else(|| {
        Error::conflict(format!(
            "supplier name already exists in company {}: {}",
            new.company, new.name
        ))
    })
}

/// Suppliers, optionally of one company, by id.
pub fn list_suppliers(db: &mut Db, company: Option<CompanyId>) -> Result<Vec<Supplier>> {
    db.read(|tx| {
        if let Some(c) = company {
            lookup::company(tx, c)?;
        }
        tx.query_map(
            "SELECT id, company_id, name, contact_email, phone FROM supplier
             WHERE CAST(?1 AS BIGINT) IS NULL OR company_id = ?1 ORDER BY id",
            &[&company],
            Supplier::from_row,
        )
    })
}

/// A supplier as linked to one product: the supplier's own keys, the
/// product's SKU, and the link's terms.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "serve", derive(utoipa::ToSchema))]
pub struct SupplierLink {
    /// The supplier.
    #[serde(flatten)]
    pub supplier: Supplier,
    /// The product's SKU.
    pub sku: String,
    /// Whether this is the product's one primary supplier.
    pub is_primary: bool,
    /// Days from order to delivery.
    pub lead_time_days: Option<i64>,
    /// Unit cost from this supplier.
    pub cost: Option<Money>,
}

/// The suppliers linked to a product, primary first (or only `only`).
pub(crate) fn links_of(
    conn: &Tx<'_>,
    product: ProductId,
    sku: &str,
    only: Option<SupplierId>,
) -> Result<Vec<SupplierLink>> {
    conn.query_map(
        "SELECT s.id, s.company_id, s.name, s.contact_email, s.phone,
                ps.is_primary, ps.lead_time_days, ps.cost_cents
         FROM product_supplier ps JOIN supplier s ON s.id = ps.supplier_id
         WHERE ps.product_id = ?1 AND (CAST(?2 AS BIGINT) IS NULL OR ps.supplier_id = ?2)
         ORDER BY ps.is_primary DESC, ps.supplier_id",
        params![product, only],
        |r| {
            Ok(SupplierLink {
                supplier: Supplier::from_row(r)?,
                sku: sku.to_owned(),
                is_primary: r.get(5)?,
                lead_time_days: r.get(6)?,
                cost: r.get(7)?,
            })
        },
    )
}

/// What `supplier link` sets. `None` fields keep their current value on a re-link.
#[derive(Debug, Clone)]
pub struct Link {
    /// The product.
    pub sku: Sku,
    /// The supplier (of the product's company).
    pub supplier: SupplierId,
    /// Make this the product's primary supplier, demoting any other.
    pub primary: bool,
    /// Lead time in days.
    pub lead_time_days: Option<i64>,
    /// Unit cost.
    pub cost: Option<Money>,
}

/// Links a product to a supplier, or updates the existing link.
pub fn link_supplier(db: &mut Db, link: &Link) -> Result<SupplierLink> {
    db.write_retrying(|tx| link_in(tx, link))
}

pub(crate) fn link_in(tx: &Tx<'_>, link: &Link) -> Result<SupplierLink> {
    let product = lookup::product(tx, &link.sku)?;
    lookup::supplier_of(tx, link.supplier, product.company_id)?;
    // The product's row is locked first, so concurrent links of one product
    // queue: the demotion and the new primary are one step for each.
    tx.lock("SELECT 1 FROM product WHERE id = ?1", params![product.id])?;
    if link.primary {
        tx.execute(
            "UPDATE product_supplier SET is_primary = 0
             WHERE product_id = ?1 AND supplier_id <> ?2 AND is_primary = 1",
            params![product.id, link.supplier],
        )?;
    }
    tx.execute(
        "INSERT INTO product_supplier (product_id, supplier_id, company_id, is_primary, lead_time_days, cost_cents)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (product_id, supplier_id) DO UPDATE SET
             is_primary = CASE WHEN excluded.is_primary = 1 THEN 1
                               ELSE product_supplier.is_primary END,
             lead_time_days = coalesce(excluded.lead_time_days, product_supplier.lead_time_days),
             cost_cents = coalesce(excluded.cost_cents, product_supplier.cost_cents)",
        params![
            product.id,
            link.supplier,
            product.company_id,
            link.primary,
            link.lead_time_days,
            link.cost
        ],
    )?;
    links_of(tx, product.id, &product.sku, Some(link.supplier))?
        .pop()
        .ok_or_else(|| Error::new(crate::Kind::Internal, "supplier link vanished"))
}
