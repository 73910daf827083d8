//! `order`: purchase orders (SPEC 11): create, list, show, receive, close.

use clap::{Args, Subcommand};
use stockflow::Exit;
use stockflow::error::{Error, Result};
use stockflow::model::{
    CompanyId, Money, OrderId, Quantity, Sku, SupplierId, Timestamp, WarehouseId,
};
use stockflow::ops::order::{self, Draft, DraftLine, Filter, Receipt, ReceiptLine, Which};
use stockflow::render::orders::Orders;

use super::{App, opt};

#[derive(Debug, Subcommand)]
pub enum OrderCmd {
    /// Open a purchase order with a supplier, for one of its company's warehouses
    #[command(after_help = "Examples:
  stockflow order create --supplier 5 --warehouse 1 --line ADH-1=48@11.20 --line TAPE-2=100
  stockflow order create --supplier 5 --warehouse 1 --line ADH-1=48 --reference 'Q4 restock' --expected 2026-12-10")]
    Create(CreateArgs),
    /// List purchase orders (default: the open ones)
    #[command(
        after_help = "Example:\n  stockflow order list --company 1 --status all --format csv"
    )]
    List {
        /// Only this company's
        #[arg(long, value_name = "ID")]
        company: Option<String>,
        /// Only this supplier's
        #[arg(long, value_name = "ID")]
        supplier: Option<String>,
        /// open (goods expected), closed (received or closed: nothing more expected), or all
        #[arg(long, value_name = "STATUS", default_value = "open")]
        status: String,
    },
    /// Show one purchase order: its lines, what is received and outstanding, its total
    #[command(after_help = "Example:\n  stockflow order show 3")]
    Show {
        /// The order's id
        #[arg(value_name = "ID")]
        id: String,
    },
    /// Receive goods on an order: one `receipt` movement per line (reference PO-<id>)
    #[command(after_help = "Examples:
  stockflow order receive 3                         (everything outstanding)
  stockflow order receive 3 --line ADH-1=24 --note 'first pallet'")]
    Receive(ReceiveArgs),
    /// Close an order: nothing more is expected on it
    #[command(after_help = "Example:\n  stockflow order close 3")]
    Close {
        /// The order's id
        #[arg(value_name = "ID")]
        id: String,
    },
}

#[derive(Debug, Args)]
pub struct CreateArgs {
    /// The supplier's id; the order is its company's
    #[arg(long, value_name = "ID")]
    supplier: String,
    /// The warehouse it is delivered to (of the supplier's company)
    #[arg(long, value_name = "ID")]
    warehouse: String,
    /// A line: SKU=QTY, or SKU=QTY@COST for a unit cost other than the link's (repeat per SKU)
    #[arg(
        long,
        value_name = "SKU=QTY[@COST]",
        required = true,
        allow_hyphen_values = true
    )]
    line: Vec<String>,
    /// Your own reference (free text)
    #[arg(long, value_name = "TEXT", allow_hyphen_values = true)]
    reference: Option<String>,
    /// When it is expected (default: ordered + the first line's lead time)
    #[arg(long, value_name = "TIME")]
    expected: Option<String>,
    /// When it was ordered (RFC 3339 or a date; default now)
    #[arg(long, value_name = "TIME")]
    at: Option<String>,
}

#[derive(Debug, Args)]
pub struct ReceiveArgs {
    /// The order's id
    #[arg(value_name = "ID")]
    id: String,
    /// A line received: SKU=QTY (repeat; none: everything outstanding)
    #[arg(long, value_name = "SKU=QTY", allow_hyphen_values = true)]
    line: Vec<String>,
    /// When the goods arrived (RFC 3339 or a date; default now)
    #[arg(long, value_name = "TIME")]
    at: Option<String>,
    /// Free-text note on each movement
    #[arg(long, value_name = "TEXT", allow_hyphen_values = true)]
    note: Option<String>,
}

/// `SKU=QTY` (and with `priced`, `SKU=QTY@COST`): the SKU, the quantity
/// text and the cost text.
fn split_line(text: &str, priced: bool) -> Result<(Sku, i64, Option<Money>)> {
    let form = if priced { "SKU=QTY[@COST]" } else { "SKU=QTY" };
    let bad = || Error::invalid(format!("line must be {form}: {text}"));
    let (sku, rest) = text.rsplit_once('=').ok_or_else(bad)?;
    let (qty, cost) = match rest.split_once('@') {
        Some((q, c)) if priced => (q, Some(c)),
        Some(_) => return Err(bad()),
        None => (rest, None),
    };
    if sku.is_empty() {
        return Err(bad());
    }
    let sku = Sku::parse(sku)?;
    let quantity = Quantity::parse_positive(&format!("quantity of {sku}"), qty)?.get();
    let cost = opt(cost, |c| Money::parse(&format!("unit cost of {sku}"), c))?;
    Ok((sku, quantity, cost))
}

pub fn run(cmd: OrderCmd, app: &App) -> Result<Exit> {
    let mut db = app.open()?;
    let mut out = app.out();
    match cmd {
        OrderCmd::Create(a) => {
            let lines = a
                .line
                .iter()
                .map(|l| {
                    split_line(l, true).map(|(sku, quantity, unit_cost)| DraftLine {
                        sku,
                        quantity,
                        unit_cost,
                    })
                })
                .collect::<Result<Vec<_>>>()?;
            let draft = Draft {
                supplier: SupplierId::parse(&a.supplier)?,
                warehouse: WarehouseId::parse(&a.warehouse)?,
                lines,
                reference: a.reference,
                expected_at: opt(a.expected.as_deref(), Timestamp::parse)?,
                ordered_at: opt(a.at.as_deref(), Timestamp::parse)?,
            };
            out.show(&order::create(&mut db, &app.ctx, &draft)?)?;
        }
        OrderCmd::List {
            company,
            supplier,
            status,
        } => {
            let filter = Filter {
                company: opt(company.as_deref(), CompanyId::parse)?,
                supplier: opt(supplier.as_deref(), SupplierId::parse)?,
                which: Which::parse(&status)?,
            };
            out.show(&Orders(order::list(&mut db, &filter)?))?;
        }
        OrderCmd::Show { id } => out.show(&order::show(&mut db, OrderId::parse(&id)?)?)?,
        OrderCmd::Receive(a) => {
            let lines = a
                .line
                .iter()
                .map(|l| {
                    split_line(l, false).map(|(sku, quantity, _)| ReceiptLine { sku, quantity })
                })
                .collect::<Result<Vec<_>>>()?;
            let receipt = Receipt {
                order: OrderId::parse(&a.id)?,
                lines,
                at: opt(a.at.as_deref(), Timestamp::parse)?,
                note: a.note,
            };
            out.show(&order::receive(&mut db, &app.ctx, &receipt)?)?;
        }
        OrderCmd::Close { id } => {
            out.show(&order::close(&mut db, &app.ctx, OrderId::parse(&id)?)?)?;
        }
    }
    out.finish()?;
    Ok(Exit::Success)
}
