//! `check`: verifies what the schema alone cannot prove, and what damage or a
//! hand edit could have broken.

use serde::Serialize;

use crate::error::Result;
use crate::store::{Db, Tx};

/// The outcome of `check`.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// True when no problem was found.
    pub ok: bool,
    /// One line per problem.
    pub problems: Vec<String>,
}

/// Runs every check inside one read snapshot.
pub fn run(db: &mut Db) -> Result<Report> {
    db.read(|tx| {
        let problems = problems(tx)?;
        Ok(Report {
            ok: problems.is_empty(),
            problems,
        })
    })
}

/// Every problem `check` finds on `conn`, which may be inside a write
/// transaction (`copy` checks its target before it commits).
pub(crate) fn problems(conn: &Tx<'_>) -> Result<Vec<String>> {
    let mut problems = Vec::new();
    for (sql, what) in conn.engine_checks().iter().chain(CHECKS) {
        collect(conn, sql, what, &mut problems)?;
    }
    conn.engine_problems(&mut problems)?;
    Ok(problems)
}

/// Each query yields one text row per problem, on either engine.
const CHECKS: &[(&str, &str)] = &[
    (
        "SELECT 'product ' || i.product_id || ' in warehouse ' || i.warehouse_id || ': inventory says '
                || i.quantity || ', ledger sums to ' || coalesce(m.total, 0)
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
                || quantity FROM inventory WHERE quantity < 0",
        "negative stock",
    ),
    (
        "WITH RECURSIVE reach(bundle_id, component_id) AS (
             SELECT bundle_id, component_id FROM bundle_component
             UNION SELECT r.bundle_id, bc.component_id FROM reach r
                   JOIN bundle_component bc ON bc.bundle_id = r.component_id)
         SELECT 'bundle ' || p.sku || ' contains itself' FROM reach r
         JOIN product p ON p.id = r.bundle_id WHERE r.bundle_id = r.component_id",
        "bundle cycle",
    ),
    (
        "SELECT 'product ' || product_id || ' has ' || count(*) || ' primary suppliers'
         FROM product_supplier WHERE is_primary = 1 GROUP BY product_id HAVING count(*) > 1",
        "primary supplier",
    ),
];

/// Runs one check; a query that cannot finish on the stored data (SQLite's
/// `sum()` past 64 bits) is itself a problem found, not a crash.
fn collect(conn: &Tx<'_>, sql: &str, what: &str, problems: &mut Vec<String>) -> Result<()> {
    match conn.query_map(sql, &[], |r| r.get::<String>(0)) {
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
