//! `alerts low-stock`.

use clap::Subcommand;
use stockflow::Exit;
use stockflow::error::{Error, Result};
use stockflow::model::{CompanyId, Quantity, Timestamp, WarehouseId};
use stockflow::ops::alerts::{self, Query};

use super::{App, opt};

#[derive(Debug, Subcommand)]
pub enum AlertsCmd {
    /// Products below their threshold that are selling, most urgent first
    #[command(after_help = "Examples:
  stockflow alerts low-stock --company 1
  stockflow alerts low-stock --company 1 --format csv --exit-code > alerts.csv
  stockflow alerts low-stock --company 1 --format jsonl | jq -r 'select(.days_until_stockout < 7) | .sku'")]
    LowStock {
        /// The company
        #[arg(long, value_name = "ID")]
        company: String,
        /// Only this warehouse (of the company)
        #[arg(long, value_name = "ID")]
        warehouse: Option<String>,
        #[command(flatten)]
        window: Window,
        /// Print at most N alerts
        #[arg(long, value_name = "N", allow_negative_numbers = true)]
        limit: Option<String>,
        /// Skip the first N alerts
        #[arg(
            long,
            value_name = "N",
            default_value = "0",
            allow_negative_numbers = true
        )]
        offset: String,
        /// Exit 10 when the company has alerts (total_alerts > 0), even if this page shows none
        #[arg(long)]
        exit_code: bool,
    },
}

fn count(what: &str, text: &str) -> Result<i64> {
    Quantity::parse(what, text).map(Quantity::get)
}

fn index(what: &str, text: &str) -> Result<usize> {
    let n = count(what, text)?;
    usize::try_from(n).map_err(|_| Error::invalid(format!("{what} is too large: {text}")))
}

/// The sales window `alerts low-stock` and `reorder plan` both read.
#[derive(Debug, clap::Args)]
pub struct Window {
    /// Sales window in days, ending at --as-of
    #[arg(
        long,
        value_name = "N",
        default_value = "30",
        allow_negative_numbers = true
    )]
    days: String,
    /// End of the sales window (RFC 3339 or a date; default now)
    #[arg(long, value_name = "TIME")]
    as_of: Option<String>,
    /// Days of sales an order should cover beyond the supplier's lead time
    #[arg(
        long,
        value_name = "N",
        default_value = "30",
        allow_negative_numbers = true
    )]
    cover_days: String,
}

/// A [`Window`] parsed: days in it, its end, days an order covers.
pub struct Parsed {
    pub days: i64,
    pub as_of: Timestamp,
    pub cover_days: i64,
}

impl Window {
    /// The window's values, each checked (its end defaults to `now`).
    pub fn parse(&self, now: Timestamp) -> Result<Parsed> {
        Ok(Parsed {
            days: Quantity::parse_positive("days", &self.days)?.get(),
            as_of: opt(self.as_of.as_deref(), Timestamp::parse)?.unwrap_or(now),
            cover_days: count("cover days", &self.cover_days)?,
        })
    }
}

pub fn run(cmd: AlertsCmd, app: &App) -> Result<Exit> {
    let AlertsCmd::LowStock {
        company,
        warehouse,
        window,
        limit,
        offset,
        exit_code,
    } = cmd;
    // In the order the flags are listed, so the first bad one is named.
    let company = CompanyId::parse(&company)?;
    let warehouse = opt(warehouse.as_deref(), WarehouseId::parse)?;
    let window = window.parse(app.ctx.now)?;
    let query = Query {
        company,
        warehouse,
        days: window.days,
        as_of: window.as_of,
        cover_days: window.cover_days,
        limit: opt(limit.as_deref(), |l| index("limit", l))?,
        offset: index("offset", &offset)?,
    };
    let report = alerts::low_stock(&mut app.open()?, &query)?;
    let mut out = app.out();
    out.show(&report)?;
    out.finish()?;
    Ok(if exit_code && report.total_alerts > 0 {
        Exit::HasResults
    } else {
        Exit::Success
    })
}
