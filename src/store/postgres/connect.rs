//! Connecting to the server, creating or upgrading the schema, and running
//! transactions (once, retried after a deadlock, or as a batch).

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::time::Duration;

use postgres::NoTls;

use super::error::{cause, is_retryable, is_undefined_table};
use super::tx::{Inner, Tx};
use super::{ATTEMPTS, INIT_LOCK, OLDEST, SCHEMA, UPGRADES};
use crate::error::{Error, Kind, Result};
use crate::store::{InitReport, SCHEMA_VERSION, without_password};

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

    /// The token that cancels this session's running statement.
    pub(crate) fn cancel_token(&self) -> CancelToken {
        CancelToken(self.inner.client.borrow().cancel_token())
    }

    /// Whether the session answers a trivial query within `timeout`.
    pub(crate) fn is_live(&mut self, timeout: Duration) -> bool {
        !self.is_closed() && self.inner.client.get_mut().is_valid(timeout).is_ok()
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

/// Cancels a session's running statement from any thread.
pub struct CancelToken(postgres::CancelToken);

impl CancelToken {
    /// Asks the server, on a connection of its own, to cancel the statement;
    /// best effort: a server that cannot be reached has no statement of ours
    /// running for long either.
    pub fn cancel(&self) {
        drop(self.0.cancel_query(postgres::NoTls));
    }
}

impl std::fmt::Debug for CancelToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("postgres::CancelToken")
    }
}
