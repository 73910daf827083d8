//! One SQLite transaction and its rows, as the store's [`crate::store::Tx`]
//! and [`crate::store::Row`] wrap them: statements prepared once per
//! connection (rusqlite's cache), values bound and read as the store's.

use rusqlite::Connection;

use super::value::{Bound, binds, read};
use crate::error::Result;
use crate::store::tables::Kind;
use crate::store::{Col, Owned, Params, Value};

/// A connection inside a transaction.
#[derive(Debug, Clone, Copy)]
pub struct Tx<'a> {
    conn: &'a Connection,
}

impl<'a> Tx<'a> {
    pub(crate) fn new(conn: &'a Connection) -> Self {
        Self { conn }
    }

    /// The connection, for what only this engine does.
    pub(crate) fn conn(self) -> &'a Connection {
        self.conn
    }

    /// Runs one statement; returns the number of rows it changed.
    pub fn execute(self, sql: &str, params: Params<'_>) -> Result<u64> {
        let binds = binds(params)?;
        Ok(self
            .conn
            .prepare_cached(sql)?
            .execute(rusqlite::params_from_iter(binds))? as u64)
    }

    /// Runs statements without parameters, one after another.
    pub fn execute_batch(self, sql: &str) -> Result<()> {
        Ok(self.conn.execute_batch(sql)?)
    }

    /// Runs a query and hands each row to `f`.
    pub fn each(
        self,
        sql: &str,
        params: Params<'_>,
        mut f: impl FnMut(Row<'_>) -> Result<()>,
    ) -> Result<()> {
        let binds = binds(params)?;
        let mut stmt = self.conn.prepare_cached(sql)?;
        let mut rows = stmt.query(rusqlite::params_from_iter(binds))?;
        while let Some(row) = rows.next()? {
            f(Row(row))?;
        }
        Ok(())
    }

    /// Streams the rows of a query through `map` into `consume`.
    pub fn stream<T, R>(
        self,
        sql: &str,
        params: Params<'_>,
        map: impl Fn(Row<'_>) -> Result<T>,
        consume: impl FnOnce(&mut dyn Iterator<Item = Result<T>>) -> Result<R>,
    ) -> Result<R> {
        let binds = binds(params)?;
        let mut stmt = self.conn.prepare_cached(sql)?;
        let mut rows = stmt.query(rusqlite::params_from_iter(binds))?;
        let mut done = false;
        let mut iter = std::iter::from_fn(|| {
            if done {
                return None;
            }
            match rows.next() {
                Ok(Some(row)) => Some(map(Row(row))),
                Ok(None) => {
                    done = true;
                    None
                }
                Err(e) => {
                    done = true;
                    Some(Err(e.into()))
                }
            }
        });
        consume(&mut iter)
    }

    /// Inserts `rows` (in the table's column order) into `table` with one
    /// prepared statement; returns how many.
    pub fn load(
        self,
        table: &str,
        columns: &[(&str, Kind)],
        rows: &mut dyn Iterator<Item = Result<Vec<Owned>>>,
    ) -> Result<u64> {
        let list: Vec<String> = columns.iter().map(|(c, _)| format!("\"{c}\"")).collect();
        let marks = vec!["?"; columns.len()].join(", ");
        let mut insert = self.conn.prepare(&format!(
            "INSERT INTO \"{table}\" ({}) VALUES ({marks})",
            list.join(", ")
        ))?;
        let mut written = 0u64;
        for row in rows {
            let row = row?;
            insert.execute(rusqlite::params_from_iter(
                row.iter().map(|v| Bound(v.as_value())),
            ))?;
            written += 1;
        }
        Ok(written)
    }
}

/// One row of a result.
#[derive(Debug, Clone, Copy)]
pub struct Row<'r>(&'r rusqlite::Row<'r>);

impl<'r> Row<'r> {
    /// The position of a column, if the row has it.
    pub fn index(self, column: Col<'_>) -> Option<usize> {
        match column {
            Col::At(i) => (i < self.0.as_ref().column_count()).then_some(i),
            Col::Named(name) => self.0.as_ref().column_index(name).ok(),
        }
    }

    /// The name of column `i`.
    pub fn name(self, i: usize) -> &'r str {
        self.0.as_ref().column_name(i).unwrap_or("?")
    }

    /// Column `i` (a valid position) as the store's value.
    pub fn value(self, i: usize) -> std::result::Result<Value<'r>, String> {
        read(self.0.get_ref(i).map_err(|e| e.to_string())?)
    }
}
