//! `copy --to PATH|URL`: the whole database — every company, id and
//! movement — from `--db` into a new or empty stockflow database of either
//! engine, in one transaction on the target that commits only after `check`
//! has found the target clean. A failure leaves the target as it was (a file
//! this copy created is removed; a server database keeps the empty schema
//! `init` gave it).
//!
//! The tables and their columns are listed here, parents before children,
//! and both engines' schemas are checked against the list by tests. Each
//! table is read from one snapshot of the source as a stream and written to
//! the target with its ids (a binary `COPY` on PostgreSQL, whose sequences are
//! then moved past the copied ids), so it works from file to server, server
//! to file, and file to file alike.

use std::path::Path;
use std::time::Duration;

use serde::Serialize;

use super::check;
use crate::error::{Error, Result};
use crate::store::tables::TABLES;
use crate::store::{self, Db};

/// What `copy` wrote.
#[derive(Debug, Clone, Serialize)]
pub struct Copied {
    /// The target database (a URL without its password).
    pub target: String,
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

/// Copies the database named by `source` into the (new or empty) database
/// named by `target`, a path or a URL.
pub fn run(source: &Path, target: &Path, busy_timeout: Duration) -> Result<Copied> {
    // Opened as any command opens it: missing, foreign or older databases are refused.
    let mut from = Db::open(source, busy_timeout)?;
    let shown = target.to_string_lossy();
    let is_file = !store::is_server_url(&shown);
    let created = is_file && !target.exists();
    let copied = copy_into(&mut from, target, busy_timeout);
    if copied.is_err() && created {
        remove(target);
    }
    copied
}

fn copy_into(from: &mut Db, target: &Path, busy_timeout: Duration) -> Result<Copied> {
    // Before anything touches a target file: init would upgrade an older one.
    store::refuse_copy_target(target)?;
    let (mut to, _) = Db::init(target, busy_timeout)?;
    let shown = to.shown();
    let tables = from.read(|src| {
        to.write_batch(|dst| {
            if let Some((table, rows)) = store::copy::first_rows(dst)? {
                return Err(Error::conflict(format!(
                    "{shown} is not empty ({rows} row(s) in {table}); copy writes only into a new or empty database"
                )));
            }
            let mut counts = Vec::new();
            for table in TABLES {
                let rows = store::copy::table(src, dst, table)?;
                counts.push(TableCount {
                    table: table.0.to_owned(),
                    rows: i64::try_from(rows).unwrap_or(i64::MAX),
                });
            }
            dst.finish_load()?;
            let problems = check::problems(dst)?;
            if let Some(first) = problems.first() {
                return Err(Error::database(format!(
                    "the copy did not pass check ({} problem(s)), nothing was written: {first}",
                    problems.len()
                )));
            }
            Ok(counts)
        })
    })?;
    Ok(Copied {
        target: shown,
        tables,
    })
}

/// Removes a target this copy created, with its WAL and shared-memory files.
fn remove(target: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let mut path = target.as_os_str().to_owned();
        path.push(suffix);
        let _ = std::fs::remove_file(path);
    }
}
