//! One PostgreSQL transaction: statements prepared once per connection,
//! SQLite's `?N` placeholders rewritten as `$N`, and a failed statement
//! remembered so the transaction cannot commit half its work.

use std::cell::{Cell, RefCell, RefMut};
use std::collections::HashMap;

use postgres::{Client, Statement};

use super::LEDGER_LOCK;
use super::value::{Row, binds, refs};
use crate::error::{Error, Kind, Result};

/// The connection and its prepared statements, shared by a transaction.
pub(super) struct Inner {
    pub(super) client: RefCell<Client>,
    pub(super) statements: RefCell<HashMap<String, Statement>>,
    /// A statement of the open transaction failed: the server has aborted
    /// it, so a `COMMIT` would roll back without a word.
    pub(super) failed: Cell<bool>,
    /// A `ROLLBACK` failed: the session may still be inside a transaction,
    /// so it must not be used again.
    pub(super) broken: Cell<bool>,
}

/// One transaction: a handle on the connection while `BEGIN` is open.
#[derive(Clone, Copy)]
pub struct Tx<'a> {
    pub(super) inner: &'a Inner,
}

impl std::fmt::Debug for Tx<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("postgres::Tx")
    }
}

impl<'a> Tx<'a> {
    /// The prepared statement for `sql` (`?N` placeholders become `$N`),
    /// prepared once per connection.
    fn statement(&self, sql: &str) -> Result<Statement> {
        if let Some(s) = self.inner.statements.borrow().get(sql) {
            return Ok(s.clone());
        }
        let prepared = self.noted(self.client()?.prepare(&placeholders(sql)))?;
        self.inner
            .statements
            .borrow_mut()
            .insert(sql.to_owned(), prepared.clone());
        Ok(prepared)
    }

    /// Runs one statement; returns the number of rows it changed.
    pub fn execute(&self, sql: &str, params: crate::store::Params<'_>) -> Result<u64> {
        let stmt = self.statement(sql)?;
        let binds = binds(params)?;
        self.noted(self.client()?.execute(&stmt, &refs(&binds)))
    }

    /// Runs statements without parameters.
    pub fn execute_batch(&self, sql: &str) -> Result<()> {
        self.noted(self.client()?.batch_execute(sql))
    }

    /// Runs a query and hands each row to `f`. The rows are all read into
    /// memory first, so `f` may run other statements on the same transaction.
    pub fn each(
        &self,
        sql: &str,
        params: crate::store::Params<'_>,
        mut f: impl FnMut(Row<'_>) -> Result<()>,
    ) -> Result<()> {
        let stmt = self.statement(sql)?;
        let binds = binds(params)?;
        let rows = self.noted(self.client()?.query(&stmt, &refs(&binds)))?;
        rows.iter().try_for_each(|r| f(Row(r)))
    }

    /// Streams the rows of a query through `map` into `consume`.
    pub fn stream<T, R>(
        &self,
        sql: &str,
        params: crate::store::Params<'_>,
        map: impl Fn(Row<'_>) -> Result<T>,
        consume: impl FnOnce(&mut dyn Iterator<Item = Result<T>>) -> Result<R>,
    ) -> Result<R> {
        use postgres::fallible_iterator::FallibleIterator;
        let stmt = self.statement(sql)?;
        let binds = binds(params)?;
        let mut client = self.client()?;
        let rows = self.noted(client.query_raw(&stmt, refs(&binds)))?;
        // Fused: asked again after its end, a finished row stream fails.
        let mut rows = rows
            .iterator()
            .fuse()
            .map(|r| self.noted(r).and_then(|r| map(Row(&r))));
        consume(&mut rows)
    }

    /// Waits for the ledger's write turn (see [`super::Tx::ledger_turn`]);
    /// taking it again in the same transaction returns at once. Every
    /// ledger writer takes it before its first stock row lock.
    pub fn ledger_turn(&self) -> Result<()> {
        self.execute("SELECT pg_advisory_xact_lock(?1)", &[&LEDGER_LOCK])
            .map(drop)
    }

    /// The connection itself, for what only this engine does (`COPY`);
    /// refused while a stream of rows holds it.
    pub(super) fn client(&self) -> Result<RefMut<'a, Client>> {
        self.inner.client.try_borrow_mut().map_err(|_| {
            Error::new(
                Kind::Internal,
                "a statement ran while a stream of rows held the connection",
            )
        })
    }

    /// A statement's outcome; a failure marks the transaction as failed.
    pub(super) fn noted<T>(&self, result: Result<T, postgres::Error>) -> Result<T> {
        result.map_err(|e| {
            self.inner.failed.set(true);
            Error::from(e)
        })
    }

    pub(super) fn query_opt<T>(
        &self,
        sql: &str,
        params: crate::store::Params<'_>,
        f: impl FnOnce(&crate::store::Row<'_>) -> Result<T>,
    ) -> Result<Option<T>> {
        crate::store::Tx::Postgres(*self).query_opt(sql, params, f)
    }

    pub(super) fn query_row<T>(
        &self,
        sql: &str,
        params: crate::store::Params<'_>,
        f: impl FnOnce(&crate::store::Row<'_>) -> Result<T>,
    ) -> Result<T> {
        crate::store::Tx::Postgres(*self).query_row(sql, params, f)
    }
}

/// `?N` and `?` placeholders (SQLite's) as `$N` (PostgreSQL's); string
/// literals and quoted names are left alone.
fn placeholders(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 8);
    let mut next = 1u32;
    let mut quote: Option<char> = None;
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => {
                quote = None;
                out.push(c);
            }
            (Some(_), c) => out.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                out.push(c);
            }
            (None, '?') => {
                let mut digits = String::new();
                while let Some(d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                    digits.push(*d);
                    chars.next();
                }
                let n = digits.parse().unwrap_or(next);
                next = n.saturating_add(1);
                out.push('$');
                out.push_str(&n.to_string());
            }
            (None, c) => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_outside_quotes() {
        assert_eq!(
            placeholders("SELECT ?1, '?', \"a?\" FROM t WHERE x = ?2 AND y = ?"),
            "SELECT $1, '?', \"a?\" FROM t WHERE x = $2 AND y = $3"
        );
        assert_eq!(placeholders("a = ? AND b = ?"), "a = $1 AND b = $2");
        assert_eq!(placeholders("a = ?12"), "a = $12");
    }
}
