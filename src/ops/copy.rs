//! `copy --to PATH`: the whole database — every company, id and movement —
//! into a new or empty stockflow file, in one transaction on the target that
//! commits only after `check` has found the target clean. A failure leaves
//! the target as it was (a file this copy created is removed).
//!
//! The source is attached to the target's connection and each table is
//! copied with one `INSERT ... SELECT`, so ids are kept and millions of
//! movements copy at SQLite's own speed. Both are at this build's schema
//! version (the source is opened as any command opens it; the target is
//! created by `init`), so their tables are the same.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::Connection;
use serde::Serialize;

use super::check;
use crate::db::{self, Db};
use crate::error::{Error, Result};

/// What `copy` wrote.
#[derive(Debug, Clone, Serialize)]
pub struct Copied {
    /// The target database.
    pub target: PathBuf,
    /// Rows copied, per table, in copy order.
    pub tables: Vec<TableCount>,
}

/// One table's row count.
#[derive(Debug, Clone, Serialize)]
pub struct TableCount {
    /// The table.
    pub table: String,
    /// Rows copied into it.
    pub rows: i64,
}

/// Copies the database at `source` into a new database at `target`.
pub fn run(source: &Path, target: &Path, busy_timeout: Duration) -> Result<Copied> {
    let shown_target = target.to_string_lossy();
    if db::is_server_url(&shown_target) {
        return Err(Error::invalid(format!(
            "this build copies to a SQLite file only, not to a server URL: {}",
            db::without_password(&shown_target)
        )));
    }
    let shown = source.display().to_string();
    let source_text = source
        .to_str()
        .ok_or_else(|| Error::invalid(format!("the source path is not UTF-8: {shown}")))?;
    // Opened as any command opens it: missing, foreign or older files are refused.
    drop(Db::open(source, busy_timeout)?);
    let created = !target.exists();
    let copied = copy_into(source_text, target, busy_timeout);
    if copied.is_err() && created {
        remove(target);
    }
    copied
}

fn copy_into(source: &str, target: &Path, busy_timeout: Duration) -> Result<Copied> {
    let (mut db, _) = Db::init(target, busy_timeout)?;
    db.conn()
        .execute("ATTACH DATABASE ?1 AS src", [source])
        .map_err(|e| Error::database(format!("cannot read {source}: {e}")))?;
    let tables = db.write(|tx| {
        tx.pragma_update(None, "defer_foreign_keys", true)?;
        let tables = tables(tx)?;
        for table in &tables {
            let rows: i64 =
                tx.query_row(&format!("SELECT count(*) FROM main.\"{table}\""), [], |r| {
                    r.get(0)
                })?;
            if rows > 0 {
                return Err(Error::conflict(format!(
                    "{} is not empty ({rows} row(s) in {table}); copy writes only into a new or empty database",
                    target.display()
                )));
            }
        }
        let mut counts = Vec::new();
        for table in tables {
            let columns = columns(tx, &table)?.join(", ");
            let rows = tx.execute(
                &format!(
                    "INSERT INTO main.\"{table}\" ({columns}) SELECT {columns} FROM src.\"{table}\""
                ),
                [],
            )?;
            counts.push(TableCount {
                table,
                rows: i64::try_from(rows).unwrap_or(i64::MAX),
            });
        }
        let problems = check::problems(tx)?;
        if let Some(first) = problems.first() {
            return Err(Error::database(format!(
                "the copy did not pass check ({} problem(s)), nothing was written: {first}",
                problems.len()
            )));
        }
        Ok(counts)
    })?;
    Ok(Copied {
        target: target.to_owned(),
        tables,
    })
}

/// The target's tables in creation order (parents before children).
fn tables(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt = conn.prepare(
        "SELECT name FROM main.sqlite_schema
         WHERE type = 'table' AND name NOT LIKE 'sqlite%' ORDER BY rowid",
    )?;
    let names = stmt.query_map([], |r| r.get(0))?;
    Ok(names.collect::<rusqlite::Result<_>>()?)
}

fn columns(conn: &Connection, table: &str) -> Result<Vec<String>> {
    let mut stmt = conn.prepare("SELECT name FROM pragma_table_info(?1, 'main') ORDER BY cid")?;
    let names = stmt.query_map([table], |r| r.get::<_, String>(0))?;
    Ok(names
        .map(|n| n.map(|n| format!("\"{n}\"")))
        .collect::<rusqlite::Result<_>>()?)
}

/// Removes a target this copy created, with its WAL and shared-memory files.
fn remove(target: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let mut path = target.as_os_str().to_owned();
        path.push(suffix);
        let _ = std::fs::remove_file(path);
    }
}
