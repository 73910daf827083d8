//! `check`: verifies what the schema alone cannot prove, and what damage or a
//! hand edit could have broken.

use rusqlite::Connection;
use rusqlite::types::ValueRef;
use serde::Serialize;

use crate::error::Result;
use crate::store::{Db, Tx};

/// The outcome of `check`.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// True when no problem was found.
    pub ok: bool,
    /// One line per problem.
    pub problems: Vec<String>,
}

/// Runs every check inside one read snapshot.
pub fn run(db: &mut Db) -> Result<Report> {
    db.read(|tx| {
        let problems = problems(tx)?;
        Ok(Report {
            ok: problems.is_empty(),
            problems,
        })
    })
}

/// Every problem `check` finds on `conn`, which may be inside a write
/// transaction (`copy` checks its target before it commits).
pub(crate) fn problems(conn: &Tx<'_>) -> Result<Vec<String>> {
    let mut problems = Vec::new();
    let engine_checks = match conn {
        Tx::Sqlite(_) => SQLITE_CHECKS,
        Tx::Postgres(_) => POSTGRES_CHECKS,
    };
    for (sql, what) in engine_checks.iter().chain(CHECKS) {
        collect(conn, sql, what, &mut problems)?;
    }
    if let Some(sqlite) = conn.sqlite() {
        text_is_utf8(sqlite, &mut problems)?;
    }
    Ok(problems)
}

/// The engine's own checks on SQLite: pages and indexes, and foreign keys
/// (which a batch may have skipped).
const SQLITE_CHECKS: &[(&str, &str)] = &[
    (
        "SELECT integrity_check FROM pragma_integrity_check WHERE integrity_check <> 'ok'",
        "integrity",
    ),
    (
        "SELECT \"table\" || ' row ' || coalesce(rowid, '?') || ' references missing ' || parent
         FROM pragma_foreign_key_check",
        "foreign key",
    ),
];

/// The engine's own checks on PostgreSQL, which enforces every constraint
/// as it writes and keeps text valid UTF-8: no constraint left unvalidated,
/// no index left invalid (by a failed concurrent build).
const POSTGRES_CHECKS: &[(&str, &str)] = &[
    (
        "SELECT 'constraint ' || conname || ' on ' || conrelid::regclass || ' is not validated'
         FROM pg_constraint
         WHERE NOT convalidated AND connamespace = current_schema()::regnamespace",
        "constraint",
    ),
    (
        "SELECT 'index ' || indexrelid::regclass || ' is not valid'
         FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
         WHERE NOT (i.indisvalid AND i.indisready)
           AND c.relnamespace = current_schema()::regnamespace",
        "index",
    ),
];

/// Each query yields one text row per problem, on either engine.
const CHECKS: &[(&str, &str)] = &[
    (
        "SELECT 'product ' || i.product_id || ' in warehouse ' || i.warehouse_id || ': inventory says '
                || i.quantity || ', ledger sums to ' || coalesce(m.total, 0)
         FROM inventory i LEFT JOIN (
             SELECT product_id, warehouse_id, sum(delta) AS total FROM movement
             GROUP BY product_id, warehouse_id) m
           ON m.product_id = i.product_id AND m.warehouse_id = i.warehouse_id
         WHERE i.quantity <> coalesce(m.total, 0)
         UNION ALL
         SELECT 'product ' || m.product_id || ' in warehouse ' || m.warehouse_id
                || ': ledger sums to ' || sum(m.delta) || ' but there is no inventory row'
         FROM movement m WHERE NOT EXISTS (SELECT 1 FROM inventory i
             WHERE i.product_id = m.product_id AND i.warehouse_id = m.warehouse_id)
         GROUP BY m.product_id, m.warehouse_id",
        "ledger",
    ),
    (
        "SELECT 'product ' || product_id || ' in warehouse ' || warehouse_id || ' has negative stock '
                || quantity FROM inventory WHERE quantity < 0",
        "negative stock",
    ),
    (
        "WITH RECURSIVE reach(bundle_id, component_id) AS (
             SELECT bundle_id, component_id FROM bundle_component
             UNION SELECT r.bundle_id, bc.component_id FROM reach r
                   JOIN bundle_component bc ON bc.bundle_id = r.component_id)
         SELECT 'bundle ' || p.sku || ' contains itself' FROM reach r
         JOIN product p ON p.id = r.bundle_id WHERE r.bundle_id = r.component_id",
        "bundle cycle",
    ),
    (
        "SELECT 'product ' || product_id || ' has ' || count(*) || ' primary suppliers'
         FROM product_supplier WHERE is_primary = 1 GROUP BY product_id HAVING count(*) > 1",
        "primary supplier",
    ),
];

/// Runs one check; a query that cannot finish on the stored data (SQLite's
/// `sum()` past 64 bits) is itself a problem found, not a crash.
fn collect(conn: &Tx<'_>, sql: &str, what: &str, problems: &mut Vec<String>) -> Result<()> {
    match conn.query_map(sql, &[], |r| r.get::<String>(0)) {
        Ok(rows) => problems.extend(rows.into_iter().map(|p| format!("{what}: {p}"))),
        Err(e) if crate::store::is_overflow(&e) => {
            let cause = std::error::Error::source(&e).map_or(e.to_string(), |c| c.to_string());
            problems.push(format!(
                "{what}: the stored values cannot be checked: {cause}"
            ));
        }
        Err(e) => return Err(e),
    }
    Ok(())
}

/// Every stored text is read as UTF-8 by the commands, so check reads every
/// text column too: one damaged byte in a note is found here, not by
/// `stock history` later.
fn text_is_utf8(conn: &Connection, problems: &mut Vec<String>) -> Result<()> {
    let tables: Vec<(String, Vec<String>)> = {
        let mut stmt = conn.prepare(
            "SELECT t.name, group_concat(c.name, char(31)) FROM sqlite_schema t
             JOIN pragma_table_info(t.name) c
             WHERE t.type = 'table' AND t.name NOT LIKE 'sqlite%' AND c.type = 'TEXT'
             GROUP BY t.name ORDER BY t.name",
        )?;
        let rows = stmt.query_map([], |r| {
            let columns: String = r.get(1)?;
            Ok((
                r.get(0)?,
                columns.split('\u{1f}').map(str::to_owned).collect(),
            ))
        })?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    for (table, columns) in tables {
        let list: Vec<String> = columns.iter().map(|c| format!("\"{c}\"")).collect();
        let mut stmt = conn.prepare(&format!("SELECT {} FROM \"{table}\"", list.join(", ")))?;
        let mut bad = vec![0u64; columns.len()];
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            for (i, count) in bad.iter_mut().enumerate() {
                if let ValueRef::Text(bytes) = row.get_ref(i)? {
                    *count += u64::from(std::str::from_utf8(bytes).is_err());
                }
            }
        }
        for (column, count) in columns.iter().zip(bad).filter(|(_, n)| *n > 0) {
            problems.push(format!(
                "text: {count} value(s) of {table}.{column} are not valid UTF-8"
            ));
        }
    }
    Ok(())
}
