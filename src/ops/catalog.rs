//! Companies, warehouses and suppliers: the tenants and the places and
//! partners they trade with. Names are unique (per company for warehouses and
//! suppliers), enforced by constraints through `ON CONFLICT DO NOTHING`.

use super::lookup;
use crate::Ctx;
use crate::error::{Error, Result};
use crate::model::{CompanyId, Money, Sku, SupplierId};
use crate::store::catalog::{self as stored, Terms};
use crate::store::{Db, Tx};

pub use crate::model::record::{Company, ListedSupplier, Supplier, SupplierLink, Warehouse};

/// Creates a company; a duplicate name is a conflict.
pub fn create_company(db: &mut Db, ctx: &Ctx, name: &str) -> Result<Company> {
    db.write_retrying(|tx| {
        let id = stored::insert_company(tx, name, ctx.now)?
            .ok_or_else(|| Error::conflict(format!("company name already exists: {name}")))?;
        Ok(Company {
            id,
            name: name.to_owned(),
            created_at: ctx.now,
        })
    })
}

/// Every company, by id.
pub fn list_companies(db: &mut Db) -> Result<Vec<Company>> {
    db.read(stored::companies)
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
    let id = stored::insert_warehouse(tx, company, name, location, ctx.now)?.ok_or_else(|| {
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
        stored::warehouses(tx, company)
    })
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
    stored::insert_supplier(
        tx,
        new.company,
        &new.name,
        new.email.as_deref(),
        new.phone.as_deref(),
        ctx.now,
    )?
    .ok_or_else(|| {
        Error::conflict(format!(
            "supplier name already exists in company {}: {}",
            new.company, new.name
        ))
    })
}

/// Suppliers, optionally of one company, by id, each with the lead time its
/// orders have shown.
pub fn list_suppliers(db: &mut Db, company: Option<CompanyId>) -> Result<Vec<ListedSupplier>> {
    db.read(|tx| {
        if let Some(c) = company {
            lookup::company(tx, c)?;
        }
        let mut seen = super::order::observed_lead_times(tx, company)?;
        Ok(stored::suppliers(tx, company)?
            .into_iter()
            .map(|supplier| ListedSupplier {
                observed_lead_time_days: seen.remove(&supplier.id),
                supplier,
            })
            .collect())
    })
}

/// The largest pack size or minimum order a link takes (10^9 units).
pub const MAX_TERM: i64 = 1_000_000_000;

/// What `supplier link` sets. `None` fields keep their current value on a re-link.
#[derive(Debug, Clone)]
pub struct Link {
    /// The product.
    pub sku: Sku,
    /// The supplier (of the product's company).
    pub supplier: SupplierId,
    /// Make this the product's primary supplier, demoting any other (a
    /// product without a primary supplier takes the link as primary anyway).
    pub primary: bool,
    /// Lead time in days.
    pub lead_time_days: Option<i64>,
    /// Unit cost.
    pub cost: Option<Money>,
    /// The supplier sells only multiples of this (>= 1).
    pub pack_size: Option<i64>,
    /// The supplier's smallest order (>= 0).
    pub min_order_quantity: Option<i64>,
}

/// Links a product to a supplier, or updates the existing link.
pub fn link_supplier(db: &mut Db, link: &Link) -> Result<SupplierLink> {
    db.write_retrying(|tx| link_in(tx, link))
}

pub(crate) fn link_in(tx: &Tx<'_>, link: &Link) -> Result<SupplierLink> {
    if let Some(pack) = link.pack_size.filter(|p| !(1..=MAX_TERM).contains(p)) {
        return Err(Error::invalid(format!(
            "pack size must be between 1 and {MAX_TERM}: {pack}"
        )));
    }
    if let Some(moq) = link
        .min_order_quantity
        .filter(|m| !(0..=MAX_TERM).contains(m))
    {
        return Err(Error::invalid(format!(
            "minimum order must be between 0 and {MAX_TERM}: {moq}"
        )));
    }
    let product = lookup::product(tx, &link.sku)?;
    lookup::supplier_of(tx, link.supplier, product.company_id)?;
    // The product's row is locked first, so concurrent links of one product
    // queue: the demotion and the new primary are one step for each.
    crate::store::product::lock(tx, product.id)?;
    // A product without a primary supplier takes this one (SPEC 11's trap:
    // an alert names only a primary supplier, so a product linked to one
    // supplier without `--primary` would alert with none and no word said).
    let primary = link.primary || !stored::has_primary(tx, product.id)?;
    let terms = Terms {
        primary,
        lead_time_days: link.lead_time_days,
        cost: link.cost,
        pack_size: link.pack_size,
        min_order_quantity: link.min_order_quantity,
    };
    stored::link(tx, product.id, product.company_id, link.supplier, terms)?;
    stored::links_of(tx, product.id, &product.sku, Some(link.supplier))?
        .pop()
        .ok_or_else(|| Error::new(crate::Kind::Internal, "supplier link vanished"))
}
