//! The PostgreSQL engine: a server database named by a `postgres://` or
//! `postgresql://` URL (libpq form), through the synchronous `postgres` crate.
//!
//! Writes run at READ COMMITTED. Locks, in the order a transaction takes
//! them: the ledger's write turn (an advisory lock every writer of movements
//! takes first and holds to commit, so movement ids are given out in commit
//! order), then the rows a rule reads before it writes (`FOR UPDATE`, stock
//! rows in one fixed order), then a per-table lock the id trigger takes on
//! insert (so ids follow SQLite's rule). Writers that change no stock
//! (catalog, thresholds, links) take only row and id locks. `lock_timeout` is
//! the busy timeout: a wait past it is `busy` (exit 6). A deadlock or
//! serialization failure runs a retrying transaction again, a bounded number
//! of times, then is `busy` too.
//!
//! An empty database gets the top-level `schema.postgres.sql`, the current
//! schema (the same tables and rules as SQLite's `schema.sql`, numbered the
//! same); an older one is brought to it by [`UPGRADES`]. The version is
//! recorded in the table `stockflow_schema`; `init` works in one transaction
//! under an advisory lock, so two `init`s at once cannot both create it.

pub(crate) mod bulk;
pub(crate) mod check;

use std::cell::{Cell, RefCell, RefMut};
use std::collections::HashMap;
use std::error::Error as _;
use std::time::Duration;

use postgres::types::{IsNull, ToSql as PgToSql, Type, to_sql_checked};
use postgres::{Client, NoTls, Statement};
use rusqlite::types::{FromSql, ToSql, ToSqlOutput, ValueRef};

use super::{InitReport, SCHEMA_VERSION, without_password};
use crate::error::{Error, Kind, Result};

/// The current schema (version [`SCHEMA_VERSION`]): what `init` runs on an
/// empty database.
pub const SCHEMA: &str = include_str!("../../../schema.postgres.sql");

/// The first schema version the PostgreSQL engine had (SQLite's version 4).
pub const OLDEST: i64 = 4;

/// The upgrades of older databases, append-only, as SQL: `UPGRADES[i]` takes
/// a database from version `OLDEST + i` to `OLDEST + i + 1`. Each SQLite
/// upgrade after version 4 gets its PostgreSQL twin here (and the same change
/// in `schema.postgres.sql`), so both engines keep one version number.
pub const UPGRADES: &[&str] = &[];

/// The advisory lock `init` holds while it creates or upgrades the schema.
const INIT_LOCK: i64 = 0x5354_4b46;

/// The advisory lock a transaction holds from its first movement to its
/// commit, so movement ids are given out in commit order.
const LEDGER_LOCK: i64 = 0x5354_4b4c;

/// How many times a transaction that met a deadlock or a serialization
/// failure runs before the failure is `busy`.
const ATTEMPTS: u32 = 4;

/// An open connection to a stockflow database on a PostgreSQL server.
pub struct Db {
    inner: Inner,
    shown: String,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("postgres::Db")
            .field("db", &self.shown)
            .finish()
    }
}

/// The connection and its prepared statements, shared by a transaction.
struct Inner {
    client: RefCell<Client>,
    statements: RefCell<HashMap<String, Statement>>,
    /// A statement of the open transaction failed: the server has aborted
    /// it, so a `COMMIT` would roll back without a word.
    failed: Cell<bool>,
    /// A `ROLLBACK` failed: the session may still be inside a transaction,
    /// so it must not be used again.
    broken: Cell<bool>,
}

/// One transaction: a handle on the connection while `BEGIN` is open.
#[derive(Clone, Copy)]
pub struct Tx<'a> {
    inner: &'a Inner,
}

impl std::fmt::Debug for Tx<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("postgres::Tx")
    }
}

impl Db {
    /// Connects to an existing stockflow database; exit 7 when there is no
    /// server, no login, or no stockflow schema in the database.
    pub fn open(url: &str, busy_timeout: Duration) -> Result<Self> {
        let mut db = Self::connect(url, busy_timeout)?;
        let version = db.version()?.ok_or_else(|| {
            Error::database(format!(
                "no stockflow schema in {} (run `stockflow init` to create it)",
                db.shown
            ))
        })?;
        db.check_version(version)?;
        if version < SCHEMA_VERSION {
            return Err(Error::database(format!(
                "{} has schema version {version}, this stockflow needs {SCHEMA_VERSION} (run `stockflow init` to upgrade it)",
                db.shown
            )));
        }
        Ok(db)
    }

    /// Creates the schema in the URL's database, or upgrades it.
    pub fn init(url: &str, busy_timeout: Duration) -> Result<(Self, InitReport)> {
        let mut db = Self::connect(url, busy_timeout)?;
        let shown = db.shown.clone();
        let report = db.write_once(|tx| {
            tx.execute("SELECT pg_advisory_xact_lock(?1)", &[&INIT_LOCK])?;
            let exists: bool = tx.query_row(
                "SELECT to_regclass('stockflow_schema') IS NOT NULL",
                &[],
                |r| r.get(0),
            )?;
            let version = if exists {
                tx.query_opt("SELECT version FROM stockflow_schema", &[], |r| {
                    r.get::<i64>(0)
                })?
            } else {
                None
            };
            let from = match version {
                Some(v) => v,
                None => {
                    let tables: i64 = tx.query_row(
                        "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()",
                        &[],
                        |r| r.get(0),
                    )?;
                    if tables > 0 {
                        return Err(Error::database(format!(
                            "{shown} has tables but is not a stockflow database; give an empty database"
                        )));
                    }
                    0
                }
            };
            if from > SCHEMA_VERSION {
                return Err(newer(&shown, from));
            }
            if from == 0 {
                // Objects of the same names (a view, a collation, a
                // function) are not tables: the schema itself meets them.
                tx.execute_batch(SCHEMA).map_err(|e| match e.kind() {
                    Kind::Internal => Error::database(format!(
                        "{shown} is not a stockflow database: cannot create the schema beside what it holds ({}); give an empty database",
                        e.message()
                    )),
                    _ => e,
                })?;
                tx.execute_batch(
                    "CREATE TABLE stockflow_schema (version BIGINT NOT NULL);
                     COMMENT ON TABLE stockflow_schema IS 'stockflow';",
                )?;
                tx.execute("INSERT INTO stockflow_schema VALUES (?1)", &[&SCHEMA_VERSION])?;
            } else {
                let done = usize::try_from(from - OLDEST).unwrap_or(0);
                for (to, sql) in (from + 1..).zip(UPGRADES.iter().skip(done)) {
                    tx.execute_batch(sql).map_err(|e| {
                        Error::database(format!(
                            "cannot upgrade {shown} to schema version {to} (nothing was changed): {}",
                            e.message()
                        ))
                    })?;
                }
            }
            tx.execute("UPDATE stockflow_schema SET version = ?1", &[&SCHEMA_VERSION])?;
            Ok(InitReport {
                from_version: from,
                version: SCHEMA_VERSION,
            })
        })?;
        Ok((db, report))
    }

    fn connect(url: &str, busy_timeout: Duration) -> Result<Self> {
        let shown = without_password(url);
        let mut config: postgres::Config = url.parse().map_err(|e| {
            Error::invalid(format!(
                "not a PostgreSQL connection URL: {shown}: {}",
                cause(&e)
            ))
        })?;
        let at_in_host = config
            .get_hosts()
            .iter()
            .any(|h| matches!(h, postgres::config::Host::Tcp(name) if name.contains('@')));
        if at_in_host {
            return Err(Error::invalid(format!(
                "not a PostgreSQL connection URL: {shown}: an '@' in the user name or password must be written %40"
            )));
        }
        if config.get_ssl_mode() == postgres::config::SslMode::Require {
            return Err(Error::database(format!(
                "cannot connect to PostgreSQL {}: this stockflow has no TLS support, and the URL asks for it (sslmode=require); use sslmode=prefer or disable, or a local TLS tunnel",
                server_name(&config, &shown)
            )));
        }
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(Duration::from_secs(10));
        }
        if config.get_application_name().is_none() {
            config.application_name("stockflow");
        }
        let mut client = config.connect(NoTls).map_err(|e| {
            Error::database(format!(
                "cannot connect to PostgreSQL {}: {}",
                server_name(&config, &shown),
                cause(&e)
            ))
        })?;
        // The busy timeout is how long a statement waits for a row lock.
        // JIT off: stockflow's statements walk indexes for milliseconds, and
        // a cost estimate past `jit_above_cost` (the alerts query on a large
        // ledger) would spend about a second compiling them first.
        let lock_ms = busy_timeout.as_millis().clamp(1, i32::MAX as u128);
        client
            .batch_execute(&format!(
                "SET lock_timeout = {lock_ms}; SET client_min_messages = warning; SET TIME ZONE 'UTC';
                 SET jit = off;"
            ))
            .map_err(Error::from)?;
        Ok(Self {
            inner: Inner {
                client: RefCell::new(client),
                statements: RefCell::new(HashMap::new()),
                failed: Cell::new(false),
                broken: Cell::new(false),
            },
            shown,
        })
    }

    /// Whether the session has ended (the server closed it, or the network).
    pub fn is_closed(&self) -> bool {
        self.inner.broken.get() || self.inner.client.borrow().is_closed()
    }

    /// The database as messages name it: its URL without the password.
    pub fn shown(&self) -> &str {
        &self.shown
    }

    fn version(&mut self) -> Result<Option<i64>> {
        let found = self.read(|tx| {
            tx.query_opt("SELECT version FROM stockflow_schema", &[], |r| {
                r.get::<i64>(0)
            })
        });
        match found {
            Err(e) if is_undefined_table(&e) => Ok(None),
            other => other,
        }
    }

    fn check_version(&self, version: i64) -> Result<()> {
        if version > SCHEMA_VERSION {
            return Err(newer(&self.shown, version));
        }
        Ok(())
    }

    /// Runs `f` in one READ COMMITTED transaction, again after a deadlock or
    /// serialization failure (up to [`ATTEMPTS`] runs in all).
    pub fn write_retrying<T>(&mut self, mut f: impl FnMut(Tx<'_>) -> Result<T>) -> Result<T> {
        let mut attempt = 1;
        loop {
            match self.write_once(&mut f) {
                Err(e) if attempt < ATTEMPTS && is_retryable(&e) => {
                    std::thread::sleep(Duration::from_millis(5 << attempt));
                    attempt += 1;
                }
                other => return other,
            }
        }
    }

    /// Runs a batch: the stock table is locked against other writers first
    /// (readers go on), so a batch that locks its rows in file order cannot
    /// deadlock with anyone; it runs once. The mode is EXCLUSIVE, not SHARE
    /// ROW EXCLUSIVE: a single writer's `SELECT ... FOR UPDATE` holds only ROW
    /// SHARE on the table, which SHARE ROW EXCLUSIVE lets in, so the writer
    /// would hold a row the batch needs while waiting for the batch's table
    /// lock to write it (a deadlock). EXCLUSIVE waits for such writers to
    /// finish and keeps new ones out until the batch commits.
    pub fn write_batch<T>(&mut self, f: impl FnOnce(Tx<'_>) -> Result<T>) -> Result<T> {
        self.write_once(|tx| {
            // The ledger's turn first, as every ledger writer takes it.
            tx.ledger_turn()?;
            tx.execute_batch("LOCK TABLE inventory IN EXCLUSIVE MODE")?;
            f(tx)
        })
    }

    /// Runs `f` once in one READ COMMITTED transaction.
    pub fn write_once<T>(&mut self, f: impl FnOnce(Tx<'_>) -> Result<T>) -> Result<T> {
        self.transaction("BEGIN ISOLATION LEVEL READ COMMITTED", f)
    }

    /// Runs `f` in one read-only transaction on one snapshot.
    pub fn read<T>(&mut self, f: impl FnOnce(Tx<'_>) -> Result<T>) -> Result<T> {
        self.transaction("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", f)
    }

    fn transaction<T>(&mut self, begin: &str, f: impl FnOnce(Tx<'_>) -> Result<T>) -> Result<T> {
        let tx = Tx { inner: &self.inner };
        tx.execute_batch(begin)?;
        self.inner.failed.set(false);
        let result = f(tx).and_then(|value| {
            if self.inner.failed.get() {
                return Err(Error::new(
                    Kind::Internal,
                    "a statement failed inside the transaction, so nothing was written",
                ));
            }
            Ok(value)
        });
        match result {
            Ok(value) => {
                tx.execute_batch("COMMIT")?;
                Ok(value)
            }
            Err(e) => {
                if tx.execute_batch("ROLLBACK").is_err() {
                    self.inner.broken.set(true);
                }
                Err(e)
            }
        }
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
    pub fn execute(&self, sql: &str, params: super::Params<'_>) -> Result<u64> {
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
        params: super::Params<'_>,
        f: impl FnMut(&postgres::Row) -> Result<()>,
    ) -> Result<()> {
        let stmt = self.statement(sql)?;
        let binds = binds(params)?;
        let rows = self.noted(self.client()?.query(&stmt, &refs(&binds)))?;
        rows.iter().try_for_each(f)
    }

    /// Streams the rows of a query through `map` into `consume`.
    pub fn stream<T, R>(
        &self,
        sql: &str,
        params: super::Params<'_>,
        map: impl Fn(&postgres::Row) -> rusqlite::Result<T>,
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
            .map(|r| self.noted(r).and_then(|r| Ok(map(&r)?)));
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

    fn query_opt<T>(
        &self,
        sql: &str,
        params: super::Params<'_>,
        f: impl FnOnce(&super::Row<'_>) -> rusqlite::Result<T>,
    ) -> Result<Option<T>> {
        super::Tx::Postgres(*self).query_opt(sql, params, f)
    }

    fn query_row<T>(
        &self,
        sql: &str,
        params: super::Params<'_>,
        f: impl FnOnce(&super::Row<'_>) -> rusqlite::Result<T>,
    ) -> Result<T> {
        super::Tx::Postgres(*self).query_row(sql, params, f)
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

/// A rusqlite value bound to a PostgreSQL parameter of whatever type the
/// server inferred for it, converted exactly or refused.
/// A parameter whose conversion failed is refused when bound.
#[derive(Debug)]
enum Bind<'a> {
    Value(ToSqlOutput<'a>),
    Refused(String),
}

fn binds<'a>(params: super::Params<'a>) -> Result<Vec<Bind<'a>>> {
    params
        .iter()
        .map(|p| match p.to_sql() {
            Ok(v) => {
                let bind = Bind::Value(v);
                if let Ok(ValueRef::Text(bytes)) = bind.value() {
                    storable_text("text", &String::from_utf8_lossy(bytes))?;
                }
                Ok(bind)
            }
            Err(e) => Ok(Bind::Refused(e.to_string())),
        })
        .collect()
}

/// Refuses text with a NUL character, which a PostgreSQL `TEXT` value cannot
/// hold (the server would reject the whole statement as an encoding error):
/// invalid input naming `what` and the value, as SQLite has no such limit.
pub(crate) fn storable_text(what: &str, text: &str) -> Result<()> {
    if text.contains('\0') {
        return Err(Error::invalid(format!(
            "{what} cannot contain a NUL character (PostgreSQL cannot store it): {text:?}"
        )));
    }
    Ok(())
}

fn refs<'b>(binds: &'b [Bind<'_>]) -> Vec<&'b (dyn PgToSql + Sync)> {
    binds.iter().map(|b| b as &(dyn PgToSql + Sync)).collect()
}

type BoxError = Box<dyn std::error::Error + Sync + Send>;

impl Bind<'_> {
    fn value(&self) -> Result<ValueRef<'_>, BoxError> {
        match self {
            Self::Value(ToSqlOutput::Borrowed(v)) => Ok(*v),
            Self::Value(ToSqlOutput::Owned(v)) => Ok(v.into()),
            Self::Value(_) => Err("a parameter of an unsupported kind".into()),
            Self::Refused(e) => Err(e.clone().into()),
        }
    }
}

impl PgToSql for Bind<'_> {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut postgres::types::private::BytesMut,
    ) -> Result<IsNull, BoxError> {
        match self.value()? {
            ValueRef::Null => Ok(IsNull::Yes),
            ValueRef::Integer(i) => match *ty {
                Type::INT8 => PgToSql::to_sql(&i, ty, out),
                Type::INT4 => PgToSql::to_sql(&i32::try_from(i)?, ty, out),
                Type::INT2 => PgToSql::to_sql(&i16::try_from(i)?, ty, out),
                Type::BOOL => PgToSql::to_sql(&(i != 0), ty, out),
                Type::FLOAT8 => PgToSql::to_sql(&(i as f64), ty, out),
                Type::TEXT | Type::VARCHAR | Type::NAME | Type::UNKNOWN => {
                    PgToSql::to_sql(&i.to_string().as_str(), ty, out)
                }
                _ => Err(format!("cannot store an integer in a {ty} column").into()),
            },
            ValueRef::Real(f) => match *ty {
                Type::FLOAT8 => PgToSql::to_sql(&f, ty, out),
                _ => Err(format!("cannot store a real in a {ty} column").into()),
            },
            ValueRef::Text(bytes) => match *ty {
                Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME | Type::UNKNOWN => {
                    PgToSql::to_sql(&std::str::from_utf8(bytes)?, &Type::TEXT, out)
                }
                _ => Err(format!("cannot store text in a {ty} column").into()),
            },
            ValueRef::Blob(bytes) => match *ty {
                Type::BYTEA => PgToSql::to_sql(&bytes, ty, out),
                _ => Err(format!("cannot store bytes in a {ty} column").into()),
            },
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    to_sql_checked!();
}

/// Column `i` of a PostgreSQL row as the rusqlite value it stands for, then
/// converted by `T`'s `FromSql` (so the newtypes' rules apply on both engines).
pub(super) fn column<T: FromSql>(row: &postgres::Row, i: usize) -> rusqlite::Result<T> {
    let failed =
        |e: BoxError| rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Null, e);
    let ty = row
        .columns()
        .get(i)
        .ok_or(rusqlite::Error::InvalidColumnIndex(i))?
        .type_()
        .clone();
    let value = match ty {
        Type::INT8 => row
            .try_get::<_, Option<i64>>(i)
            .map(|v| v.map_or(ValueRef::Null, ValueRef::Integer)),
        Type::INT4 => row
            .try_get::<_, Option<i32>>(i)
            .map(|v| v.map_or(ValueRef::Null, |v| ValueRef::Integer(v.into()))),
        Type::INT2 => row
            .try_get::<_, Option<i16>>(i)
            .map(|v| v.map_or(ValueRef::Null, |v| ValueRef::Integer(v.into()))),
        Type::BOOL => row
            .try_get::<_, Option<bool>>(i)
            .map(|v| v.map_or(ValueRef::Null, |v| ValueRef::Integer(v.into()))),
        Type::FLOAT8 => row
            .try_get::<_, Option<f64>>(i)
            .map(|v| v.map_or(ValueRef::Null, ValueRef::Real)),
        Type::BYTEA => row
            .try_get::<_, Option<&[u8]>>(i)
            .map(|v| v.map_or(ValueRef::Null, ValueRef::Blob)),
        _ => row
            .try_get::<_, Option<&str>>(i)
            .map(|v| v.map_or(ValueRef::Null, |s| ValueRef::Text(s.as_bytes()))),
    }
    .map_err(|e| failed(Box::new(e)))?;
    T::column_result(value).map_err(|e| failed(Box::new(e)))
}

fn newer(shown: &str, version: i64) -> Error {
    Error::database(format!(
        "{shown} has schema version {version}, newer than this stockflow understands ({SCHEMA_VERSION}); upgrade stockflow"
    ))
}

/// `host:port database name as user`, for messages (never the password).
fn server_name(config: &postgres::Config, shown: &str) -> String {
    let host = match config.get_hosts().first() {
        Some(postgres::config::Host::Tcp(h)) => h.clone(),
        Some(postgres::config::Host::Unix(p)) => p.display().to_string(),
        None => "localhost".to_owned(),
    };
    let port = config.get_ports().first().copied().unwrap_or(5432);
    let user = config.get_user().unwrap_or("(default user)");
    let dbname = config.get_dbname().unwrap_or(user);
    format!("at {host}:{port}, database {dbname} as {user} ({shown})")
}

/// The innermost message of a connection failure (the server's own words
/// for a refused login; the OS's for an unreachable host).
fn cause(err: &postgres::Error) -> String {
    if let Some(db) = err.as_db_error() {
        return db.message().to_owned();
    }
    let mut source: Option<&dyn std::error::Error> = err.source();
    let mut last = err.to_string();
    while let Some(s) = source {
        last = s.to_string();
        source = s.source();
    }
    last
}

fn sqlstate(err: &Error) -> Option<&postgres::error::SqlState> {
    std::error::Error::source(err)
        .and_then(|s| s.downcast_ref::<postgres::Error>())
        .and_then(postgres::Error::code)
}

fn is_undefined_table(err: &Error) -> bool {
    sqlstate(err) == Some(&postgres::error::SqlState::UNDEFINED_TABLE)
}

fn is_retryable(err: &Error) -> bool {
    use postgres::error::SqlState;
    matches!(
        sqlstate(err),
        Some(&SqlState::T_R_DEADLOCK_DETECTED | &SqlState::T_R_SERIALIZATION_FAILURE)
    )
}

impl From<postgres::Error> for Error {
    /// Failures nobody classified at the call site, as for SQLite: a
    /// constraint by its SQLSTATE, a lock wait past the busy timeout (or a
    /// deadlock) is busy, a lost connection is the database's.
    fn from(err: postgres::Error) -> Self {
        use postgres::error::SqlState as S;
        let Some(db) = err.as_db_error() else {
            let message = if err.is_closed() {
                "the connection to the PostgreSQL server was lost".to_owned()
            } else {
                format!("PostgreSQL error: {}", cause(&err))
            };
            let io = err
                .source()
                .is_some_and(|s| s.downcast_ref::<std::io::Error>().is_some());
            let kind = if err.is_closed() || io {
                Kind::Database
            } else {
                Kind::Internal
            };
            return Self::new(kind, message).with_source(err);
        };
        let refused = |kind| {
            let detail = db
                .constraint()
                .map(|c| format!(" ({c})"))
                .unwrap_or_default();
            Self::new(
                kind,
                format!("refused by the database: {}{detail}", db.message()),
            )
        };
        let code = db.code().clone();
        let error = match code {
            S::CHECK_VIOLATION | S::NOT_NULL_VIOLATION => refused(Kind::InvalidInput),
            S::UNIQUE_VIOLATION => refused(Kind::Conflict),
            S::FOREIGN_KEY_VIOLATION => refused(Kind::NotFound),
            S::LOCK_NOT_AVAILABLE | S::QUERY_CANCELED => Self::new(
                Kind::Busy,
                "the database is locked by another writer; gave up waiting, try again",
            ),
            S::T_R_DEADLOCK_DETECTED | S::T_R_SERIALIZATION_FAILURE => Self::new(
                Kind::Busy,
                "the database is busy with other writers (a deadlock or serialization failure, after retries); try again",
            ),
            S::NUMERIC_VALUE_OUT_OF_RANGE => refused(Kind::InvalidInput),
            S::UNDEFINED_TABLE => Self::database(format!(
                "the database has no stockflow schema (run `stockflow init`): {}",
                db.message()
            )),
            S::ADMIN_SHUTDOWN | S::CRASH_SHUTDOWN | S::CANNOT_CONNECT_NOW => {
                Self::database(format!("the PostgreSQL server went away: {}", db.message()))
            }
            S::READ_ONLY_SQL_TRANSACTION | S::INSUFFICIENT_PRIVILEGE => {
                Self::database(format!("cannot write the database: {}", db.message()))
            }
            _ => Self::new(Kind::Internal, format!("database error: {}", db.message())),
        };
        error.with_source(err)
    }
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

    #[test]
    fn the_oldest_version_and_upgrades_reach_the_sqlite_version() {
        assert_eq!(OLDEST + UPGRADES.len() as i64, SCHEMA_VERSION);
        let header = format!("current schema on PostgreSQL, version {SCHEMA_VERSION}:");
        assert!(SCHEMA.lines().next().unwrap().contains(&header), "{header}");
    }
}
