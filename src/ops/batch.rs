//! `stock adjust --file`: a CSV of adjustments applied in file order, all in
//! one transaction. The input is streamed (never held in memory); a bad row
//! rolls everything back and the error names its line and column. How the
//! movements are written (chunks, the bulk path) is `ops::bulk`'s business.

use std::io::Read;

use serde::Serialize;

use super::adjust::{Adjustment, apply_adjustment};
use super::csv_input::{Columns, CsvInput, Row, at};
use super::ledger::Ledger;
use super::progress::{Phase, Progress};
use crate::Ctx;
use crate::error::Result;
use crate::model::{Delta, Reason, Timestamp, WarehouseId, free_text};
use crate::store::{self, Db};

/// How many rows a batch wrote.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Applied {
    /// Rows written.
    pub applied: u64,
    /// Whether the batch took the bulk path (the ledger's indexes were
    /// dropped and rebuilt inside its transaction).
    pub bulk_load: bool,
}

const REQUIRED: &[&str] = &["sku", "warehouse_id", "delta", "reason"];
const OPTIONAL: &[&str] = &["note", "reference", "at"];

/// How often (in rows) a batch reports how far it has read.
pub(crate) const REPORT_EVERY: u64 = 16_384;

/// The positions of the batch's columns, resolved once from the header.
struct Layout {
    sku: usize,
    warehouse: usize,
    delta: usize,
    reason: usize,
    note: Option<usize>,
    reference: Option<usize>,
    at: Option<usize>,
}

impl Layout {
    fn new(columns: &Columns) -> Self {
        Self {
            sku: columns.required("sku"),
            warehouse: columns.required("warehouse_id"),
            delta: columns.required("delta"),
            reason: columns.required("reason"),
            note: columns.index("note"),
            reference: columns.index("reference"),
            at: columns.index("at"),
        }
    }
}

/// Applies every row of `input` or none, reporting to `progress`. Whether the
/// batch takes the bulk path is decided by one rule for every input (see
/// `ops::bulk`), and reported in [`Applied::bulk_load`].
pub fn adjust_file<R: Read>(
    db: &mut Db,
    ctx: &Ctx,
    input: R,
    progress: &mut dyn Progress,
) -> Result<Applied> {
    let mut input = CsvInput::new(input);
    progress.phase(Phase::Reading);
    let layout = Layout::new(&input.columns(REQUIRED, OPTIONAL)?);
    // Every row's product and warehouse (with its company) is looked up by
    // the ledger in this transaction: SQLite need not look them up again.
    let applied = db.write_batch(|tx| {
        store::ledger::tune_for_batch(tx)?;
        let mut ledger = Ledger::new(tx, ctx)?.buffered()?;
        let mut applied = 0u64;
        while let Some(row) = input.next()? {
            apply_row(&mut ledger, ctx, &layout, &row)?;
            applied += 1;
            if applied % REPORT_EVERY == 0 {
                progress.read(applied, input.bytes_read());
            }
            ledger.flush_if_full(progress)?;
        }
        progress.read(applied, input.bytes_read());
        let bulk_load = ledger.finish_with(progress)?;
        progress.phase(Phase::Committing);
        Ok(Applied { applied, bulk_load })
    })?;
    progress.phase(Phase::Done);
    Ok(applied)
}

fn apply_row(ledger: &mut Ledger<'_>, ctx: &Ctx, layout: &Layout, row: &Row<'_>) -> Result<()> {
    let line = row.line;
    let sku = row.need(layout.sku, "sku")?;
    let product = ledger.product(sku).map_err(at(line, "sku"))?;
    let warehouse = row.need(layout.warehouse, "warehouse_id")?;
    let warehouse = WarehouseId::parse(warehouse).map_err(at(line, "warehouse_id"))?;
    ledger
        .check_warehouse(warehouse, product.company_id)
        .map_err(at(line, "warehouse_id"))?;
    let delta = Delta::parse(row.need(layout.delta, "delta")?).map_err(at(line, "delta"))?;
    let reason =
        Reason::parse_user(row.need(layout.reason, "reason")?).map_err(at(line, "reason"))?;
    let when = row
        .get(layout.at, "at")?
        .map(|t| Timestamp::parse(t).map_err(at(line, "at")))
        .transpose()?;
    let note = row.get(layout.note, "note")?;
    free_text("note", note).map_err(at(line, "note"))?;
    let reference = row.get(layout.reference, "reference")?;
    free_text("reference", reference).map_err(at(line, "reference"))?;
    let adj = Adjustment {
        sku,
        warehouse,
        delta,
        reason,
        note,
        reference,
        at: when,
    };
    apply_adjustment(ledger, &adj, ctx.now, |_, _, _| ()).map_err(at(line, "delta"))
}
