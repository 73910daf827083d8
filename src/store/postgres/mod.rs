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
mod connect;
mod error;
mod tx;
mod value;

pub use connect::{CancelToken, Db};
pub(crate) use error::is_overflow;
pub use tx::Tx;
pub use value::Row;
pub(crate) use value::storable_text;

/// The current schema (version [`SCHEMA_VERSION`](crate::store::SCHEMA_VERSION)): what `init` runs on an
/// empty database.
pub const SCHEMA: &str = include_str!("../../../schema.postgres.sql");

/// The first schema version the PostgreSQL engine had (SQLite's version 4).
pub const OLDEST: i64 = 4;

/// The upgrades of older databases, append-only, as SQL: `UPGRADES[i]` takes
/// a database from version `OLDEST + i` to `OLDEST + i + 1`. Each SQLite
/// upgrade after version 4 gets its PostgreSQL twin here (and the same change
/// in `schema.postgres.sql`), so both engines keep one version number.
pub const UPGRADES: &[&str] = &[
    // 5: the flags (product.is_bundle, product.archived,
    // product_supplier.is_primary) become BOOLEAN, no longer integers
    // checked to be 0 or 1; the one-primary index is rebuilt on the boolean.
    "ALTER TABLE product
         DROP CONSTRAINT product_is_bundle_check, DROP CONSTRAINT product_archived_check,
         ALTER COLUMN is_bundle DROP DEFAULT, ALTER COLUMN archived DROP DEFAULT;
     ALTER TABLE product
         ALTER COLUMN is_bundle TYPE BOOLEAN USING (is_bundle <> 0),
         ALTER COLUMN archived TYPE BOOLEAN USING (archived <> 0),
         ALTER COLUMN is_bundle SET DEFAULT FALSE, ALTER COLUMN archived SET DEFAULT FALSE;
     DROP INDEX product_one_primary_supplier;
     ALTER TABLE product_supplier
         DROP CONSTRAINT product_supplier_is_primary_check,
         ALTER COLUMN is_primary DROP DEFAULT;
     ALTER TABLE product_supplier
         ALTER COLUMN is_primary TYPE BOOLEAN USING (is_primary <> 0),
         ALTER COLUMN is_primary SET DEFAULT FALSE;
     CREATE UNIQUE INDEX product_one_primary_supplier ON product_supplier (product_id)
         WHERE is_primary;",
];

/// The advisory lock `init` holds while it creates or upgrades the schema.
const INIT_LOCK: i64 = 0x5354_4b46;

/// The advisory lock a transaction holds from its first movement to its
/// commit, so movement ids are given out in commit order.
const LEDGER_LOCK: i64 = 0x5354_4b4c;

/// How many times a transaction that met a deadlock or a serialization
/// failure runs before the failure is `busy`.
const ATTEMPTS: u32 = 4;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::SCHEMA_VERSION;

    #[test]
    fn the_oldest_version_and_upgrades_reach_the_sqlite_version() {
        assert_eq!(OLDEST + UPGRADES.len() as i64, SCHEMA_VERSION);
        let header = format!("current schema on PostgreSQL, version {SCHEMA_VERSION}:");
        assert!(SCHEMA.lines().next().unwrap().contains(&header), "{header}");
    }
}
