//! What `check` asks of the PostgreSQL engine itself.

/// The engine's own checks on PostgreSQL, which enforces every constraint
/// as it writes and keeps text valid UTF-8: no constraint left unvalidated,
/// no index left invalid (by a failed concurrent build).
pub(crate) const CHECKS: &[(&str, &str)] = &[
    (
        "SELECT 'constraint ' || conname || ' on ' || conrelid::regclass || ' is not validated' AS problem
         FROM pg_constraint
         WHERE NOT convalidated AND connamespace = current_schema()::regnamespace",
        "constraint",
    ),
    (
        "SELECT 'index ' || indexrelid::regclass || ' is not valid' AS problem
         FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
         WHERE NOT (i.indisvalid AND i.indisready)
           AND c.relnamespace = current_schema()::regnamespace",
        "index",
    ),
];
