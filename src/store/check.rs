//! What `check` verifies on either engine beyond the schema: each query
//! yields one text row (`problem`) per problem found; the engines add their
//! own integrity checks.

use super::{Tx, postgres, sqlite};
use crate::error::Result;

/// Every problem `check` finds on `conn`, which may be inside a write
/// transaction (`copy` checks its target before it commits).
pub fn problems(conn: &Tx<'_>) -> Result<Vec<String>> {
    let engine = match conn {
        Tx::Sqlite(_) => sqlite::check::CHECKS,
        Tx::Postgres(_) => postgres::check::CHECKS,
    };
    let mut problems = Vec::new();
    for (sql, what) in engine.iter().chain(CHECKS) {
        collect(conn, sql, what, &mut problems)?;
    }
    if let Tx::Sqlite(c) = conn {
        sqlite::check::text_is_utf8(c.conn(), &mut problems)?;
    }
    Ok(problems)
}

/// Each query yields one text row per problem, on either engine.
const CHECKS: &[(&str, &str)] = &[
    (
        "SELECT 'product ' || i.product_id || ' in warehouse ' || i.warehouse_id || ': inventory says '
                || i.quantity || ', ledger sums to ' || coalesce(m.total, 0) AS problem
         FROM inventory i LEFT JOIN (
             SELECT product_id, warehouse_id, sum(delta) AS total FROM movement
             GROUP BY product_id, warehouse_id) m
           ON m.product_id = i.product_id AND m.warehouse_id = i.warehouse_id
         WHERE i.quantity <> coalesce(m.total, 0)
         UNION ALL
         SELECT 'product ' || m.product_id || ' in warehouse ' || m.warehouse_id
                || ': ledger sums to ' || sum(m.delta) || ' but there is no inventory row'
         FROM movement m WHERE NOT EXISTS (SELECT 1 FROM inventory i
             WHERE i.product_id = m.product_id AND i.warehouse_id = m.warehouse_id)
         GROUP BY m.product_id, m.warehouse_id",
        "ledger",
    ),
    (
        "SELECT 'product ' || product_id || ' in warehouse ' || warehouse_id || ' has negative stock '
                || quantity AS problem FROM inventory WHERE quantity < 0",
        "negative stock",
    ),
    (
        "WITH RECURSIVE reach(bundle_id, component_id) AS (
             SELECT bundle_id, component_id FROM bundle_component
             UNION SELECT r.bundle_id, bc.component_id FROM reach r
                   JOIN bundle_component bc ON bc.bundle_id = r.component_id)
         SELECT 'bundle ' || p.sku || ' contains itself' AS problem FROM reach r
         JOIN product p ON p.id = r.bundle_id WHERE r.bundle_id = r.component_id",
        "bundle cycle",
    ),
    (
        "SELECT 'product ' || product_id || ' has ' || count(*) || ' primary suppliers' AS problem
         FROM product_supplier WHERE is_primary GROUP BY product_id HAVING count(*) > 1",
        "primary supplier",
    ),
];

/// Runs one check; a query that cannot finish on the stored data (SQLite's
/// `sum()` past 64 bits) is itself a problem found, not a crash.
fn collect(conn: &Tx<'_>, sql: &str, what: &str, problems: &mut Vec<String>) -> Result<()> {
    match conn.query_map(sql, &[], |r| r.get::<String>("problem")) {
        Ok(rows) => problems.extend(rows.into_iter().map(|p| format!("{what}: {p}"))),
        Err(e) if crate::store::is_overflow(&e) => {
            let cause = std::error::Error::source(&e).map_or(e.to_string(), |c| c.to_string());
            problems.push(format!(
                "{what}: the stored values cannot be checked: {cause}"
            ));
        }
        Err(e) => return Err(e),
    }
    Ok(())
}
