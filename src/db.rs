//! Opening the database and running transactions.
//!
//! Every connection gets the same discipline (WAL, `synchronous=FULL`, foreign
//! keys, a busy timeout), and every write goes through [`Db::write`], which
//! begins `IMMEDIATE`: concurrent writers queue on the busy timeout instead of
//! failing half-way with a lock upgrade error.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};

use crate::error::{Error, Result};

/// The baseline schema (version 1), embedded in the binary.
pub const SCHEMA: &str = include_str!("../schema.sql");

/// Upgrades after the baseline, append-only: `UPGRADES[i]` takes a database
/// from version `i + 1` to `i + 2`. A fresh database runs the baseline and
/// then every upgrade, so a fresh and an upgraded database are built alike.
const UPGRADES: &[&str] = &[
    // 2: API tokens (only a SHA-256 of each is stored) and the idempotency
    // keys of API writes, kept with the stored response (`stockflow serve`).
    "CREATE TABLE api_token (
         id         INTEGER PRIMARY KEY,
         company_id INTEGER NOT NULL REFERENCES company (id),
         name       TEXT,
         hash       BLOB    NOT NULL UNIQUE CHECK (length(hash) = 32),
         created_at INTEGER NOT NULL,
         expires_at INTEGER,
         revoked_at INTEGER
     ) STRICT;
     CREATE TABLE idempotency_key (
         company_id   INTEGER NOT NULL REFERENCES company (id),
         key          TEXT    NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
         request_hash BLOB    NOT NULL,
         status       INTEGER NOT NULL,
         body         TEXT    NOT NULL,
         location     TEXT,
         created_at   INTEGER NOT NULL,
         PRIMARY KEY (company_id, key)
     ) STRICT, WITHOUT ROWID;
     CREATE INDEX idempotency_key_age ON idempotency_key (created_at);",
];

/// The schema version this build writes (`PRAGMA user_version`).
pub const SCHEMA_VERSION: i64 = 1 + UPGRADES.len() as i64;

/// Marks a file as a stockflow database (`PRAGMA application_id`, "STKF").
const APPLICATION_ID: i64 = 0x5354_4b46;

/// How long a command waits for another writer by default.
pub const DEFAULT_BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// An open stockflow database.
#[derive(Debug)]
pub struct Db {
    conn: Connection,
    path: PathBuf,
}

/// What `init` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct InitReport {
    /// The schema version before (0 for a new file).
    pub from_version: i64,
    /// The schema version now.
    pub version: i64,
}

impl Db {
    /// Opens an existing stockflow database; never creates a file.
    pub fn open(path: &Path, busy_timeout: Duration) -> Result<Self> {
        if !path.exists() {
            return Err(Error::database(format!(
                "no database at {} (run `stockflow init` to create it)",
                path.display()
            )));
        }
        let db = Self::connect(path, OpenFlags::SQLITE_OPEN_READ_WRITE, busy_timeout)?;
        let (app, version) = db.identity()?;
        if app != APPLICATION_ID {
            return Err(not_stockflow(path));
        }
        check_version(path, version)?;
        if version < SCHEMA_VERSION {
            return Err(Error::database(format!(
                "{} has schema version {version}, this stockflow needs {SCHEMA_VERSION} (run `stockflow init` to upgrade it)",
                path.display()
            )));
        }
        Ok(db)
    }

    /// Creates the database, or upgrades it; running it again changes nothing.
    pub fn init(path: &Path, busy_timeout: Duration) -> Result<(Self, InitReport)> {
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE;
        let mut db = Self::connect(path, flags, busy_timeout)?;
        let report = db.write(|tx| {
            let app: i64 = tx.query_row("PRAGMA application_id", [], |r| r.get(0))?;
            let version: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
            let tables: i64 =
                tx.query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0))?;
            if app != APPLICATION_ID && (tables > 0 || version != 0) {
                return Err(not_stockflow(path));
            }
            check_version(path, version)?;
            if version == 0 {
                tx.execute_batch(SCHEMA)?;
                tx.pragma_update(None, "application_id", APPLICATION_ID)?;
            }
            for upgrade in &UPGRADES[(version.max(1) - 1) as usize..] {
                tx.execute_batch(upgrade)?;
            }
            tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
            Ok(InitReport {
                from_version: version,
                version: SCHEMA_VERSION,
            })
        })?;
        Ok((db, report))
    }

    fn connect(path: &Path, flags: OpenFlags, busy_timeout: Duration) -> Result<Self> {
        let flags = flags | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags).map_err(|e| {
            Error::database(format!("cannot open database {}: {e}", path.display()))
        })?;
        conn.busy_timeout(busy_timeout)?;
        let db = Self {
            conn,
            path: path.to_owned(),
        };
        db.conn
            .query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))
            .map_err(|e| db.classify_open_error(e))?;
        db.conn.execute_batch(
            "PRAGMA synchronous = FULL;
             PRAGMA foreign_keys = ON;
             PRAGMA journal_size_limit = 67108864;",
        )?;
        Ok(db)
    }

    fn classify_open_error(&self, err: rusqlite::Error) -> Error {
        match err.sqlite_error_code() {
            Some(rusqlite::ErrorCode::NotADatabase) => not_stockflow(&self.path),
            _ => Error::from(err),
        }
    }

    fn identity(&self) -> Result<(i64, i64)> {
        let app = self
            .conn
            .query_row("PRAGMA application_id", [], |r| r.get(0))
            .map_err(|e| self.classify_open_error(e))?;
        let version = self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))?;
        Ok((app, version))
    }

    /// The underlying connection, for reads outside a transaction.
    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    /// Runs `f` in one `BEGIN IMMEDIATE` transaction: committed when `f`
    /// returns `Ok`, rolled back (nothing written) otherwise.
    pub fn write<T>(&mut self, f: impl FnOnce(&Transaction<'_>) -> Result<T>) -> Result<T> {
        let path = &self.path;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| match Error::from(e) {
                busy if busy.kind() == crate::Kind::Busy => Error::new(
                    crate::Kind::Busy,
                    format!(
                        "{} is locked by another writer; gave up waiting, try again",
                        path.display()
                    ),
                ),
                other => other,
            })?;
        let value = f(&tx)?;
        tx.commit()?;
        Ok(value)
    }

    /// Runs `f` in one read transaction, so every query sees the same snapshot.
    pub fn read<T>(&mut self, f: impl FnOnce(&Transaction<'_>) -> Result<T>) -> Result<T> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Deferred)?;
        f(&tx)
    }
}

fn not_stockflow(path: &Path) -> Error {
    Error::database(format!("{} is not a stockflow database", path.display()))
}

fn check_version(path: &Path, version: i64) -> Result<()> {
    if version > SCHEMA_VERSION {
        return Err(Error::database(format!(
            "{} has schema version {version}, newer than this stockflow understands ({SCHEMA_VERSION}); upgrade stockflow",
            path.display()
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn init_is_idempotent_and_open_refuses_missing_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.db");
        assert_eq!(
            Db::open(&path, DEFAULT_BUSY_TIMEOUT)
                .unwrap_err()
                .exit_code(),
            7
        );
        assert!(!path.exists());
        let (_, first) = Db::init(&path, DEFAULT_BUSY_TIMEOUT).unwrap();
        assert_eq!((first.from_version, first.version), (0, SCHEMA_VERSION));
        let (_, again) = Db::init(&path, DEFAULT_BUSY_TIMEOUT).unwrap();
        assert_eq!(again.from_version, SCHEMA_VERSION);
        let db = Db::open(&path, DEFAULT_BUSY_TIMEOUT).unwrap();
        let mode: String = db
            .conn()
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        let fk: i64 = db
            .conn()
            .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
            .unwrap();
        assert_eq!(fk, 1);
        let sync: i64 = db
            .conn()
            .query_row("PRAGMA synchronous", [], |r| r.get(0))
            .unwrap();
        assert_eq!(sync, 2, "synchronous=FULL");
    }

    #[test]
    fn foreign_sqlite_files_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("other.db");
        Connection::open(&path)
            .unwrap()
            .execute_batch("CREATE TABLE t (x)")
            .unwrap();
        assert!(
            Db::init(&path, DEFAULT_BUSY_TIMEOUT)
                .unwrap_err()
                .message()
                .contains("not a stockflow database")
        );
        assert!(
            Db::open(&path, DEFAULT_BUSY_TIMEOUT)
                .unwrap_err()
                .message()
                .contains("not a stockflow database")
        );
    }
}
