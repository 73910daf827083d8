//! What `check` asks of the SQLite engine itself.

use rusqlite::Connection;
use rusqlite::types::ValueRef;

use crate::error::Result;

/// The engine's own checks on SQLite: pages and indexes, and foreign keys
/// (which a batch may have skipped).
pub(crate) const CHECKS: &[(&str, &str)] = &[
    (
        "SELECT integrity_check AS problem FROM pragma_integrity_check WHERE integrity_check <> 'ok'",
        "integrity",
    ),
    (
        "SELECT \"table\" || ' row ' || coalesce(rowid, '?') || ' references missing ' || parent AS problem
         FROM pragma_foreign_key_check",
        "foreign key",
    ),
];

/// Every stored text is read as UTF-8 by the commands, so check reads every
/// text column too: one damaged byte in a note is found here, not by
/// `stock history` later.
pub(crate) fn text_is_utf8(conn: &Connection, problems: &mut Vec<String>) -> Result<()> {
    let tables: Vec<(String, Vec<String>)> = {
        let mut stmt = conn.prepare(
            "SELECT t.name, group_concat(c.name, char(31)) FROM sqlite_schema t
             JOIN pragma_table_info(t.name) c
             WHERE t.type = 'table' AND t.name NOT LIKE 'sqlite%' AND c.type = 'TEXT'
             GROUP BY t.name ORDER BY t.name",
        )?;
        let rows = stmt.query_map([], |r| {
            let columns: String = r.get(1)?;
            Ok((
                r.get(0)?,
                columns.split('\u{1f}').map(str::to_owned).collect(),
            ))
        })?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    for (table, columns) in tables {
        let list: Vec<String> = columns.iter().map(|c| format!("\"{c}\"")).collect();
        let mut stmt = conn.prepare(&format!("SELECT {} FROM \"{table}\"", list.join(", ")))?;
        let mut bad = vec![0u64; columns.len()];
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            for (i, count) in bad.iter_mut().enumerate() {
                if let ValueRef::Text(bytes) = row.get_ref(i)? {
                    *count += u64::from(std::str::from_utf8(bytes).is_err());
                }
            }
        }
        for (column, count) in columns.iter().zip(bad).filter(|(_, n)| *n > 0) {
            problems.push(format!(
                "text: {count} value(s) of {table}.{column} are not valid UTF-8"
            ));
        }
    }
    Ok(())
}
