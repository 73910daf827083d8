//! `product`, `bundle`, `threshold` and `import`.

use clap::{ArgGroup, Args, Subcommand};
use stockflow::Exit;
use stockflow::error::{Error, Result};
use stockflow::model::{self, CompanyId, Money, Quantity, Sku, WarehouseId};
use stockflow::ops::threshold::Scope;
use stockflow::ops::{bundle, import, product, threshold};

use super::{App, opt};

#[derive(Debug, Subcommand)]
pub enum ProductCmd {
    /// Create a product, optionally with opening stock in one warehouse
    #[command(
        after_help = "Example:\n  stockflow product create --company 1 --sku WID-001 --name 'Widget A' --price 19.90 \\\n      --type widget --warehouse 1 --quantity 40"
    )]
    Create(CreateArgs),
    /// List products (archived ones only with --include-archived)
    #[command(after_help = "Example:\n  stockflow product list --company 1 --include-archived")]
    List {
        /// Only this company's
        #[arg(long, value_name = "ID")]
        company: Option<String>,
        /// Include archived products
        #[arg(long)]
        include_archived: bool,
    },
    /// Show a product with its stock, suppliers and (for a bundle) components
    #[command(after_help = "Example:\n  stockflow product show wid-001 --format json")]
    Show {
        /// The product's SKU
        #[arg(allow_hyphen_values = true)]
        sku: String,
    },
    /// Change a product's name, price, type or threshold
    #[command(
        after_help = "Examples:\n  stockflow product update WID-001 --price 21.00 --threshold 15\n  stockflow product update WID-001 --no-threshold"
    )]
    Update(UpdateArgs),
    /// Archive a product: history kept, hidden from lists, no alerts
    #[command(after_help = "Example:\n  stockflow product archive OLD-1")]
    Archive {
        /// The product's SKU
        #[arg(allow_hyphen_values = true)]
        sku: String,
    },
}

#[derive(Debug, Args)]
pub struct CreateArgs {
    /// The owning company's id
    #[arg(long, value_name = "ID")]
    company: String,
    /// Stock-keeping unit: 1-64 characters, no whitespace, unique (any case)
    #[arg(long, allow_hyphen_values = true)]
    sku: String,
    /// Product name
    #[arg(long, allow_hyphen_values = true)]
    name: String,
    /// Unit price: at most 2 decimal places, 0 to 99999999.99
    #[arg(long, value_name = "DECIMAL", allow_negative_numbers = true)]
    price: String,
    /// Product type (thresholds can be set per type)
    #[arg(long = "type", value_name = "TYPE", allow_hyphen_values = true)]
    product_type: Option<String>,
    /// This product's own low-stock threshold
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    threshold: Option<String>,
    /// Warehouse for the opening stock (with --quantity)
    #[arg(long, value_name = "ID", requires = "quantity")]
    warehouse: Option<String>,
    /// Opening stock (with --warehouse)
    #[arg(
        long,
        value_name = "N",
        requires = "warehouse",
        allow_negative_numbers = true
    )]
    quantity: Option<String>,
}

#[derive(Debug, Args)]
pub struct UpdateArgs {
    /// The product's SKU
    #[arg(allow_hyphen_values = true)]
    sku: String,
    /// New name
    #[arg(long, allow_hyphen_values = true)]
    name: Option<String>,
    /// New price
    #[arg(long, value_name = "DECIMAL", allow_negative_numbers = true)]
    price: Option<String>,
    /// New type
    #[arg(long = "type", value_name = "TYPE", allow_hyphen_values = true)]
    product_type: Option<String>,
    /// New threshold
    #[arg(
        long,
        value_name = "N",
        allow_negative_numbers = true,
        conflicts_with = "no_threshold"
    )]
    threshold: Option<String>,
    /// Remove the product's own threshold
    #[arg(long)]
    no_threshold: bool,
}

fn threshold_value(text: &str) -> Result<Quantity> {
    Quantity::parse("threshold", text)
}

pub fn product(cmd: ProductCmd, app: &App) -> Result<Exit> {
    let mut db = app.open()?;
    let mut out = app.out();
    match cmd {
        ProductCmd::Create(a) => {
            let stock = match (a.warehouse, a.quantity) {
                (Some(w), Some(q)) => {
                    Some((WarehouseId::parse(&w)?, Quantity::parse("quantity", &q)?))
                }
                _ => None,
            };
            let new = product::NewProduct {
                company: CompanyId::parse(&a.company)?,
                sku: Sku::parse(&a.sku)?,
                name: model::name("name", &a.name)?,
                price: Money::parse("price", &a.price)?,
                product_type: opt(a.product_type.as_deref(), model::product_type)?,
                threshold: opt(a.threshold.as_deref(), threshold_value)?,
                stock,
            };
            let created = product::create(&mut db, &app.ctx, &new)?;
            out.object(&created)?
        }
        ProductCmd::List {
            company,
            include_archived,
        } => {
            let company = opt(company.as_deref(), CompanyId::parse)?;
            out.list(
                product::list(&mut db, company, include_archived)?
                    .into_iter()
                    .map(Ok),
            )?
        }
        ProductCmd::Show { sku } => {
            let detail = product::show(&mut db, &Sku::parse(&sku)?)?;
            out.show(&detail)?
        }
        ProductCmd::Update(a) => {
            let changes = product::Changes {
                name: opt(a.name.as_deref(), |n| model::name("name", n))?,
                price: opt(a.price.as_deref(), |p| Money::parse("price", p))?,
                product_type: opt(a.product_type.as_deref(), model::product_type)?,
                threshold: if a.no_threshold {
                    Some(None)
                } else {
                    opt(a.threshold.as_deref(), threshold_value)?.map(Some)
                },
            };
            let updated = product::update(&mut db, &Sku::parse(&a.sku)?, &changes)?;
            out.object(&updated)?
        }
        ProductCmd::Archive { sku } => {
            let archived = product::archive(&mut db, &Sku::parse(&sku)?)?;
            out.object(&archived)?
        }
    }
    out.finish()?;
    Ok(Exit::Success)
}

#[derive(Debug, Subcommand)]
pub enum BundleCmd {
    /// Make a product a bundle of the given components (replaces any earlier set)
    #[command(
        after_help = "Example:\n  stockflow bundle set KIT-1 --component WID-001=2 --component GAD-7=1"
    )]
    Set {
        /// The bundle's SKU
        #[arg(allow_hyphen_values = true)]
        bundle_sku: String,
        /// A component and how many go in one bundle
        #[arg(long = "component", value_name = "SKU=QTY", required = true)]
        components: Vec<String>,
    },
}

pub fn bundle(cmd: BundleCmd, app: &App) -> Result<Exit> {
    let BundleCmd::Set {
        bundle_sku,
        components,
    } = cmd;
    let bundle_sku = Sku::parse(&bundle_sku)?;
    let parts = components
        .iter()
        .map(|c| {
            let (sku, qty) = c
                .rsplit_once('=')
                .ok_or_else(|| Error::invalid(format!("component must be SKU=QTY: {c}")))?;
            Ok((
                Sku::parse(sku)?,
                Quantity::parse_positive("component quantity", qty)?,
            ))
        })
        .collect::<Result<Vec<_>>>()?;
    let mut db = app.open()?;
    let set = bundle::set(&mut db, &bundle_sku, &parts)?;
    let mut out = app.out();
    out.show(&set)?;
    out.finish()?;
    Ok(Exit::Success)
}

#[derive(Debug, Subcommand)]
pub enum ThresholdCmd {
    /// Set a company default, a company threshold for a type, or one for a product in a warehouse
    #[command(group(ArgGroup::new("scope").required(true).args(["product_type", "default", "sku"])))]
    #[command(
        after_help = "Examples:\n  stockflow threshold set --company 1 --default --quantity 15\n  stockflow threshold set --company 1 --type cable --quantity 50\n  stockflow threshold set --sku WID-001 --warehouse 2 --quantity 5 --max 40"
    )]
    Set {
        /// The company (with --type or --default)
        #[arg(long, value_name = "ID", conflicts_with = "sku")]
        company: Option<String>,
        /// Products of this type
        #[arg(
            long = "type",
            value_name = "TYPE",
            requires = "company",
            allow_hyphen_values = true
        )]
        product_type: Option<String>,
        /// The company's default
        #[arg(long, requires = "company")]
        default: bool,
        /// One product (with --warehouse)
        #[arg(long, requires = "warehouse", allow_hyphen_values = true)]
        sku: Option<String>,
        /// The warehouse (with --sku)
        #[arg(long, value_name = "ID", requires = "sku")]
        warehouse: Option<String>,
        /// Stock strictly below this raises an alert
        #[arg(long, value_name = "N", allow_negative_numbers = true)]
        quantity: String,
        /// The most stock wanted in that warehouse: a reorder fills up to N (>= --quantity; with --sku; omitted: no max)
        #[arg(
            long,
            value_name = "N",
            requires = "sku",
            allow_negative_numbers = true
        )]
        max: Option<String>,
    },
    /// List a company's thresholds
    #[command(after_help = "Example:\n  stockflow threshold list --company 1")]
    List {
        /// The company
        #[arg(long, value_name = "ID")]
        company: String,
    },
}

pub fn threshold(cmd: ThresholdCmd, app: &App) -> Result<Exit> {
    let mut db = app.open()?;
    let mut out = app.out();
    match cmd {
        ThresholdCmd::Set {
            company,
            product_type,
            default,
            sku,
            warehouse,
            quantity,
            max,
        } => {
            let scope = match (company, product_type, sku, warehouse) {
                (_, _, Some(sku), Some(w)) => Scope::Location(
                    Sku::parse(&sku)?,
                    WarehouseId::parse(&w)?,
                    opt(max.as_deref(), |m| Quantity::parse("max", m))?,
                ),
                (Some(c), Some(t), _, _) => {
                    Scope::Type(CompanyId::parse(&c)?, model::product_type(&t)?)
                }
                (Some(c), None, _, _) if default => Scope::Default(CompanyId::parse(&c)?),
                _ => {
                    return Err(Error::invalid(
                        "give --company with --type or --default, or --sku with --warehouse",
                    ));
                }
            };
            let quantity = threshold_value(&quantity)?;
            let set = threshold::set(&mut db, &scope, quantity)?;
            out.object(&set)?
        }
        ThresholdCmd::List { company } => {
            let company = CompanyId::parse(&company)?;
            out.list(threshold::list(&mut db, company)?.into_iter().map(Ok))?
        }
    }
    out.finish()?;
    Ok(Exit::Success)
}

#[derive(Debug, Subcommand)]
pub enum ImportCmd {
    /// Create products from CSV (all rows or none)
    #[command(
        after_help = "Columns: company_id, sku, name, price; optional type, threshold,\nwarehouse_id, quantity, supplier_id, lead_time_days, cost.\n\nExample:\n  stockflow import products products.csv"
    )]
    Products {
        /// The CSV file, or - for standard input
        #[arg(value_name = "PATH", value_hint = clap::ValueHint::FilePath)]
        path: std::path::PathBuf,
        #[command(flatten)]
        progress: super::progress::ProgressArg,
    },
}

pub fn import(cmd: ImportCmd, app: &App) -> Result<Exit> {
    let ImportCmd::Products { path, progress } = cmd;
    let mut db = app.open()?;
    let applied = super::with_input(&path, |input, size| {
        super::progress::run(app, progress.mode, size, |progress| {
            import::products(&mut db, &app.ctx, input, progress)
        })
    })?;
    let mut out = app.out();
    out.object(&applied)?;
    out.finish()?;
    Ok(Exit::Success)
}
