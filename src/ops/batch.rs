//! `stock adjust --file`: a CSV of adjustments applied in file order, all in
//! one transaction. The file is streamed (never held in memory); a bad row
//! rolls everything back and the error names its line and column.

use std::io::Read;

use serde::Serialize;

use super::ledger::Ledger;
use super::stock::{Adjustment, apply_adjustment};
use crate::Ctx;
use crate::db::Db;
use crate::error::{Error, Result};
use crate::model::{Delta, Reason, Timestamp, WarehouseId};

/// How many rows a batch wrote.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Applied {
    /// Rows written.
    pub applied: u64,
}

/// Column positions of a CSV input, found by header name.
#[derive(Debug)]
pub(crate) struct Columns {
    names: Vec<String>,
}

impl Columns {
    /// Reads the header, refusing unknown names and missing required ones.
    pub fn new(header: &csv::StringRecord, required: &[&str], optional: &[&str]) -> Result<Self> {
        let names: Vec<String> = header.iter().map(|h| h.trim().to_owned()).collect();
        for name in &names {
            if !required.contains(&name.as_str()) && !optional.contains(&name.as_str()) {
                return Err(Error::invalid(format!(
                    "line 1: unknown column {name:?} (expected {}, optionally {})",
                    required.join(", "),
                    optional.join(", ")
                )));
            }
        }
        for want in required {
            if !names.iter().any(|n| n == want) {
                return Err(Error::invalid(format!("line 1: missing column {want}")));
            }
        }
        Ok(Self { names })
    }

    /// The cell of `name` in `record`, `None` when the column is absent or the cell empty.
    pub fn get<'r>(&self, record: &'r csv::StringRecord, name: &str) -> Option<&'r str> {
        let i = self.names.iter().position(|n| n == name)?;
        record.get(i).filter(|v| !v.is_empty())
    }

    /// Like `get`, but a missing value is an error naming the column.
    pub fn need<'r>(&self, record: &'r csv::StringRecord, name: &str) -> Result<&'r str> {
        self.get(record, name)
            .ok_or_else(|| Error::invalid(format!("{name} is required")))
    }
}

/// Prefixes an error with the line and column it was found at.
pub(crate) fn at(line: u64, column: &str) -> impl FnOnce(Error) -> Error + '_ {
    move |e| e.context(format_args!("line {line}, column {column}"))
}

/// Opens a CSV reader with a header row, trimming nothing and allowing no ragged rows.
pub(crate) fn csv_reader<R: Read>(input: R) -> csv::Reader<R> {
    csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(input)
}

const REQUIRED: &[&str] = &["sku", "warehouse_id", "delta", "reason"];
/// Movements checked and held before they are written sorted by pair.
const CHUNK: usize = 500_000;
/// SQLite page cache for a batch, in KiB.
const BATCH_CACHE_KIB: i64 = 48 * 1024;
const OPTIONAL: &[&str] = &["note", "reference", "at"];

/// Bytes of CSV per movement, at least (`SKU-1,1,-1,sale` plus a line end):
/// turns a file size into a safe over-estimate of its rows.
const MIN_ROW_BYTES: u64 = 16;
/// Below this many rows a batch never rebuilds the ledger indexes.
const BULK_MIN_ROWS: u64 = 200_000;

/// Applies every row of `input` or none. `size` is the input's length in
/// bytes when known (a file): a batch that may outgrow the ledger it lands in
/// is bulk-loaded; of unknown size (stdin), the first full chunk decides. `progress` is called now and then with the bytes read so far.
pub fn adjust_file<R: Read>(
    db: &mut Db,
    ctx: &Ctx,
    input: R,
    size: Option<u64>,
    progress: &mut dyn FnMut(u64),
) -> Result<Applied> {
    let mut reader = csv_reader(input);
    let columns = Columns::new(reader.headers()?, REQUIRED, OPTIONAL)?;
    db.write(|tx| {
        // A larger page cache keeps the ledger indexes' hot pages in memory.
        tx.pragma_update(None, "cache_size", -BATCH_CACHE_KIB)?;
        let ledger = Ledger::new(tx, ctx)?;
        let rows = size.map_or(0, |bytes| bytes / MIN_ROW_BYTES);
        let existing = u64::try_from(ledger.ledger_rows()?).unwrap_or(u64::MAX);
        let mut ledger = ledger.buffered(CHUNK);
        if size.is_none() {
            ledger = ledger.bulk_if_large();
        } else if rows >= BULK_MIN_ROWS && rows / 2 >= existing {
            ledger = ledger.bulk()?;
        }
        let mut record = csv::StringRecord::new();
        let mut applied = 0u64;
        while reader.read_record(&mut record)? {
            let line = record.position().map_or(0, csv::Position::line);
            apply_row(&mut ledger, ctx, &columns, &record, line)?;
            applied += 1;
            if applied % 65_536 == 0 {
                progress(record.position().map_or(0, csv::Position::byte));
            }
        }
        ledger.finish()?;
        Ok(Applied { applied })
    })
}

fn apply_row(
    ledger: &mut Ledger<'_>,
    ctx: &Ctx,
    columns: &Columns,
    record: &csv::StringRecord,
    line: u64,
) -> Result<()> {
    let field = |name: &'static str| columns.need(record, name).map_err(at(line, name));
    let sku = field("sku")?;
    let product = ledger.product(sku).map_err(at(line, "sku"))?;
    let warehouse = field("warehouse_id")
        .and_then(|w| WarehouseId::parse(w).map_err(at(line, "warehouse_id")))?;
    ledger
        .check_warehouse(warehouse, product.company_id)
        .map_err(at(line, "warehouse_id"))?;
    let delta = field("delta").and_then(|d| Delta::parse(d).map_err(at(line, "delta")))?;
    let reason = field("reason").and_then(|r| Reason::parse_user(r).map_err(at(line, "reason")))?;
    let when = columns
        .get(record, "at")
        .map(|t| Timestamp::parse(t).map_err(at(line, "at")))
        .transpose()?;
    let adj = Adjustment {
        sku,
        warehouse,
        delta,
        reason,
        note: columns.get(record, "note"),
        reference: columns.get(record, "reference"),
        at: when,
    };
    apply_adjustment(ledger, &adj, ctx.now, |_, _, _| ()).map_err(at(line, "delta"))
}
