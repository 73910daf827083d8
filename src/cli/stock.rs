//! `stock`: adjust, transfer, count, list, history.

use clap::{Args, Subcommand};
use stockflow::Exit;
use stockflow::error::Result;
use stockflow::model::{CompanyId, Delta, Quantity, Reason, Sku, Timestamp, WarehouseId};
use stockflow::ops::stock::{self, Adjustment, Count, HistoryFilter, StockFilter, Transfer};
use stockflow::render::Counted;

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
    #[command(
        after_help = "Example:\n  stockflow stock transfer --sku WID-001 --from 1 --to 2 --quantity 10 --note 'rebalance'"
    )]
    Transfer {
        /// The product
        #[arg(long, allow_hyphen_values = true)]
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
    #[command(
        after_help = "Example:\n  stockflow stock count --sku WID-001 --warehouse 1 --quantity 37"
    )]
    Count {
        /// The product
        #[arg(long, allow_hyphen_values = true)]
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
    #[command(
        after_help = "Examples:\n  stockflow stock list --warehouse 2\n  stockflow stock list --sku WID-001 --format csv"
    )]
    List {
        /// Only this company's
        #[arg(long, value_name = "ID")]
        company: Option<String>,
        /// Only this warehouse
        #[arg(long, value_name = "ID")]
        warehouse: Option<String>,
        /// Only this product
        #[arg(long, allow_hyphen_values = true)]
        sku: Option<String>,
    },
    /// The movement ledger, newest first
    #[command(
        after_help = "Examples:\n  stockflow stock history --sku WID-001 --since 2026-01-01 --limit 20\n  stockflow stock history --format csv > ledger.csv"
    )]
    History {
        /// Only this company's products
        #[arg(long, value_name = "ID")]
        company: Option<String>,
        /// Only this product (for a bundle: movements made through it)
        #[arg(long, allow_hyphen_values = true)]
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
    #[arg(
        long,
        required_unless_present = "file",
        conflicts_with = "file",
        allow_hyphen_values = true
    )]
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
    /// Why: receipt or return (delta > 0), sale or damage (delta < 0), correction (either)
    #[arg(long, required_unless_present = "file", value_parser = super::REASONS)]
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
    file: Option<std::path::PathBuf>,
    #[command(flatten)]
    progress: super::progress::ProgressArg,
}

pub fn run(cmd: StockCmd, app: &App) -> Result<Exit> {
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
                // A bundle's sale or return is always a list, one movement per
                // component, however many components it has.
                match moves.as_slice() {
                    [one] if one.bundle_sku.is_none() => out.object(one)?,
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
            let moves = stock::transfer(&mut db, &app.ctx, &t)?;
            out.list(moves.into_iter().map(Ok))?
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
            let counted = stock::count(&mut db, &app.ctx, &c)?;
            out.show(&Counted {
                movement: counted,
                unchanged: format!(
                    "no change: {} in warehouse {} already holds {}",
                    c.sku,
                    c.warehouse,
                    c.counted.get()
                ),
            })?
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
            company,
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
                    Quantity::parse("limit", l).map(Quantity::get)
                })?,
                company: opt(company.as_deref(), CompanyId::parse)?,
                ..HistoryFilter::default()
            };
            // A table on a terminal shows at most what the renderer holds and
            // says so after the table; into a pipe, and in every other
            // format, every movement.
            let cap = out.holds_at_most().filter(|_| filter.limit.is_none());
            let filter = HistoryFilter {
                limit: filter.limit.or(cap.and_then(|c| i64::try_from(c + 1).ok())),
                ..filter
            };
            let more = stock::history(&mut db, &filter, |rows| match cap {
                None => out.list(rows).map(|()| false),
                Some(cap) => {
                    out.list((&mut *rows).take(cap))?;
                    Ok(rows.next().is_some())
                }
            })?;
            if let (Some(cap), true) = (cap, more) {
                out.note(format!(
                    "note: showing the newest {cap} movements; --limit N, or --format csv or jsonl, for all"
                ));
            }
        }
    }
    out.finish()?;
    Ok(Exit::Success)
}
