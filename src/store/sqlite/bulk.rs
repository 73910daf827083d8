//! The SQLite bulk path: movements already checked by the ledger, written
//! with one multi-row insert per [`ROWS_PER_INSERT`] movements; and, when a
//! batch is at least as large as the ledger it lands in, the ledger's
//! secondary indexes dropped inside the transaction and built again (sorted,
//! bottom-up) before commit. A failure or a kill rolls the drop back with
//! everything else.

use rusqlite::Connection;

use super::value::Bound;

use crate::error::Result;
use crate::model::Timestamp;
use crate::store::ToValue;
use crate::store::ledger::NewMovement;

/// Movements one insert statement writes (amortises the statement's set-up:
/// cursors, constraint program, bindings).
const ROWS_PER_INSERT: usize = 32;
/// How often (in movements, a multiple of `ROWS_PER_INSERT`) a write reports progress.
const REPORT_EVERY: usize = 65_536;
/// SQLite page cache while a batch writes, in KiB (keeps hot index pages in memory).
const BATCH_CACHE_KIB: i64 = 48 * 1024;
/// SQLite page cache while indexes are rebuilt, in KiB (sorting needs less).
const REBUILD_CACHE_KIB: i64 = 16 * 1024;
/// Threads SQLite may sort with while rebuilding (the machine's second core).
const SORT_THREADS: i64 = 2;

/// The ledger's insert, column list and all (a macro, so the statements
/// below are literals: no text is built per movement).
macro_rules! insert_movement {
    () => {
        "INSERT INTO movement (product_id, warehouse_id, delta, reason, note, reference,
                               actor, occurred_at, recorded_at, bundle_id)"
    };
}

const INSERT_ONE: &str = concat!(
    insert_movement!(),
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
);
const INSERT_ONE_RETURNING: &str = concat!(
    insert_movement!(),
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) RETURNING id"
);

/// A larger page cache for a batch, so the ledger indexes' hot pages stay in memory.
pub(crate) fn tune_for_batch(conn: &Connection) -> Result<()> {
    conn.pragma_update(None, "cache_size", -BATCH_CACHE_KIB)?;
    Ok(())
}

/// Appends `rows` to the ledger; `report` hears how many are written so far.
pub(crate) fn insert_movements<'m>(
    conn: &Connection,
    rows: &mut dyn Iterator<Item = NewMovement<'m>>,
    actor: &str,
    now: Timestamp,
    report: &mut dyn FnMut(u64),
) -> Result<()> {
    let mut many = conn.prepare_cached(&multi_row_insert())?;
    let mut group: Vec<NewMovement<'m>> = Vec::with_capacity(ROWS_PER_INSERT);
    let mut written = 0usize;
    loop {
        group.clear();
        group.extend(rows.take(ROWS_PER_INSERT));
        if group.len() < ROWS_PER_INSERT {
            break;
        }
        // The caller reported the start.
        if written > 0 && written % REPORT_EVERY == 0 {
            report(written as u64);
        }
        for (k, m) in group.iter().enumerate() {
            let values: [&dyn ToValue; 10] = [
                &m.product,
                &m.warehouse,
                &m.delta,
                &m.reason,
                &m.note,
                &m.reference,
                &actor,
                &m.occurred_at,
                &now,
                &m.bundle,
            ];
            for (j, value) in values.into_iter().enumerate() {
                many.raw_bind_parameter(k * 10 + j + 1, Bound(value.to_value()))?;
            }
        }
        many.raw_execute()?;
        written += ROWS_PER_INSERT;
    }
    for m in &group {
        append(conn, m, actor, now, false)?;
    }
    Ok(())
}

/// Appends one movement; its id when `returning`.
pub(crate) fn append(
    conn: &Connection,
    m: &NewMovement<'_>,
    actor: &str,
    now: Timestamp,
    returning: bool,
) -> Result<Option<i64>> {
    let values: [&dyn ToValue; 10] = [
        &m.product,
        &m.warehouse,
        &m.delta,
        &m.reason,
        &m.note,
        &m.reference,
        &actor,
        &m.occurred_at,
        &now,
        &m.bundle,
    ];
    let values = rusqlite::params_from_iter(values.iter().map(|v| Bound(v.to_value())));
    if returning {
        let mut stmt = conn.prepare_cached(INSERT_ONE_RETURNING)?;
        return Ok(Some(stmt.query_row(values, |r| r.get("id"))?));
    }
    conn.prepare_cached(INSERT_ONE)?.execute(values)?;
    Ok(None)
}

/// The insert of [`ROWS_PER_INSERT`] movements in one statement, in the
/// ledger's column order.
fn multi_row_insert() -> String {
    let row = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    format!(
        "{} VALUES {}",
        insert_movement!(),
        vec![row; ROWS_PER_INSERT].join(", ")
    )
}

/// Drops the ledger's secondary indexes, returning their definitions. A
/// partial index (`movement_bundle`: only bundle sales) stays: the rows it
/// skips cost it nothing, and rebuilding it would read the whole ledger.
pub(crate) fn drop_indexes(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt = conn.prepare(
        "SELECT s.name, s.sql FROM sqlite_schema s
         JOIN pragma_index_list('movement') i ON i.name = s.name
         WHERE s.type = 'index' AND s.sql IS NOT NULL AND i.partial = 0 ORDER BY s.name",
    )?;
    let indexes = stmt
        .query_map([], |r| {
            Ok((r.get::<_, String>("name")?, r.get::<_, String>("sql")?))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut rebuild = Vec::with_capacity(indexes.len());
    for (name, sql) in indexes {
        conn.execute_batch(&format!("DROP INDEX \"{}\"", name.replace('"', "\"\"")))?;
        rebuild.push(sql);
    }
    Ok(rebuild)
}

/// Builds the dropped indexes again, sorting on two threads in a smaller cache.
pub(crate) fn rebuild_indexes(conn: &Connection, indexes: &[String]) -> Result<()> {
    conn.pragma_update(None, "cache_size", -REBUILD_CACHE_KIB)?;
    conn.pragma_update(None, "threads", SORT_THREADS)?;
    for sql in indexes {
        conn.execute_batch(sql)?;
    }
    Ok(())
}
