//! What `copy` asks of each side: whether the target holds rows, and each
//! table streamed from the source into the target, ids and all (the target
//! engine's bulk path: one prepared insert on SQLite, binary `COPY` on
//! PostgreSQL).

use super::tables::{TABLES, Table};
use super::{Owned, Tx};
use crate::error::Result;

/// The first table of the target that holds rows, and how many.
pub fn first_rows(dst: &Tx<'_>) -> Result<Option<(&'static str, i64)>> {
    for (table, _, _) in TABLES {
        let rows: i64 = dst.query_row(
            &format!("SELECT count(*) AS n FROM \"{table}\""),
            &[],
            |r| r.get("n"),
        )?;
        if rows > 0 {
            return Ok(Some((table, rows)));
        }
    }
    Ok(None)
}

/// Streams one table from `src` into `dst`, ids and all; returns the rows written.
pub fn table(src: &Tx<'_>, dst: &Tx<'_>, table: &Table) -> Result<u64> {
    let (name, _, columns) = *table;
    let list: Vec<String> = columns.iter().map(|(c, _)| format!("\"{c}\"")).collect();
    let list = list.join(", ");
    let select = format!("SELECT {list} FROM \"{name}\" ORDER BY 1, 2");
    // By position: the select is built from the same list, so they cannot
    // drift, and a ledger of millions of rows is not looked up by name.
    let width = columns.len();
    let read = |r: &super::Row<'_>| -> Result<Vec<Owned>> {
        (0..width).map(|i| r.get::<Owned>(i)).collect()
    };
    // The last id read, so any failure names the row it stopped at.
    let last = std::cell::Cell::new(None);
    let has_id = table.1;
    src.stream(
        &select,
        &[],
        read,
        |rows: &mut dyn Iterator<Item = Result<Vec<Owned>>>| {
            let mut rows = rows.inspect(|row| {
                if let (true, Ok(row)) = (has_id, row)
                    && let Some(Owned::Int(id)) = row.first()
                {
                    last.set(Some(*id));
                }
            });
            dst.load(table, &mut rows)
        },
    )
    .map_err(|e| match last.get() {
        Some(id) if !e.message().starts_with(name) => {
            e.context(format!("copying {name} (stopped at {name} {id})"))
        }
        _ => e,
    })
}

#[cfg(test)]
mod tests {
    use crate::store::tables::Kind::{Bool, Bytes, Int, Text};
    use crate::store::tables::TABLES;

    /// The copy list is the schema: every table, every column, in order, of
    /// the kind SQLite declares (the PostgreSQL schema is compared with
    /// SQLite's by `tests/cli/postgres.rs`).
    #[test]
    fn the_table_list_is_the_whole_sqlite_schema() {
        let dir = tempfile::tempdir().unwrap();
        let (db, _) = super::super::sqlite::Db::init(
            &dir.path().join("c.db"),
            super::super::DEFAULT_BUSY_TIMEOUT,
        )
        .unwrap();
        let conn = db.conn();
        let mut names: Vec<String> = conn
            .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let mut listed: Vec<String> = TABLES.iter().map(|t| t.0.to_owned()).collect();
        names.sort();
        listed.sort();
        assert_eq!(listed, names);
        for (table, has_id, columns) in TABLES {
            let declared: Vec<(String, String)> = conn
                .prepare("SELECT name, type FROM pragma_table_info(?1) ORDER BY cid")
                .unwrap()
                .query_map([table], |r| Ok((r.get(0)?, r.get(1)?)))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap();
            let expected: Vec<(String, String)> = columns
                .iter()
                .map(|(c, kind)| {
                    let ty = match kind {
                        Int | Bool => "INTEGER",
                        Text => "TEXT",
                        Bytes => "BLOB",
                    };
                    ((*c).to_owned(), ty.to_owned())
                })
                .collect();
            assert_eq!(expected, declared, "{table}");
            assert_eq!(*has_id, columns[0].0 == "id", "{table}");
        }
    }
}
