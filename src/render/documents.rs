//! Results that are more than one object or one list, and how each format
//! shows them: the command line hands them to [`Out::show`] and never looks
//! at the format itself.

use std::io::Write;

use serde::Serialize;

use super::{Cell, Column, Document, Out, Record};
use crate::error::Result;
use crate::ops::alerts;
use crate::ops::bundle::Bundle;
use crate::ops::check;
use crate::ops::copy::Copied;
use crate::ops::product::ProductDetail;
use crate::ops::stock::{Movement, StockRow};
use crate::store::InitReport;

impl Document for alerts::Report {
    fn json<W: Write>(&self, out: &mut Out<W>) -> Result<()> {
        out.json_value(self)
    }
    fn jsonl<W: Write>(&self, out: &mut Out<W>) -> Result<()> {
        out.list(self.alerts.iter().cloned().map(Ok))
    }
    fn csv<W: Write>(&self, out: &mut Out<W>) -> Result<()> {
        out.list(self.alerts.iter().cloned().map(Ok))
    }
    fn table<W: Write>(&self, out: &mut Out<W>) -> Result<()> {
        if self.total_alerts == 0 {
            return out.line("no alerts");
        }
        if !self.alerts.is_empty() {
            out.table(&self.alerts)?;
        }
        let footer = alert_footer(self, out.color);
        out.footer(&footer)
    }
}

/// `114 alerts (37 out of stock, 30 run out within lead time)`, then, for a
/// page, `showing 1–25; --limit/--offset to page`: the counts of every alert,
/// not just the page, in words, so the table reads the same without colour.
fn alert_footer(r: &alerts::Report, color: bool) -> String {
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let mut text = plural(r.total_alerts, "alert", "alerts");
    let mut urgent = Vec::new();
    if r.out_of_stock > 0 {
        urgent.push(format!("{} out of stock", r.out_of_stock));
    }
    if r.within_lead_time > 0 {
        let verb = if r.within_lead_time == 1 {
            "runs"
        } else {
            "run"
        };
        urgent.push(format!(
            "{} {verb} out within lead time",
            r.within_lead_time
        ));
    }
    if !urgent.is_empty() {
        let red = if color { ", in red" } else { "" };
        text.push_str(&format!(" ({}{red})", urgent.join(", ")));
    }
    let shown = r.alerts.len();
    if shown < r.total_alerts {
        // The paging hint on a line of its own, so the footer fits 80 columns.
        text.push('\n');
        if shown == 0 {
            text.push_str(&format!("none after --offset {}", r.offset));
        } else if shown == 1 {
            text.push_str(&format!("showing {}", r.offset + 1));
        } else {
            text.push_str(&format!("showing {}–{}", r.offset + 1, r.offset + shown));
        }
        text.push_str("; --limit/--offset to page");
    }
    text
}

impl Document for ProductDetail {
    fn json<W: Write>(&self, out: &mut Out<W>) -> Result<()> {
        out.json_value(self)
    }
    fn csv<W: Write>(&self, out: &mut Out<W>) -> Result<()> {
        out.object(&self.product)
    }
    fn table<W: Write>(&self, out: &mut Out<W>) -> Result<()> {
        out.object(&self.product)?;
        let title = if self.product.is_bundle {
            "Available (bundles)"
        } else {
            "Stock"
        };
        let held: Vec<Held<'_>> = self.stock.iter().map(Held).collect();
        out.titled_table(title, &held)?;
        if !self.suppliers.is_empty() {
            out.titled_table("Suppliers", &self.suppliers)?;
        }
        if let Some(components) = &self.components {
            out.titled_table("Components", components)?;
        }
        Ok(())
    }
}

/// A stock row under its product (`product show`): the product is in the
/// title, so the table says only where and how many.
#[derive(Debug, Serialize)]
#[serde(transparent)]
struct Held<'a>(&'a StockRow);

impl Record for Held<'_> {
    fn columns() -> &'static [&'static str] {
        StockRow::columns()
    }
    fn cells(&self) -> Vec<Cell> {
        self.0.cells()
    }
    fn table() -> &'static [Column] {
        const COLUMNS: &[Column] = &[Column::text("Warehouse").shrink(10), Column::num("Stock")];
        COLUMNS
    }
    fn row(&self) -> Vec<String> {
        vec![self.0.warehouse_name.clone(), self.0.quantity.to_string()]
    }
}

impl Document for Bundle {
    fn json<W: Write>(&self, out: &mut Out<W>) -> Result<()> {
        out.json_value(self)
    }
    fn csv<W: Write>(&self, out: &mut Out<W>) -> Result<()> {
        out.list(self.components.iter().cloned().map(Ok))
    }
    fn table<W: Write>(&self, out: &mut Out<W>) -> Result<()> {
        self.csv(out)
    }
}

/// What `init` did to the database shown as `shown`.
#[derive(Debug)]
pub struct Initialised<'a> {
    /// The database: a file, or a URL without its password.
    pub shown: &'a str,
    /// The versions before and after.
    pub report: InitReport,
}

impl Document for Initialised<'_> {
    fn json<W: Write>(&self, out: &mut Out<W>) -> Result<()> {
        out.json_value(&self.report)
    }
    fn csv<W: Write>(&self, out: &mut Out<W>) -> Result<()> {
        let r = self.report;
        out.csv_record(
            &["from_version", "version"],
            &[Cell::num(Some(r.from_version)), Cell::num(Some(r.version))],
        )
    }
    fn table<W: Write>(&self, out: &mut Out<W>) -> Result<()> {
        let (path, r) = (self.shown, self.report);
        out.line(&if r.from_version == r.version {
            format!("{path} is up to date (schema {})", r.version)
        } else {
            format!(
                "{path} initialised (schema {} -> {})",
                r.from_version, r.version
            )
        })
    }
}

impl Document for check::Report {
    fn json<W: Write>(&self, out: &mut Out<W>) -> Result<()> {
        out.json_value(self)
    }
    /// `ok,problems`: one row, the problems joined by `; ` (empty when ok).
    fn csv<W: Write>(&self, out: &mut Out<W>) -> Result<()> {
        let problems = self.problems.join("; ");
        out.csv_record(
            &["ok", "problems"],
            &[
                Cell::num(Some(self.ok)),
                Cell::text(
                    Some(&problems)
                        .filter(|p| !p.is_empty())
                        .map(String::as_str),
                ),
            ],
        )
    }
    fn table<W: Write>(&self, out: &mut Out<W>) -> Result<()> {
        if self.ok {
            return out.line("ok: no problems found");
        }
        self.problems.iter().try_for_each(|p| out.line(p))
    }
}

/// What `stock count` recorded: the movement, or nothing when the count
/// matched (`what` then says so in a table).
#[derive(Debug)]
pub struct Counted {
    /// The movement, if the count differed.
    pub movement: Option<Movement>,
    /// `no change: ...`, for a table when nothing was recorded.
    pub unchanged: String,
}

impl Document for Counted {
    fn json<W: Write>(&self, out: &mut Out<W>) -> Result<()> {
        match &self.movement {
            Some(m) => out.object(m),
            None => out.line("null"),
        }
    }
    fn jsonl<W: Write>(&self, out: &mut Out<W>) -> Result<()> {
        self.movement.as_ref().map_or(Ok(()), |m| out.object(m))
    }
    fn csv<W: Write>(&self, out: &mut Out<W>) -> Result<()> {
        out.list(self.movement.iter().cloned().map(Ok))
    }
    fn table<W: Write>(&self, out: &mut Out<W>) -> Result<()> {
        match &self.movement {
            Some(m) => out.object(m),
            None => out.line(&self.unchanged),
        }
    }
}

impl Document for Copied {
    fn json<W: Write>(&self, out: &mut Out<W>) -> Result<()> {
        out.json_value(self)
    }
    /// One row per table: `table,rows`.
    fn csv<W: Write>(&self, out: &mut Out<W>) -> Result<()> {
        out.list(self.tables.iter().cloned().map(Ok))
    }
    fn table<W: Write>(&self, out: &mut Out<W>) -> Result<()> {
        out.table(&self.tables)?;
        out.line(&format!(
            "copied into {}; check found no problems",
            self.target
        ))
    }
}
