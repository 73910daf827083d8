//! `stock`: adjust, transfer, count, list, history.

use clap::{Args, Subcommand};
use stockflow::error::Result;
use stockflow::model::{CompanyId, Delta, Quantity, Reason, Sku, Timestamp, WarehouseId};
use stockflow::ops::stock::{self, Adjustment, Count, HistoryFilter, StockFilter, Transfer};
use stockflow::render::Format;

use super::{App, opt, with_input};

#[derive(Debug, Subcommand)]
pub enum StockCmd {
    /// Record a movement (receipt, return, sale, damage, correction), or a CSV batch of them
    #[command(after_help = "Examples:
  stockflow stock adjust --sku WID-001 --warehouse 1 --delta 50 --reason receipt --reference PO-1042
  stockflow stock adjust --sku WID-001 --warehouse 1 --delta -3 --reason sale --at 2026-01-15
  stockflow stock adjust --file movements.csv   (columns: sku, warehouse_id, delta, reason[, note, reference, at])")]
    Adjust(AdjustArgs),
    /// Move units between two warehouses of the same company
    Transfer {
        /// The product
        #[arg(long)]
        sku: String,
        /// The warehouse the units leave
        #[arg(long, value_name = "ID")]
        from: String,
        /// The warehouse they arrive at
        #[arg(long, value_name = "ID")]
        to: String,
        /// How many units (> 0)
        #[arg(long, value_name = "N", allow_negative_numbers = true)]
        quantity: String,
        /// Free-text note
        #[arg(long, value_name = "TEXT", allow_hyphen_values = true)]
        note: Option<String>,
        /// When it happened (RFC 3339 or a date; default now)
        #[arg(long, value_name = "TIME")]
        at: Option<String>,
    },
    /// Record a cycle count: the difference becomes a `count` movement
    Count {
        /// The product
        #[arg(long)]
        sku: String,
        /// The warehouse counted
        #[arg(long, value_name = "ID")]
        warehouse: String,
        /// Units found
        #[arg(long, value_name = "N", allow_negative_numbers = true)]
        quantity: String,
        /// Free-text note
        #[arg(long, value_name = "TEXT", allow_hyphen_values = true)]
        note: Option<String>,
        /// When it was counted (RFC 3339 or a date; default now)
        #[arg(long, value_name = "TIME")]
        at: Option<String>,
    },
    /// Current stock per product and warehouse
    List {
        /// Only this company's
        #[arg(long, value_name = "ID")]
        company: Option<String>,
        /// Only this warehouse
        #[arg(long, value_name = "ID")]
        warehouse: Option<String>,
        /// Only this product
        #[arg(long)]
        sku: Option<String>,
    },
    /// The movement ledger, newest first
    History {
        /// Only this product (for a bundle: movements made through it)
        #[arg(long)]
        sku: Option<String>,
        /// Only this warehouse
        #[arg(long, value_name = "ID")]
        warehouse: Option<String>,
        /// Only movements at or after this time
        #[arg(long, value_name = "TIME")]
        since: Option<String>,
        /// Only movements at or before this time
        #[arg(long, value_name = "TIME")]
        until: Option<String>,
        /// At most N movements
        #[arg(long, value_name = "N", allow_negative_numbers = true)]
        limit: Option<String>,
    },
}

#[derive(Debug, Args)]
pub struct AdjustArgs {
    /// The product
    #[arg(long, required_unless_present = "file", conflicts_with = "file")]
    sku: Option<String>,
    /// The warehouse
    #[arg(long, value_name = "ID", required_unless_present = "file")]
    warehouse: Option<String>,
    /// Signed change: + for receipt/return, - for sale/damage, either for correction
    #[arg(
        long,
        value_name = "N",
        allow_negative_numbers = true,
        required_unless_present = "file"
    )]
    delta: Option<String>,
    /// receipt, return, sale, damage or correction
    #[arg(long, required_unless_present = "file")]
    reason: Option<String>,
    /// Free-text note
    #[arg(long, value_name = "TEXT", allow_hyphen_values = true)]
    note: Option<String>,
    /// External reference (order number, ...)
    #[arg(long, value_name = "TEXT", allow_hyphen_values = true)]
    reference: Option<String>,
    /// When it happened (RFC 3339 or a date; default now)
    #[arg(long, value_name = "TIME")]
    at: Option<String>,
    /// A CSV of adjustments (- for stdin), applied all or none
    #[arg(long, value_name = "PATH",
          conflicts_with_all = ["warehouse", "delta", "reason", "note", "reference", "at"])]
    file: Option<String>,
    #[command(flatten)]
    progress: super::progress::ProgressArg,
}

pub fn run(cmd: StockCmd, app: &App) -> Result<i32> {
    let mut db = app.open()?;
    let mut out = app.out();
    match cmd {
        StockCmd::Adjust(a) => {
            if let Some(path) = a.file {
                let applied = with_input(&path, |input, size| {
                    super::progress::run(app, a.progress.mode, size, |progress| {
                        stock::adjust_file(&mut db, &app.ctx, input, progress)
                    })
                })?;
                out.object(&applied)?;
            } else {
                let (sku, warehouse, delta, reason) = (
                    a.sku.unwrap_or_default(),
                    a.warehouse.unwrap_or_default(),
                    a.delta.unwrap_or_default(),
                    a.reason.unwrap_or_default(),
                );
                Sku::parse(&sku)?;
                let adj = Adjustment {
                    sku: &sku,
                    warehouse: WarehouseId::parse(&warehouse)?,
                    delta: Delta::parse(&delta)?,
                    reason: Reason::parse_user(&reason)?,
                    note: a.note.as_deref(),
                    reference: a.reference.as_deref(),
                    at: opt(a.at.as_deref(), Timestamp::parse)?,
                };
                let moves = stock::adjust(&mut db, &app.ctx, &adj)?;
                match moves.as_slice() {
                    [one] => out.object(one)?,
                    _ => out.list(moves.into_iter().map(Ok))?,
                }
            }
        }
        StockCmd::Transfer {
            sku,
            from,
            to,
            quantity,
            note,
            at,
        } => {
            let t = Transfer {
                sku: Sku::parse(&sku)?,
                from: WarehouseId::parse(&from)?,
                to: WarehouseId::parse(&to)?,
                quantity: Quantity::parse_positive("quantity", &quantity)?,
                note,
                at: opt(at.as_deref(), Timestamp::parse)?,
            };
            out.list(stock::transfer(&mut db, &app.ctx, &t)?.into_iter().map(Ok))?
        }
        StockCmd::Count {
            sku,
            warehouse,
            quantity,
            note,
            at,
        } => {
            let c = Count {
                sku: Sku::parse(&sku)?,
                warehouse: WarehouseId::parse(&warehouse)?,
                counted: Quantity::parse("quantity", &quantity)?,
                note,
                at: opt(at.as_deref(), Timestamp::parse)?,
            };
            match stock::count(&mut db, &app.ctx, &c)? {
                Some(m) => out.object(&m)?,
                None => match app.format {
                    Format::Json => out.line("null")?,
                    Format::Jsonl => {}
                    Format::Csv => out.list(std::iter::empty::<Result<stock::Movement>>())?,
                    Format::Table => eprintln!(
                        "no change: {} in warehouse {} already holds {}",
                        c.sku, c.warehouse, c.counted.0
                    ),
                },
            }
        }
        StockCmd::List {
            company,
            warehouse,
            sku,
        } => {
            let filter = StockFilter {
                company: opt(company.as_deref(), CompanyId::parse)?,
                warehouse: opt(warehouse.as_deref(), WarehouseId::parse)?,
                sku: opt(sku.as_deref(), Sku::parse)?,
            };
            stock::list(&mut db, &filter, |rows| out.list(rows))?
        }
        StockCmd::History {
            sku,
            warehouse,
            since,
            until,
            limit,
        } => {
            let filter = HistoryFilter {
                sku: opt(sku.as_deref(), Sku::parse)?,
                warehouse: opt(warehouse.as_deref(), WarehouseId::parse)?,
                since: opt(since.as_deref(), Timestamp::parse)?,
                until: opt(until.as_deref(), Timestamp::parse)?,
                limit: opt(limit.as_deref(), |l| {
                    Quantity::parse("limit", l).map(|q| q.0)
                })?,
                ..HistoryFilter::default()
            };
            // A table holds its rows in memory: without --limit it shows the
            // newest TABLE_ROWS and says so; the other formats stream everything.
            let capped = app.format == Format::Table && filter.limit.is_none();
            let filter = HistoryFilter {
                limit: filter.limit.or(capped.then_some(TABLE_ROWS + 1)),
                ..filter
            };
            let more = stock::history(&mut db, &filter, |rows| {
                if !capped {
                    return out.list(rows).map(|()| false);
                }
                out.list((&mut *rows).take(TABLE_ROWS as usize))?;
                Ok(rows.next().is_some())
            })?;
            if capped && more {
                eprintln!(
                    "(the newest {TABLE_ROWS} movements; use --limit N, or --format csv or jsonl for all)"
                );
            }
        }
    }
    out.finish()?;
    Ok(0)
}

/// How many movements a `stock history` table shows without `--limit`.
const TABLE_ROWS: i64 = 200;
