//! The storage seam: which engine holds the data, and typed functions per
//! noun that fetch and write it.
//!
//! `--db` names a SQLite file (the embedded default, [`sqlite`]) or a
//! PostgreSQL server (`postgres://` or `postgresql://`, [`postgres`]). The
//! choice is an enum, not a trait object: two engines, known at compile time,
//! matched where they differ — here, never above.
//!
//! The operations in [`crate::ops`] hold the rules and no SQL: they call one
//! function per domain operation ([`product::by_sku`], [`ledger::append`],
//! [`history::stream`], ...), which take and return the library's types
//! ([`crate::model`], its records in [`crate::model::record`]) and read
//! columns by name. Under them, the SQL both engines share is written once
//! through [`Tx`] (`?N` placeholders, `RETURNING`, `ON CONFLICT`), with
//! optional conditions added by one [`filter::Filter`]. Values cross the seam
//! in the store's own currency ([`value`]: integers, booleans, text, bytes,
//! NULL), which the model's types are bound as and read from; each engine
//! converts it to and from its driver's values, exactly or refused, so
//! nothing above the engine modules names a driver. What only one engine does — schema and upgrades,
//! connections, locking, the bulk writers, integrity checks, driver error
//! mapping — lives in that engine's module.

pub mod alerts;
pub mod cancel;
pub mod catalog;
pub mod check;
pub mod copy;
pub mod filter;
pub mod history;
pub mod idempotency;
pub mod ledger;
pub mod order;
pub mod plan;
pub mod postgres;
pub mod product;
pub mod sqlite;
pub mod stock;
pub mod tables;
pub mod threshold;
pub mod tokens;
pub mod value;

use std::time::Duration;

use crate::error::{Error, Result};

pub use sqlite::SCHEMA_VERSION;
pub(crate) use value::params;
pub use value::{FromValue, Owned, Params, ToValue, Value};

/// How long a command waits for another writer by default.
pub const DEFAULT_BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// The engines stockflow can store its data in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    /// One SQLite file.
    Sqlite,
    /// A PostgreSQL server.
    Postgres,
}

/// What `init` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct InitReport {
    /// The schema version before (0 for a new database).
    pub from_version: i64,
    /// The schema version now.
    pub version: i64,
}

/// An open stockflow database on either engine.
#[derive(Debug)]
pub enum Db {
    /// A SQLite file.
    Sqlite(sqlite::Db),
    /// A PostgreSQL database (boxed: a connection is larger than a file handle).
    Postgres(Box<postgres::Db>),
}

impl Db {
    /// Opens an existing stockflow database named by `--db` (a path or a URL).
    pub fn open(target: &std::path::Path, busy_timeout: Duration) -> Result<Self> {
        match server_url(target) {
            Some(url) => {
                postgres::Db::open(url, busy_timeout).map(|db| Self::Postgres(Box::new(db)))
            }
            None => sqlite::Db::open(target, busy_timeout).map(Self::Sqlite),
        }
    }

    /// Creates the schema or upgrades it; running it again changes nothing.
    pub fn init(target: &std::path::Path, busy_timeout: Duration) -> Result<(Self, InitReport)> {
        match server_url(target) {
            Some(url) => postgres::Db::init(url, busy_timeout)
                .map(|(db, r)| (Self::Postgres(Box::new(db)), r)),
            None => sqlite::Db::init(target, busy_timeout).map(|(db, r)| (Self::Sqlite(db), r)),
        }
    }

    /// Which engine this is.
    pub fn engine(&self) -> Engine {
        match self {
            Self::Sqlite(_) => Engine::Sqlite,
            Self::Postgres(_) => Engine::Postgres,
        }
    }

    /// Runs `f` once in one write transaction: committed when `f` returns
    /// `Ok`, rolled back (nothing written) otherwise. Concurrent writers
    /// queue (SQLite: one writer at a time; PostgreSQL: the server's locks).
    /// For a write that consumes its input (a CSV import, an API request);
    /// a deadlock or serialization failure is busy at once.
    pub fn write<T>(&mut self, f: impl FnOnce(&Tx<'_>) -> Result<T>) -> Result<T> {
        match self {
            Self::Sqlite(db) => db.write(|tx| f(&Tx::Sqlite(sqlite::Tx::new(tx)))),
            Self::Postgres(db) => db.write_once(|tx| f(&Tx::Postgres(tx))),
        }
    }

    /// Like [`Db::write`] for a closure that can run again from the start
    /// (it reads nothing but the database and its arguments): a deadlock or
    /// serialization failure on PostgreSQL runs it again, a bounded number
    /// of times, before it is busy.
    pub fn write_retrying<T>(&mut self, mut f: impl FnMut(&Tx<'_>) -> Result<T>) -> Result<T> {
        match self {
            Self::Sqlite(db) => db.write(|tx| f(&Tx::Sqlite(sqlite::Tx::new(tx)))),
            Self::Postgres(db) => db.write_retrying(|tx| f(&Tx::Postgres(tx))),
        }
    }

    /// Like [`Db::write`] for a batch that reads its input as it goes, so it
    /// cannot run twice: SQLite skips its own foreign-key look-ups (the
    /// batch makes them itself); PostgreSQL locks the stock table against
    /// other writers first, so the batch cannot deadlock with them.
    pub fn write_batch<T>(&mut self, f: impl FnOnce(&Tx<'_>) -> Result<T>) -> Result<T> {
        match self {
            Self::Sqlite(db) => {
                db.write_checked_by_caller(|tx| f(&Tx::Sqlite(sqlite::Tx::new(tx))))
            }
            Self::Postgres(db) => db.write_batch(|tx| f(&Tx::Postgres(tx))),
        }
    }

    /// Runs `f` in one read transaction, so every query sees one snapshot.
    pub fn read<T>(&mut self, f: impl FnOnce(&Tx<'_>) -> Result<T>) -> Result<T> {
        match self {
            Self::Sqlite(db) => db.read(|tx| f(&Tx::Sqlite(sqlite::Tx::new(tx)))),
            Self::Postgres(db) => db.read(|tx| f(&Tx::Postgres(tx))),
        }
    }

    /// Whether this server's writes should go through one writer that
    /// commits queued requests together (group commit): SQLite, whose file
    /// has one writer at a time; a PostgreSQL server orders writers by row
    /// locks itself, so each write runs on a pooled connection.
    pub fn wants_group_commit(&self) -> bool {
        matches!(self, Self::Sqlite(_))
    }

    /// Tunes a connection that lives across requests (a server's reader):
    /// SQLite maps the file (`mmap_size`), so pages are read through the OS
    /// page cache without a copy or a system call per page, which a one-shot
    /// CLI process cannot reuse. Nothing on PostgreSQL.
    pub fn tune_for_long_lived_reader(&self) -> Result<()> {
        match self {
            Self::Sqlite(file) => file.tune_for_long_lived_reader(),
            Self::Postgres(_) => Ok(()),
        }
    }

    /// Whether the connection is gone (PostgreSQL: the server ended the
    /// session, or the network dropped it); a SQLite file never is.
    pub fn is_closed(&self) -> bool {
        match self {
            Self::Sqlite(_) => false,
            Self::Postgres(db) => db.is_closed(),
        }
    }

    /// The database as a message names it (a path, or a URL without its password).
    pub fn shown(&self) -> String {
        match self {
            Self::Sqlite(db) => db.path().display().to_string(),
            Self::Postgres(db) => db.shown().to_owned(),
        }
    }
}

/// One transaction on either engine; the operations take `&Tx`.
#[derive(Debug)]
pub enum Tx<'a> {
    /// Inside a SQLite transaction.
    Sqlite(sqlite::Tx<'a>),
    /// Inside a PostgreSQL transaction.
    Postgres(postgres::Tx<'a>),
}

impl Tx<'_> {
    /// Which engine this transaction runs on.
    pub fn engine(&self) -> Engine {
        match self {
            Self::Sqlite(_) => Engine::Sqlite,
            Self::Postgres(_) => Engine::Postgres,
        }
    }

    /// Takes the ledger's write turn before this transaction locks stock or
    /// appends a movement: held until commit, so movement ids are given out in commit
    /// order and a feed paging by id (`after_id`) never sees an id before a
    /// smaller one. SQLite has one writer already; on PostgreSQL it is a
    /// transaction-scoped advisory lock (a wait past the busy timeout is busy).
    pub fn ledger_turn(&self) -> Result<()> {
        match self {
            Self::Sqlite(_) => Ok(()),
            Self::Postgres(t) => t.ledger_turn(),
        }
    }

    /// Runs one statement; returns the number of rows it changed.
    pub fn execute(&self, sql: &str, params: Params<'_>) -> Result<u64> {
        match self {
            Self::Sqlite(c) => c.execute(sql, params),
            Self::Postgres(t) => t.execute(sql, params),
        }
    }

    /// Runs `f` inside a savepoint: what it wrote is rolled back, and only
    /// that, when it fails (the transaction goes on).
    pub fn savepoint<T>(&self, f: impl FnOnce(&Self) -> Result<T>) -> Result<T> {
        self.execute_batch("SAVEPOINT request")?;
        let result = f(self);
        if result.is_err() {
            self.execute_batch("ROLLBACK TO request")?;
        }
        self.execute_batch("RELEASE request")?;
        result
    }

    /// Runs statements without parameters, one after another.
    pub fn execute_batch(&self, sql: &str) -> Result<()> {
        match self {
            Self::Sqlite(c) => c.execute_batch(sql),
            Self::Postgres(t) => t.execute_batch(sql),
        }
    }

    /// The one row a query returns (an internal error when there is none).
    pub fn query_row<T>(
        &self,
        sql: &str,
        params: Params<'_>,
        f: impl FnOnce(&Row<'_>) -> Result<T>,
    ) -> Result<T> {
        self.query_opt(sql, params, f)?
            .ok_or_else(|| Error::new(crate::Kind::Internal, "a query returned no row"))
    }

    /// The first row a query returns, if any.
    pub fn query_opt<T>(
        &self,
        sql: &str,
        params: Params<'_>,
        f: impl FnOnce(&Row<'_>) -> Result<T>,
    ) -> Result<Option<T>> {
        let mut f = Some(f);
        let mut out = None;
        self.each(sql, params, |row| {
            if let Some(f) = f.take() {
                out = Some(f(row)?);
            }
            Ok(())
        })?;
        Ok(out)
    }

    /// Like [`Tx::query_opt`] for a read that decides a write: on PostgreSQL
    /// the row is locked (`FOR UPDATE`) until commit; SQLite's one writer
    /// already holds the whole database.
    pub fn query_opt_locked<T>(
        &self,
        sql: &str,
        params: Params<'_>,
        f: impl FnOnce(&Row<'_>) -> Result<T>,
    ) -> Result<Option<T>> {
        match self {
            Self::Sqlite(_) => self.query_opt(sql, params, f),
            Self::Postgres(_) => self.query_opt(&format!("{sql} FOR UPDATE"), params, f),
        }
    }

    /// Every row of a query, mapped.
    pub fn query_map<T>(
        &self,
        sql: &str,
        params: Params<'_>,
        mut f: impl FnMut(&Row<'_>) -> Result<T>,
    ) -> Result<Vec<T>> {
        let mut out = Vec::new();
        self.each(sql, params, |row| {
            out.push(f(row)?);
            Ok(())
        })?;
        Ok(out)
    }

    /// Streams the rows of a query through `f`, one at a time.
    pub fn each(
        &self,
        sql: &str,
        params: Params<'_>,
        mut f: impl FnMut(&Row<'_>) -> Result<()>,
    ) -> Result<()> {
        match self {
            Self::Sqlite(c) => c.each(sql, params, |row| f(&Row::Sqlite(row))),
            Self::Postgres(t) => t.each(sql, params, |row| f(&Row::Postgres(row))),
        }
    }

    /// Hands the rows of a query, mapped, to `consume` as an iterator that
    /// reads them as it goes (a ledger may not fit in memory); `consume`
    /// must not use this transaction.
    pub fn stream<T, R>(
        &self,
        sql: &str,
        params: Params<'_>,
        map: impl Fn(&Row<'_>) -> Result<T>,
        consume: impl FnOnce(&mut dyn Iterator<Item = Result<T>>) -> Result<R>,
    ) -> Result<R> {
        match self {
            Self::Sqlite(c) => c.stream(sql, params, |r| map(&Row::Sqlite(r)), consume),
            Self::Postgres(t) => t.stream(sql, params, |r| map(&Row::Postgres(r)), consume),
        }
    }

    /// Writes `rows` (values as either engine gave them, in the table's
    /// column order) into `table`, ids and all; returns how many. SQLite
    /// inserts them with one prepared statement, PostgreSQL with binary `COPY`.
    pub fn load(
        &self,
        table: &tables::Table,
        rows: &mut dyn Iterator<Item = Result<Vec<Owned>>>,
    ) -> Result<u64> {
        let (name, _, columns) = *table;
        match self {
            Self::Sqlite(c) => c.load(name, columns, rows),
            Self::Postgres(t) => postgres::bulk::copy_rows(*t, name, columns, rows),
        }
    }

    /// After [`Tx::load`] of every table: PostgreSQL's id sequences are
    /// moved past the loaded ids (SQLite's next id is always the largest + 1).
    pub fn finish_load(&self) -> Result<()> {
        match self {
            Self::Sqlite(_) => Ok(()),
            Self::Postgres(t) => tables::TABLES
                .iter()
                .filter(|(_, has_id, _)| *has_id)
                .try_for_each(|(name, _, _)| postgres::bulk::advance_sequence(*t, name)),
        }
    }

    /// The collation that orders text byte by byte (SQLite's `BINARY`,
    /// PostgreSQL's `"C"`), for a sort over columns of mixed collations.
    pub fn bytewise(&self) -> &'static str {
        match self {
            Self::Sqlite(_) => "COLLATE BINARY",
            Self::Postgres(_) => "COLLATE \"C\"",
        }
    }

    /// Holds a lock named by `key` until the transaction ends (PostgreSQL:
    /// an advisory lock), for a rule about rows that may not exist yet;
    /// nothing on SQLite, whose one writer already holds the database.
    pub fn lock_key(&self, key: &str) -> Result<()> {
        match self {
            Self::Sqlite(_) => Ok(()),
            Self::Postgres(t) => t
                .each(
                    "SELECT pg_advisory_xact_lock(hashtextextended(?1, 0))",
                    &[&key],
                    |_| Ok(()),
                )
                .map(|_| ()),
        }
    }

    /// Locks the rows `select` reads until the transaction ends, where a
    /// read that decides a write must (PostgreSQL: `FOR UPDATE`); nothing on
    /// SQLite, whose one writer already holds the whole database.
    pub fn lock(&self, select: &str, params: Params<'_>) -> Result<()> {
        match self {
            Self::Sqlite(_) => Ok(()),
            Self::Postgres(t) => t.each(&format!("{select} FOR UPDATE"), params, |_| Ok(())),
        }
    }
}

/// One row of a result on either engine.
#[derive(Debug, Clone, Copy)]
pub enum Row<'r> {
    /// A SQLite row.
    Sqlite(sqlite::Row<'r>),
    /// A PostgreSQL row.
    Postgres(postgres::Row<'r>),
}

impl Row<'_> {
    /// Column `column` (a name, or a position) as a `T` ([`FromValue`]: the
    /// model's types apply their rules on both engines). A stored value that
    /// does not fit is a database error naming the column.
    pub fn get<'c, T: FromValue>(&self, column: impl Into<Col<'c>>) -> Result<T> {
        let column = column.into();
        let at = match self {
            Self::Sqlite(r) => r.index(column),
            Self::Postgres(r) => r.index(column),
        }
        .ok_or_else(|| {
            Error::new(
                crate::Kind::Internal,
                format!("a row has no column {column}"),
            )
        })?;
        let value = match self {
            Self::Sqlite(r) => r.value(at),
            Self::Postgres(r) => r.value(at),
        };
        value
            .and_then(T::from_value)
            .map_err(|why| self.unreadable(at, &why))
    }

    #[cold]
    fn unreadable(&self, at: usize, why: &str) -> Error {
        let name = match self {
            Self::Sqlite(r) => r.name(at),
            Self::Postgres(r) => r.name(at),
        };
        Error::database(format!(
            "stored data cannot be read (run `stockflow check`): column {name}: {why}"
        ))
    }
}

/// How a column of a row is named: by its name (`"quantity"`) or position.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Col<'a> {
    /// Its position in the select list.
    At(usize),
    /// Its name.
    Named(&'a str),
}

impl From<usize> for Col<'_> {
    fn from(i: usize) -> Self {
        Self::At(i)
    }
}

impl<'a> From<&'a str> for Col<'a> {
    fn from(name: &'a str) -> Self {
        Self::Named(name)
    }
}

impl std::fmt::Display for Col<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::At(i) => write!(f, "{i}"),
            Self::Named(name) => f.write_str(name),
        }
    }
}

/// The position of column `name` in a select's column list, resolved at
/// compile time (`const { position(COLUMNS, "sku") }`): a streamed read of
/// millions of rows names its columns without looking each one up per row,
/// and a name not in the list does not compile.
pub(crate) const fn position(columns: &[(&str, &str)], name: &str) -> usize {
    let mut i = 0;
    while i < columns.len() {
        let (a, b) = (columns[i].1.as_bytes(), name.as_bytes());
        if a.len() == b.len() {
            let mut j = 0;
            while j < a.len() && a[j] == b[j] {
                j += 1;
            }
            if j == a.len() {
                return i;
            }
        }
        i += 1;
    }
    panic!("no such column in the select")
}

/// A select list from `(expression, name)` pairs: `m.id AS id, ...`.
pub(crate) fn select_list(columns: &[(&str, &str)]) -> String {
    let list: Vec<String> = columns.iter().map(|(e, n)| format!("{e} AS {n}")).collect();
    list.join(", ")
}

/// Whether a query stopped because a sum passed 64 bits (SQLite's
/// "integer overflow", PostgreSQL's "bigint out of range").
pub fn is_overflow(err: &Error) -> bool {
    sqlite::is_overflow(err) || postgres::is_overflow(err)
}

/// Refuses a `copy --to` target before anything is written to it: a file
/// that holds rows or an older schema (read, never upgraded). A server
/// database is checked inside the copy's transaction, which rolls back.
pub fn refuse_copy_target(target: &std::path::Path) -> Result<()> {
    match server_url(target) {
        Some(_) => Ok(()),
        None => sqlite::refuse_copy_target(target),
    }
}

/// The PostgreSQL URL `--db` names, if it names one (SPEC section 10).
fn server_url(target: &std::path::Path) -> Option<&str> {
    target.to_str().filter(|t| is_server_url(t))
}

/// Whether `--db` (or `copy --to`) names a PostgreSQL server (SPEC section 10).
pub fn is_server_url(text: &str) -> bool {
    ["postgres://", "postgresql://"].iter().any(|scheme| {
        text.get(..scheme.len())
            .is_some_and(|s| s.eq_ignore_ascii_case(scheme))
    })
}

/// A server URL fit for a message: `user:secret@host` becomes `user@host`,
/// and a `password=` parameter is left out.
pub fn without_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    // The postgres crate takes everything before the first '@' as the user
    // and password, even past a '/', '?' or '#' (an unencoded one in the
    // password); the host runs to the next '/' or '?', and an unencoded '@'
    // in the password leaves more '@'s there. Up to the last of those is
    // credentials, and only the user name of it is shown.
    let (authority, tail) = match rest.find('@') {
        Some(first) => {
            let end = rest[first..]
                .find(['/', '?'])
                .map_or(rest.len(), |i| first + i);
            let last = rest[..end].rfind('@').unwrap_or(first);
            let userinfo = &rest[..first];
            let user = userinfo.split_once(':').map_or(userinfo, |(u, _)| u);
            (format!("{user}@{}", &rest[last + 1..end]), &rest[end..])
        }
        None => {
            let end = rest.find(['/', '?']).unwrap_or(rest.len());
            (rest[..end].to_owned(), &rest[end..])
        }
    };
    let tail = match tail.split_once('?') {
        Some((path, query)) => {
            // By the key as the driver reads it, percent-decoded
            // (`pass%77ord` is `password`); a key that does not decode
            // cleanly could be anything, so it goes too.
            let kept: Vec<&str> = query
                .split('&')
                .filter(|kv| {
                    let key = kv.split('=').next().unwrap_or_default();
                    percent_decoded(key).is_some_and(|k| !k.eq_ignore_ascii_case("password"))
                })
                .collect();
            if kept.is_empty() {
                path.to_owned()
            } else {
                format!("{path}?{}", kept.join("&"))
            }
        }
        None => tail.to_owned(),
    };
    format!("{scheme}://{authority}{tail}")
}

/// `text` with its `%XX` escapes decoded, if they all are valid and the
/// result is UTF-8.
fn percent_decoded(text: &str) -> Option<String> {
    let mut out = Vec::with_capacity(text.len());
    let mut bytes = text.bytes();
    while let Some(b) = bytes.next() {
        if b == b'%' {
            let hex = [bytes.next()?, bytes.next()?];
            let hex = std::str::from_utf8(&hex).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
        } else {
            out.push(b);
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_is_redacted_by_its_decoded_key() {
        for url in [
            "postgresql://h/db?user=u&pass%77ord=SECRET",
            "postgresql://h/db?user=u&%70%61%73%73%77%6F%72%64=SECRET",
            "postgresql://h/db?user=u&PASS%57ORD=SECRET",
            "postgresql://h/db?user=u&pass%7word=SECRET",
        ] {
            let shown = without_password(url);
            assert!(!shown.contains("SECRET"), "{url} -> {shown}");
            assert_eq!(shown, "postgresql://h/db?user=u", "{url}");
        }
        assert_eq!(
            without_password("postgresql://h/db?application%5Fname=x"),
            "postgresql://h/db?application%5Fname=x"
        );
    }

    #[test]
    fn server_urls_are_named_without_their_password() {
        assert!(is_server_url("postgresql://u:pw@db.example:5432/stock"));
        assert!(is_server_url("POSTGRES://db/stock"));
        assert!(!is_server_url("postgres.db"));
        assert_eq!(
            without_password("postgresql://u:pw@db.example:5432/stock"),
            "postgresql://u@db.example:5432/stock"
        );
        assert_eq!(
            without_password("postgres://u:p@ss@host/db?sslmode=require"),
            "postgres://u@host/db?sslmode=require"
        );
        assert_eq!(
            without_password("postgresql:///stock?host=/var/run/postgresql"),
            "postgresql:///stock?host=/var/run/postgresql"
        );
        assert_eq!(
            without_password("postgresql://u@h/stock?password=pw&sslmode=disable"),
            "postgresql://u@h/stock?sslmode=disable"
        );
        assert_eq!(
            without_password("postgresql://u@h/stock?Password=pw"),
            "postgresql://u@h/stock"
        );
        assert_eq!(
            without_password("postgresql://u:se/cr?e#t@h:1/stock?sslmode=disable"),
            "postgresql://u@h:1/stock?sslmode=disable"
        );
    }
}
