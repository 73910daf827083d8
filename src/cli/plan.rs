//! `reorder plan`.

use clap::Subcommand;
use stockflow::Exit;
use stockflow::error::Result;
use stockflow::model::{CompanyId, SupplierId, WarehouseId};
use stockflow::ops::plan::{self, Query};
use stockflow::render::orders::Orders;

use super::alerts::Window;
use super::{App, opt};

#[derive(Debug, Subcommand)]
pub enum ReorderCmd {
    /// What to order today: one draft order per (primary supplier, warehouse), priced
    #[command(
        after_help = "Every figure of a line is explained on it (`explain`, in JSON and CSV):
position = stock + on order; order when it is below the reorder point, up to
the target (or the pair's max), in the supplier's packs, at least its minimum.

Examples:
  stockflow reorder plan --company 1
  stockflow reorder plan --company 1 --service-level 95 --format csv > plan.csv
  stockflow reorder plan --company 1 --supplier 5 --warehouse 1"
    )]
    Plan {
        /// The company
        #[arg(long, value_name = "ID")]
        company: String,
        /// Only this warehouse (of the company)
        #[arg(long, value_name = "ID")]
        warehouse: Option<String>,
        /// Only products whose primary supplier is this one
        #[arg(long, value_name = "ID")]
        supplier: Option<String>,
        #[command(flatten)]
        window: Window,
        /// Hold safety stock for this service level, in percent (above 50, below 100: 95, 99.5)
        #[arg(long, value_name = "PCT", allow_negative_numbers = true)]
        service_level: Option<String>,
        /// Open every draft order that has a supplier as a purchase order (one transaction) and print the orders
        #[arg(long)]
        commit: bool,
    },
}

pub fn run(cmd: ReorderCmd, app: &App) -> Result<Exit> {
    let ReorderCmd::Plan {
        company,
        warehouse,
        supplier,
        window,
        service_level,
        commit,
    } = cmd;
    // In the order the flags are listed, so the first bad one is named.
    let company = CompanyId::parse(&company)?;
    let warehouse = opt(warehouse.as_deref(), WarehouseId::parse)?;
    let supplier = opt(supplier.as_deref(), SupplierId::parse)?;
    let window = window.parse(app.ctx.now)?;
    let query = Query {
        company,
        warehouse,
        supplier,
        days: window.days,
        as_of: window.as_of,
        cover_days: window.cover_days,
        service_level: opt(service_level.as_deref(), str::parse)?,
    };
    let mut db = app.open()?;
    let mut out = app.out();
    if commit {
        out.show(&Orders(plan::commit(&mut db, &app.ctx, &query)?))?;
    } else {
        out.show(&plan::plan(&mut db, &query)?)?;
    }
    out.finish()?;
    Ok(Exit::Success)
}
