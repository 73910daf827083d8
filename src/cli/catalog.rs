//! `company`, `warehouse` and `supplier`.

use clap::{Args, Subcommand};
use stockflow::Exit;
use stockflow::error::Result;
use stockflow::model::{self, CompanyId, Money, Quantity, Sku, SupplierId};
use stockflow::ops::catalog::{self, Link, NewSupplier};

use super::{App, opt};

#[derive(Debug, Subcommand)]
pub enum CompanyCmd {
    /// Create a company
    #[command(after_help = "Example:\n  stockflow company create --name 'Acme Trading'")]
    Create {
        /// Its name (unique)
        #[arg(long, allow_hyphen_values = true)]
        name: String,
    },
    /// List companies
    #[command(after_help = "Example:\n  stockflow company list --format csv")]
    List,
}

pub fn company(cmd: CompanyCmd, app: &App) -> Result<Exit> {
    let mut db = app.open()?;
    let mut out = app.out();
    match cmd {
        CompanyCmd::Create { name } => {
            let name = model::name("company name", &name)?;
            let company = catalog::create_company(&mut db, &app.ctx, &name)?;
            out.object(&company)?
        }
        CompanyCmd::List => out.list(catalog::list_companies(&mut db)?.into_iter().map(Ok))?,
    }
    out.finish()?;
    Ok(Exit::Success)
}

#[derive(Debug, Subcommand)]
pub enum WarehouseCmd {
    /// Create a warehouse
    #[command(
        after_help = "Example:\n  stockflow warehouse create --company 1 --name North --location 'Hamburg, Dock 4'"
    )]
    Create {
        /// The owning company's id
        #[arg(long, value_name = "ID")]
        company: String,
        /// Its name (unique within the company)
        #[arg(long, allow_hyphen_values = true)]
        name: String,
        /// Where it is (free text)
        #[arg(long, value_name = "TEXT", allow_hyphen_values = true)]
        location: Option<String>,
    },
    /// List warehouses
    #[command(after_help = "Example:\n  stockflow warehouse list --company 1")]
    List {
        /// Only this company's
        #[arg(long, value_name = "ID")]
        company: Option<String>,
    },
}

pub fn warehouse(cmd: WarehouseCmd, app: &App) -> Result<Exit> {
    let mut db = app.open()?;
    let mut out = app.out();
    match cmd {
        WarehouseCmd::Create {
            company,
            name,
            location,
        } => {
            let company = CompanyId::parse(&company)?;
            let name = model::name("warehouse name", &name)?;
            let w =
                catalog::create_warehouse(&mut db, &app.ctx, company, &name, location.as_deref())?;
            out.object(&w)?
        }
        WarehouseCmd::List { company } => {
            let company = opt(company.as_deref(), CompanyId::parse)?;
            out.list(
                catalog::list_warehouses(&mut db, company)?
                    .into_iter()
                    .map(Ok),
            )?
        }
    }
    out.finish()?;
    Ok(Exit::Success)
}

#[derive(Debug, Subcommand)]
pub enum SupplierCmd {
    /// Create a supplier
    #[command(
        after_help = "Example:\n  stockflow supplier create --company 1 --name 'Nordic AB' --email sales@nordic.example --phone '+46 8 123 45'"
    )]
    Create {
        /// The owning company's id
        #[arg(long, value_name = "ID")]
        company: String,
        /// Its name (unique within the company)
        #[arg(long, allow_hyphen_values = true)]
        name: String,
        /// Where purchase orders go (local@domain)
        #[arg(long, allow_hyphen_values = true)]
        email: Option<String>,
        /// Phone number
        #[arg(long, allow_hyphen_values = true)]
        phone: Option<String>,
    },
    /// List suppliers
    #[command(after_help = "Example:\n  stockflow supplier list --company 1 --format json")]
    List {
        /// Only this company's
        #[arg(long, value_name = "ID")]
        company: Option<String>,
    },
    /// Link a product to a supplier, or update the link
    #[command(
        after_help = "Example:\n  stockflow supplier link --sku WID-001 --supplier 3 --primary --lead-time-days 7 --cost 4.20 --pack-size 12 --min-order 24"
    )]
    Link(LinkArgs),
}

#[derive(Debug, Args)]
pub struct LinkArgs {
    /// The product
    #[arg(long, allow_hyphen_values = true)]
    sku: String,
    /// The supplier's id (of the product's company)
    #[arg(long, value_name = "ID")]
    supplier: String,
    /// Make this the product's one primary supplier (demotes any other); a
    /// product's first supplier is its primary without it
    #[arg(long)]
    primary: bool,
    /// Days from order to delivery
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    lead_time_days: Option<String>,
    /// Unit cost from this supplier
    #[arg(long, value_name = "DECIMAL", allow_negative_numbers = true)]
    cost: Option<String>,
    /// The supplier sells only multiples of N (default 1; a re-link keeps the current one)
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    pack_size: Option<String>,
    /// The supplier's smallest order in units (default 0; a re-link keeps the current one)
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    min_order: Option<String>,
}

pub fn supplier(cmd: SupplierCmd, app: &App) -> Result<Exit> {
    let mut db = app.open()?;
    let mut out = app.out();
    match cmd {
        SupplierCmd::Create {
            company,
            name,
            email,
            phone,
        } => {
            let new = NewSupplier {
                company: CompanyId::parse(&company)?,
                name: model::name("supplier name", &name)?,
                email: opt(email.as_deref(), model::email)?,
                phone,
            };
            let supplier = catalog::create_supplier(&mut db, &app.ctx, &new)?;
            out.object(&supplier)?
        }
        SupplierCmd::List { company } => {
            let company = opt(company.as_deref(), CompanyId::parse)?;
            out.list(
                catalog::list_suppliers(&mut db, company)?
                    .into_iter()
                    .map(Ok),
            )?
        }
        SupplierCmd::Link(a) => {
            let link = Link {
                sku: Sku::parse(&a.sku)?,
                supplier: SupplierId::parse(&a.supplier)?,
                primary: a.primary,
                lead_time_days: opt(a.lead_time_days.as_deref(), |v| {
                    Quantity::parse("lead time", v).map(Quantity::get)
                })?,
                cost: opt(a.cost.as_deref(), |v| Money::parse("cost", v))?,
                pack_size: opt(a.pack_size.as_deref(), |v| {
                    Quantity::parse_positive("pack size", v).map(Quantity::get)
                })?,
                min_order_quantity: opt(a.min_order.as_deref(), |v| {
                    Quantity::parse("minimum order", v).map(Quantity::get)
                })?,
            };
            let linked = catalog::link_supplier(&mut db, &link)?;
            out.object(&linked)?
        }
    }
    out.finish()?;
    Ok(Exit::Success)
}
