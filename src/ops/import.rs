//! `import products`: a CSV of products (with opening stock and a primary
//! supplier) created all together or not at all.

use std::io::Read;

use super::batch::{Applied, REPORT_EVERY};
use super::catalog::{Link, link_in};
use super::csv_input::{CsvInput, Row, at};
use super::ledger::Ledger;
use super::lookup;
use super::product::{NewProduct, insert};
use super::progress::{Phase, Progress};
use crate::Ctx;
use crate::error::{Error, Result};
use crate::model::{self, CompanyId, Money, Quantity, Sku, SupplierId, WarehouseId};
use crate::store::Db;

const REQUIRED: &[&str] = &["company_id", "sku", "name", "price"];
/// Every column, in the order the layout holds their positions.
const ALL: &[&str] = &[
    "company_id",
    "sku",
    "name",
    "price",
    "type",
    "threshold",
    "warehouse_id",
    "quantity",
    "supplier_id",
    "lead_time_days",
    "cost",
];
const OPTIONAL: &[&str] = &[
    "type",
    "threshold",
    "warehouse_id",
    "quantity",
    "supplier_id",
    "lead_time_days",
    "cost",
];

/// Creates every product of `input`, or none; errors name the line and
/// column. Products are written as they are read (no bulk path).
pub fn products<R: Read>(
    db: &mut Db,
    ctx: &Ctx,
    input: R,
    progress: &mut dyn Progress,
) -> Result<Applied> {
    let mut input = CsvInput::new(input);
    progress.phase(Phase::Reading);
    let columns = input.columns(REQUIRED, OPTIONAL)?;
    let layout: Vec<Option<usize>> = ALL.iter().map(|name| columns.index(name)).collect();
    let applied = db.write(|tx| {
        let mut ledger = Ledger::new(tx, ctx)?;
        let mut applied = 0;
        while let Some(row) = input.next()? {
            let line = row.line;
            let parsed = Product::parse(&layout, &row)?;
            let new = &parsed.product;
            lookup::company(tx, new.company).map_err(at(line, "company_id"))?;
            if let Some((warehouse, _)) = new.stock {
                ledger
                    .check_warehouse(warehouse, new.company)
                    .map_err(at(line, "warehouse_id"))?;
            }
            let product = insert(tx, ctx, &mut ledger, new).map_err(at(line, "sku"))?;
            if let Some(supplier) = parsed.supplier {
                let link = Link {
                    sku: parsed.product.sku.clone(),
                    supplier,
                    primary: true,
                    lead_time_days: parsed.lead_time_days,
                    cost: parsed.cost,
                    pack_size: None,
                    min_order_quantity: None,
                };
                link_in(tx, &link).map_err(at(line, "supplier_id"))?;
            } else if parsed.lead_time_days.is_some() || parsed.cost.is_some() {
                return Err(Error::invalid(format!(
                    "line {line}, column supplier_id: lead_time_days and cost need a supplier_id ({})",
                    product.sku
                )));
            }
            applied += 1;
            if applied % REPORT_EVERY == 0 {
                progress.read(applied, input.bytes_read());
            }
        }
        progress.read(applied, input.bytes_read());
        ledger.finish()?;
        progress.phase(Phase::Committing);
        Ok(Applied {
            applied,
            bulk_load: false,
        })
    })?;
    progress.phase(Phase::Done);
    Ok(applied)
}

/// One parsed row of the import.
struct Product {
    product: NewProduct,
    supplier: Option<SupplierId>,
    lead_time_days: Option<i64>,
    cost: Option<Money>,
}

impl Product {
    fn parse(layout: &[Option<usize>], row: &Row<'_>) -> Result<Self> {
        let line = row.line;
        let index = |name: &str| {
            let i = ALL.iter().position(|n| *n == name)?;
            layout.get(i).copied().flatten()
        };
        let cell = |name: &'static str| row.get(index(name), name);
        let need = |name: &'static str| {
            cell(name)?.ok_or_else(|| {
                Error::invalid(format!("line {line}, column {name}: {name} is required"))
            })
        };
        let opt = |name: &'static str, parse: &dyn Fn(&str) -> Result<i64>| {
            cell(name)?
                .map(|v| parse(v).map_err(at(line, name)))
                .transpose()
        };
        let company = CompanyId::parse(need("company_id")?).map_err(at(line, "company_id"))?;
        let sku = Sku::parse(need("sku")?).map_err(at(line, "sku"))?;
        let name = model::name("name", need("name")?).map_err(at(line, "name"))?;
        let price = Money::parse("price", need("price")?).map_err(at(line, "price"))?;
        let product_type = cell("type")?
            .map(|t| model::product_type(t).map_err(at(line, "type")))
            .transpose()?;
        let threshold = cell("threshold")?
            .map(|v| Quantity::parse("threshold", v).map_err(at(line, "threshold")))
            .transpose()?;
        let warehouse = cell("warehouse_id")?
            .map(|v| WarehouseId::parse(v).map_err(at(line, "warehouse_id")))
            .transpose()?;
        let quantity = cell("quantity")?
            .map(|v| Quantity::parse("quantity", v).map_err(at(line, "quantity")))
            .transpose()?;
        let stock = match (warehouse, quantity) {
            (Some(w), Some(q)) => Some((w, q)),
            (None, None) => None,
            (Some(_), None) => return Err(both_or_neither(line, "quantity")),
            (None, Some(_)) => return Err(both_or_neither(line, "warehouse_id")),
        };
        let supplier = cell("supplier_id")?
            .map(|v| SupplierId::parse(v).map_err(at(line, "supplier_id")))
            .transpose()?;
        let lead_time_days = opt("lead_time_days", &|v| {
            Quantity::parse("lead_time_days", v).map(Quantity::get)
        })?;
        let cost = cell("cost")?
            .map(|c| Money::parse("cost", c).map_err(at(line, "cost")))
            .transpose()?;
        Ok(Self {
            product: NewProduct {
                company,
                sku,
                name,
                price,
                product_type,
                threshold,
                stock,
            },
            supplier,
            lead_time_days,
            cost,
        })
    }
}

fn both_or_neither(line: u64, missing: &str) -> Error {
    Error::invalid(format!(
        "line {line}, column {missing}: warehouse_id and quantity go together (both or neither)"
    ))
}
