//! The SQLite engine: opening the file and running transactions.
//!
//! Every connection gets the same discipline (WAL, `synchronous=FULL`, foreign
//! keys, a busy timeout), and every write goes through [`Db::write`], which
//! begins `IMMEDIATE`: concurrent writers queue on the busy timeout instead of
//! failing half-way with a lock upgrade error.
//!
//! A file is identified (`application_id`, `user_version`) by reads alone
//! before anything is written to it: switching to WAL rewrites the header, so
//! a command must never do it to another application's file. Only [`Db::init`]
//! creates a file or converts it.
//!
//! A new file gets the top-level `schema.sql`, the current schema; an older
//! file is brought to it by [`UPGRADES`], an append-only list applied in one
//! `IMMEDIATE` transaction. A test upgrades a version-1 file written by the
//! first release and compares it with a fresh one.

pub(crate) mod bulk;
pub(crate) mod check;
mod error;
pub mod sku_keys;
mod tx;
mod value;

pub(crate) use error::is_overflow;
pub use tx::{Row, Tx};

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};

use super::InitReport;
use crate::error::{Error, Kind, Result};

/// The current schema (version [`SCHEMA_VERSION`]), embedded in the binary:
/// what `init` runs on a new file.
pub const SCHEMA: &str = include_str!("../../../schema.sql");

/// One schema upgrade (cargo's `Migration`): SQL, or Rust for what SQL alone
/// cannot do (rewriting values with the library's own rules).
#[derive(Debug, Clone, Copy)]
pub enum Upgrade {
    /// Statements run as one batch.
    Sql(&'static str),
    /// A function run inside the upgrade's transaction.
    Rust(fn(&Transaction<'_>) -> Result<()>),
}

/// The upgrades of older files, append-only: `UPGRADES[i]` takes a database
/// from version `i + 1` to `i + 2`. A schema change is one new entry here and
/// the same change in `schema.sql` (whose header names the version); never
/// edit or reorder a published entry.
pub const UPGRADES: &[Upgrade] = &[
    // 2: `stock history --sku BUNDLE` finds a bundle's movements without a
    // scan of the ledger, newest first.
    Upgrade::Sql(
        "CREATE INDEX movement_bundle ON movement (bundle_id, occurred_at) WHERE bundle_id IS NOT NULL;",
    ),
    // 3: SKU keys become NFKC case folds (`model::sku_key`); version 1 and 2
    // keyed them with `to_lowercase`, which differs beyond ASCII.
    Upgrade::Rust(sku_keys::rekey),
    // 4: API tokens (only a SHA-256 of each is stored) and the idempotency
    // keys of API writes, kept with the stored response (`stockflow serve`).
    Upgrade::Sql(
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
    ),
    // 5: PostgreSQL's flags become BOOLEAN; nothing changes in a SQLite
    // file (its flags stay 0/1 integers), but both engines keep one version
    // number.
    Upgrade::Sql(""),
    // 6: purchasing (SPEC section 11): terms of supply on the supplier link
    // and a max on the pair's threshold (both tables rebuilt, so an upgraded
    // file has schema.sql's text), purchase orders, their lines, and which
    // receipt movement received which line.
    Upgrade::Sql(
        "ALTER TABLE product_supplier RENAME TO product_supplier_v5;
         CREATE TABLE product_supplier (
             product_id     INTEGER NOT NULL,
             supplier_id    INTEGER NOT NULL,
             company_id     INTEGER NOT NULL,
             is_primary     INTEGER NOT NULL DEFAULT 0 CHECK (is_primary BETWEEN 0 AND 1),
             lead_time_days INTEGER CHECK (lead_time_days >= 0),
             cost_cents     INTEGER CHECK (cost_cents BETWEEN 0 AND 9999999999),
             pack_size          INTEGER NOT NULL DEFAULT 1 CHECK (pack_size BETWEEN 1 AND 1000000000),
             min_order_quantity INTEGER NOT NULL DEFAULT 0 CHECK (min_order_quantity BETWEEN 0 AND 1000000000),
             PRIMARY KEY (product_id, supplier_id),
             FOREIGN KEY (product_id, company_id) REFERENCES product (id, company_id),
             FOREIGN KEY (supplier_id, company_id) REFERENCES supplier (id, company_id)
         ) STRICT, WITHOUT ROWID;
         INSERT INTO product_supplier (product_id, supplier_id, company_id, is_primary, lead_time_days, cost_cents)
             SELECT product_id, supplier_id, company_id, is_primary, lead_time_days, cost_cents FROM product_supplier_v5;
         DROP TABLE product_supplier_v5;
         CREATE UNIQUE INDEX product_one_primary_supplier ON product_supplier (product_id) WHERE is_primary = 1;
         CREATE INDEX product_supplier_supplier ON product_supplier (supplier_id);
         ALTER TABLE location_threshold RENAME TO location_threshold_v5;
         CREATE TABLE location_threshold (
             product_id   INTEGER NOT NULL,
             warehouse_id INTEGER NOT NULL,
             company_id   INTEGER NOT NULL,
             quantity     INTEGER NOT NULL CHECK (quantity >= 0),
             max_quantity INTEGER CHECK (max_quantity >= quantity),
             PRIMARY KEY (product_id, warehouse_id),
             FOREIGN KEY (product_id, company_id) REFERENCES product (id, company_id),
             FOREIGN KEY (warehouse_id, company_id) REFERENCES warehouse (id, company_id)
         ) STRICT, WITHOUT ROWID;
         INSERT INTO location_threshold (product_id, warehouse_id, company_id, quantity)
             SELECT product_id, warehouse_id, company_id, quantity FROM location_threshold_v5;
         DROP TABLE location_threshold_v5;
         CREATE TABLE purchase_order (
             id                INTEGER PRIMARY KEY,
             company_id        INTEGER NOT NULL REFERENCES company (id),
             supplier_id       INTEGER NOT NULL,
             warehouse_id      INTEGER NOT NULL,
             status            TEXT    NOT NULL CHECK (status IN ('open', 'received', 'closed')),
             reference         TEXT CHECK (length(reference) <= 1000),
             ordered_at        INTEGER NOT NULL,
             expected_at       INTEGER,
             first_received_at INTEGER,
             closed_at         INTEGER,
             created_at        INTEGER NOT NULL,
             UNIQUE (id, company_id),
             FOREIGN KEY (supplier_id, company_id) REFERENCES supplier (id, company_id),
             FOREIGN KEY (warehouse_id, company_id) REFERENCES warehouse (id, company_id)
         ) STRICT;
         CREATE INDEX purchase_order_company ON purchase_order (company_id, status);
         CREATE INDEX purchase_order_supplier ON purchase_order (supplier_id, ordered_at);
         CREATE INDEX purchase_order_open ON purchase_order (warehouse_id) WHERE status = 'open';

         CREATE TABLE purchase_order_line (
             order_id        INTEGER NOT NULL,
             product_id      INTEGER NOT NULL,
             company_id      INTEGER NOT NULL,
             line_no         INTEGER NOT NULL CHECK (line_no >= 1),
             quantity        INTEGER NOT NULL CHECK (quantity BETWEEN 1 AND 1000000000000),
             received        INTEGER NOT NULL DEFAULT 0 CHECK (received BETWEEN 0 AND quantity),
             unit_cost_cents INTEGER CHECK (unit_cost_cents BETWEEN 0 AND 9999999999),
             PRIMARY KEY (order_id, product_id),
             UNIQUE (order_id, line_no),
             FOREIGN KEY (order_id, company_id) REFERENCES purchase_order (id, company_id),
             FOREIGN KEY (product_id, company_id) REFERENCES product (id, company_id)
         ) STRICT, WITHOUT ROWID;
         CREATE INDEX purchase_order_line_product ON purchase_order_line (product_id);

         CREATE TABLE purchase_receipt (
             movement_id INTEGER PRIMARY KEY REFERENCES movement (id),
             order_id    INTEGER NOT NULL,
             product_id  INTEGER NOT NULL,
             FOREIGN KEY (order_id, product_id) REFERENCES purchase_order_line (order_id, product_id)
         ) STRICT;
         CREATE INDEX purchase_receipt_line ON purchase_receipt (order_id, product_id);",
    ),
];

/// The schema version this build writes (`PRAGMA user_version`).
pub const SCHEMA_VERSION: i64 = 1 + UPGRADES.len() as i64;

/// Marks a file as a stockflow database (`PRAGMA application_id`, "STKF").
const APPLICATION_ID: i64 = 0x5354_4b46;

/// An open stockflow database.
#[derive(Debug)]
pub struct Db {
    conn: Connection,
    path: PathBuf,
}

impl Db {
    /// Opens an existing stockflow database; never creates, converts or
    /// writes to a file that is not one.
    pub fn open(path: &Path, busy_timeout: Duration) -> Result<Self> {
        check_path(path)?;
        if !path.exists() {
            return Err(Error::database(format!(
                "no database at {} (run `stockflow init` to create it)",
                path.display()
            )));
        }
        let db = Self::connect(path, OpenFlags::SQLITE_OPEN_READ_WRITE, busy_timeout)?;
        let Identity { app, version, .. } = db.identity()?;
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
        db.discipline(busy_timeout)?;
        Ok(db)
    }

    /// Creates the database, or upgrades it; running it again changes nothing.
    /// A failed upgrade leaves the file as it was.
    pub fn init(path: &Path, busy_timeout: Duration) -> Result<(Self, InitReport)> {
        check_path(path)?;
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE;
        let mut db = Self::connect(path, flags, busy_timeout)?;
        // Before anything is written: the file may be another application's.
        refuse_foreign(path, db.identity()?)?;
        db.discipline(busy_timeout)?;
        let report = db.write(|tx| {
            // Again inside the transaction: another process may have been first.
            let id = identity_of(tx)?;
            refuse_foreign(path, id)?;
            let version = id.version;
            if version == 0 {
                tx.execute_batch(SCHEMA)?;
                tx.pragma_update(None, "application_id", APPLICATION_ID)?;
                tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
            } else {
                upgrade(tx, path, version, UPGRADES)?;
            }
            Ok(InitReport {
                from_version: version,
                version: SCHEMA_VERSION,
            })
        })?;
        Ok((db, report))
    }

    /// Opens the file without writing anything to it.
    fn connect(path: &Path, flags: OpenFlags, busy_timeout: Duration) -> Result<Self> {
        let flags = flags | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags).map_err(|e| {
            Error::database(format!("cannot open database {}: {e}", path.display()))
        })?;
        conn.busy_timeout(busy_timeout)?;
        Ok(Self {
            conn,
            path: path.to_owned(),
        })
    }

    /// WAL, `synchronous=FULL`, foreign keys: only once the file is known to be ours.
    fn discipline(&self, busy_timeout: Duration) -> Result<()> {
        // Switching a new file to WAL can meet another process's lock in a
        // way SQLite's busy handler does not wait for (a lock upgrade it
        // reports at once): wait for it here, up to the same timeout.
        let deadline = Instant::now() + busy_timeout;
        loop {
            match self
                .conn
                .query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))
            {
                Ok(()) => break,
                Err(e) if is_busy(&e) && Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(5));
                }
                Err(e) => return Err(self.classify_open_error(e)),
            }
        }
        self.conn.execute_batch(
            "PRAGMA synchronous = FULL;
             PRAGMA foreign_keys = ON;
             PRAGMA journal_size_limit = 67108864;",
        )?;
        Ok(())
    }

    fn classify_open_error(&self, err: rusqlite::Error) -> Error {
        match err.sqlite_error_code() {
            Some(rusqlite::ErrorCode::NotADatabase) => not_stockflow(&self.path),
            Some(rusqlite::ErrorCode::ReadOnly | rusqlite::ErrorCode::CannotOpen) => {
                Error::database(format!(
                    "cannot use {}: {err} (stockflow needs to write the file and, beside it, its -wal and -shm files: is the file or its directory read-only?)",
                    self.path.display()
                ))
            }
            _ => Error::from(err),
        }
    }

    fn identity(&self) -> Result<Identity> {
        identity_of(&self.conn).map_err(|e| self.classify_open_error(e))
    }

    /// The underlying connection, for reads outside a transaction.
    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    /// Maps the file (`mmap_size`) for a connection that lives across
    /// requests: pages are read through the OS page cache without a copy or
    /// a system call per page.
    pub fn tune_for_long_lived_reader(&self) -> Result<()> {
        Ok(self
            .conn
            .query_row("PRAGMA mmap_size = 1073741824", [], |_| Ok(()))?)
    }

    /// A handle that stops this connection's running statement at its next
    /// step, from any thread.
    pub fn interrupt_handle(&self) -> Interrupt {
        Interrupt(self.conn.get_interrupt_handle())
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Runs `f` in one `BEGIN IMMEDIATE` transaction: committed when `f`
    /// returns `Ok`, rolled back (nothing written) otherwise.
    pub fn write<T>(&mut self, f: impl FnOnce(&Transaction<'_>) -> Result<T>) -> Result<T> {
        let path = &self.path;
        // SQLite opens a write-protected file read-only without a word.
        if self.conn.is_readonly(rusqlite::MAIN_DB)? {
            return Err(Error::database(format!(
                "cannot write {}: the file is read-only (check its permissions)",
                path.display()
            )));
        }
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| match Error::from(e) {
                busy if busy.kind() == Kind::Busy => Error::new(
                    Kind::Busy,
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

    /// Like [`Db::write`], with SQLite's foreign-key enforcement off for the
    /// transaction: for a batch that looks up every row it refers to (each
    /// SKU, each warehouse with its company) inside that same transaction, so
    /// SQLite's own look-ups per insert would repeat them (11% of a
    /// 9-million-movement batch). Nothing is ever deleted from the referenced
    /// tables, and `check` verifies every foreign key.
    pub fn write_checked_by_caller<T>(
        &mut self,
        f: impl FnOnce(&Transaction<'_>) -> Result<T>,
    ) -> Result<T> {
        // Only settable outside a transaction.
        self.conn.pragma_update(None, "foreign_keys", false)?;
        let result = self.write(f);
        self.conn.pragma_update(None, "foreign_keys", true)?;
        result
    }

    /// Runs `f` in one read transaction, so every query sees the same snapshot.
    pub fn read<T>(&mut self, f: impl FnOnce(&Transaction<'_>) -> Result<T>) -> Result<T> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Deferred)?;
        f(&tx)
    }
}

/// Stops a connection's running statement from any thread.
pub struct Interrupt(rusqlite::InterruptHandle);

impl Interrupt {
    /// Interrupts the statement running now, if any.
    pub fn interrupt(&self) {
        self.0.interrupt();
    }
}

impl std::fmt::Debug for Interrupt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("sqlite::Interrupt")
    }
}

/// What a copy target file holds, read without writing a byte of it (no
/// WAL switch, no upgrade): refused unless it is new, empty (0 bytes), or an
/// empty stockflow database of the current version. Another writer may still
/// fill it before the copy's own transaction, which checks again.
pub fn refuse_copy_target(path: &Path) -> Result<()> {
    check_path(path)?;
    if std::fs::metadata(path).map_or(true, |m| m.len() == 0) {
        return Ok(());
    }
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| Error::database(format!("cannot open {}: {e}", path.display())))?;
    let read = |e: rusqlite::Error| match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::NotADatabase) => not_stockflow(path),
        _ => Error::database(format!("cannot read {}: {e}", path.display())),
    };
    let id = identity_of(&conn).map_err(read)?;
    refuse_foreign(path, id)?;
    if id.app != APPLICATION_ID {
        // An empty SQLite file of nobody's: init makes it ours.
        return Ok(());
    }
    if id.version < SCHEMA_VERSION {
        return Err(Error::database(format!(
            "{} has schema version {}, older than this stockflow's {SCHEMA_VERSION}; copy writes only into a new or empty database and never upgrades one (give a new file)",
            path.display(),
            id.version
        )));
    }
    for (table, _, _) in super::tables::TABLES {
        let rows: i64 = conn
            .query_row(&format!("SELECT count(*) AS n FROM \"{table}\""), [], |r| {
                r.get("n")
            })
            .map_err(read)?;
        if rows > 0 {
            return Err(Error::conflict(format!(
                "{} is not empty ({rows} row(s) in {table}); copy writes only into a new or empty database",
                path.display()
            )));
        }
    }
    Ok(())
}

/// What a file is, read (by reads alone) in one statement, so one snapshot.
#[derive(Debug, Clone, Copy)]
struct Identity {
    app: i64,
    version: i64,
    objects: i64,
}

fn identity_of(conn: &Connection) -> rusqlite::Result<Identity> {
    conn.query_row(
        "SELECT (SELECT application_id FROM pragma_application_id),
                (SELECT user_version FROM pragma_user_version),
                (SELECT count(*) FROM sqlite_schema)",
        [],
        |r| {
            Ok(Identity {
                app: r.get(0)?,
                version: r.get(1)?,
                objects: r.get(2)?,
            })
        },
    )
}

/// A file that is not ours and not empty (it has tables or a version) is
/// another application's; then the version must be one this build knows.
fn refuse_foreign(path: &Path, id: Identity) -> Result<()> {
    if id.app != APPLICATION_ID && (id.objects > 0 || id.version != 0) {
        return Err(not_stockflow(path));
    }
    check_version(path, id.version)
}

/// Runs every upgrade of `steps` after version `from`, then records the new version.
fn upgrade(tx: &Transaction<'_>, path: &Path, from: i64, steps: &[Upgrade]) -> Result<()> {
    let done = usize::try_from(from - 1).unwrap_or(0);
    for (to, step) in (from + 1..).zip(steps.iter().skip(done)) {
        let ran = match step {
            Upgrade::Sql(sql) => tx.execute_batch(sql).map_err(Error::from),
            Upgrade::Rust(run) => run(tx),
        };
        ran.map_err(|e| {
            Error::database(format!(
                "cannot upgrade {} to schema version {to} (the file is unchanged): {}",
                path.display(),
                e.message()
            ))
        })?;
    }
    tx.pragma_update(None, "user_version", 1 + steps.len() as i64)?;
    Ok(())
}

/// Refuses what SQLite would not keep in a file: `:memory:`, an empty name
/// (a temporary database), and `file:` URIs (whose options could open the
/// file read-only, in memory or elsewhere than the path every command checks).
fn check_path(path: &Path) -> Result<()> {
    let text = path.to_string_lossy();
    if text.is_empty() || text == ":memory:" {
        return Err(Error::invalid(format!(
            "the database must be a file, not {text:?}: an in-memory database would vanish when stockflow exits"
        )));
    }
    if text
        .get(..5)
        .is_some_and(|s| s.eq_ignore_ascii_case("file:"))
    {
        return Err(Error::invalid(format!(
            "the database must be a file path, not a URI: {text} (for a file of that name write ./{text})"
        )));
    }
    Ok(())
}

fn is_busy(err: &rusqlite::Error) -> bool {
    matches!(
        err.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    )
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
    use crate::store::DEFAULT_BUSY_TIMEOUT;

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
    fn schema_sql_declares_the_version_the_upgrades_reach() {
        let header = format!("version {SCHEMA_VERSION} (PRAGMA user_version = {SCHEMA_VERSION})");
        assert!(SCHEMA.lines().next().unwrap().contains(&header), "{header}");
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

    fn note_in_rust(tx: &Transaction<'_>) -> Result<()> {
        tx.execute("INSERT INTO t VALUES ('from rust')", [])?;
        Ok(())
    }

    fn fail_in_rust(_: &Transaction<'_>) -> Result<()> {
        Err(Error::invalid("no"))
    }

    #[test]
    fn upgrades_run_sql_and_rust_after_the_version_and_all_or_nothing() {
        let mut conn = Connection::open_in_memory().unwrap();
        let path = Path::new("mem.db");
        let steps = [
            Upgrade::Sql("CREATE TABLE t (x TEXT);"),
            Upgrade::Rust(note_in_rust),
            Upgrade::Sql("INSERT INTO t VALUES ('last');"),
        ];
        let tx = conn.transaction().unwrap();
        upgrade(&tx, path, 1, &steps).unwrap();
        tx.commit().unwrap();
        let rows: Vec<String> = conn
            .prepare("SELECT x FROM t")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(rows, ["from rust", "last"]);
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(version, 4);
        // From version 3, only the third step runs.
        let tx = conn.transaction().unwrap();
        upgrade(&tx, path, 3, &steps).unwrap();
        let count: i64 = tx
            .query_row("SELECT count(*) FROM t", [], |r| r.get(0))
            .unwrap();
        assert_eq!(count, 3);
        drop(tx);
        // A failing step: exit 7 naming the version, and the caller's
        // transaction rolls back every step.
        let failing = [
            Upgrade::Sql("CREATE TABLE u (x);"),
            Upgrade::Rust(fail_in_rust),
        ];
        let tx = conn.transaction().unwrap();
        let err = upgrade(&tx, path, 1, &failing).unwrap_err();
        assert_eq!(err.exit_code(), 7);
        assert!(
            err.message()
                .contains("to schema version 3 (the file is unchanged)"),
            "{err}"
        );
        drop(tx);
        let u: i64 = conn
            .query_row(
                "SELECT count(*) FROM sqlite_schema WHERE name = 'u'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(u, 0);
    }
}
