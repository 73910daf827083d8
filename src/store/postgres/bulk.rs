//! The PostgreSQL bulk path: movements already checked by the ledger go to
//! the server in one binary `COPY` per chunk, straight into the ledger table
//! (its constraints, foreign keys and triggers all apply; nothing is dropped
//! on a shared server). The rules were checked row by row by the same
//! `ops::ledger` code as on SQLite, naming each CSV line, so
//! a staging table would only be a second copy of every row.

use postgres::binary_copy::BinaryCopyInWriter;
use postgres::types::private::BytesMut;
use postgres::types::{IsNull, ToSql, Type, to_sql_checked};

use super::Tx;
use crate::error::Result;
use crate::model::{CompanyId, ProductId, Timestamp};
use crate::store::Owned;
use crate::store::ledger::{NewMovement, StockRow};
use crate::store::tables::Kind;

type BoxError = Box<dyn std::error::Error + Sync + Send>;

/// The ledger's columns in `COPY` order, with their types.
const COLUMNS: [Type; 10] = [
    Type::INT8,
    Type::INT8,
    Type::INT8,
    Type::TEXT,
    Type::TEXT,
    Type::TEXT,
    Type::TEXT,
    Type::INT8,
    Type::INT8,
    Type::INT8,
];

/// Appends `rows` to the ledger in one binary `COPY`, inside the caller's transaction.
pub(crate) fn copy_movements<'a>(
    tx: Tx<'_>,
    rows: &mut dyn Iterator<Item = NewMovement<'a>>,
    actor: &str,
    now: Timestamp,
) -> Result<u64> {
    let mut client = tx.client()?;
    let sink = client.copy_in(
        "COPY movement (product_id, warehouse_id, delta, reason, note, reference,
                        actor, occurred_at, recorded_at, bundle_id) FROM STDIN BINARY",
    )?;
    let mut writer = BinaryCopyInWriter::new(sink, &COLUMNS);
    let recorded_at = now.unix_seconds();
    super::storable_text("actor", actor)?;
    for m in rows {
        for text in [m.note, m.reference] {
            text.map_or(Ok(()), |t| super::storable_text("text", t))?;
        }
        writer.write(&[
            &m.product.get(),
            &m.warehouse.get(),
            &m.delta,
            &m.reason.as_str(),
            &m.note,
            &m.reference,
            &actor,
            &m.occurred_at.unix_seconds(),
            &recorded_at,
            &m.bundle.map(ProductId::get),
        ])?;
    }
    Ok(writer.finish()?)
}

/// Writes a batch's inventory rows in three statements whatever their number:
/// one binary `COPY` into a temporary table, one `UPDATE ... FROM` for the
/// rows that exist, one `INSERT ... SELECT` for the new ones (their
/// constraints and foreign keys checked by the server as for any insert),
/// instead of a round trip per row. The caller holds the inventory table
/// against other writers (a batch), so no row can appear meanwhile.
pub(crate) fn write_stock(tx: Tx<'_>, rows: &[StockRow]) -> Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let mut client = tx.client()?;
    client.batch_execute(
        "CREATE TEMPORARY TABLE stockflow_batch_stock (
             product_id BIGINT NOT NULL, warehouse_id BIGINT NOT NULL,
             company_id BIGINT, quantity BIGINT NOT NULL) ON COMMIT DROP",
    )?;
    let sink = client.copy_in(
        "COPY stockflow_batch_stock (product_id, warehouse_id, company_id, quantity)
         FROM STDIN BINARY",
    )?;
    let mut writer = BinaryCopyInWriter::new(sink, &[Type::INT8; 4]);
    for r in rows {
        writer.write(&[
            &r.product.get(),
            &r.warehouse.get(),
            &r.company.map(CompanyId::get),
            &r.quantity,
        ])?;
    }
    writer.finish()?;
    client.batch_execute(
        "UPDATE inventory i SET quantity = s.quantity FROM stockflow_batch_stock s
         WHERE s.company_id IS NULL
           AND i.product_id = s.product_id AND i.warehouse_id = s.warehouse_id;
         INSERT INTO inventory (product_id, warehouse_id, company_id, quantity)
         SELECT product_id, warehouse_id, company_id, quantity FROM stockflow_batch_stock
         WHERE company_id IS NOT NULL ORDER BY product_id, warehouse_id;
         DROP TABLE stockflow_batch_stock",
    )?;
    Ok(())
}

/// Writes `rows` (values as the other engine gave them) into `table` in one
/// binary `COPY`, inside the caller's transaction; returns the rows written.
pub(crate) fn copy_rows(
    tx: Tx<'_>,
    table: &str,
    columns: &[(&str, Kind)],
    rows: &mut dyn Iterator<Item = Result<Vec<Owned>>>,
) -> Result<u64> {
    let types: Vec<Type> = columns
        .iter()
        .map(|(_, kind)| match kind {
            Kind::Int => Type::INT8,
            Kind::Bool => Type::BOOL,
            Kind::Text => Type::TEXT,
            Kind::Bytes => Type::BYTEA,
        })
        .collect();
    let list: Vec<String> = columns.iter().map(|(c, _)| format!("\"{c}\"")).collect();
    let mut client = tx.client()?;
    let sink = client.copy_in(&format!(
        "COPY \"{table}\" ({}) FROM STDIN BINARY",
        list.join(", ")
    ))?;
    let mut writer = BinaryCopyInWriter::new(sink, &types);
    for row in rows {
        let row = row?;
        for value in &row {
            if let Owned::Text(t) = value {
                super::storable_text(&row_name(table, columns, &row), t)?;
            }
        }
        let cells: Vec<Cell<'_>> = row.iter().map(Cell).collect();
        let refs: Vec<&(dyn ToSql + Sync)> =
            cells.iter().map(|c| c as &(dyn ToSql + Sync)).collect();
        writer.write(&refs)?;
    }
    Ok(writer.finish()?)
}

/// A copied row as a message names it: `movement 17` (its id), else the table.
fn row_name(table: &str, columns: &[(&str, Kind)], row: &[Owned]) -> String {
    match (columns.first(), row.first()) {
        (Some(("id", _)), Some(Owned::Int(id))) => format!("{table} {id}: text"),
        _ => format!("{table} text"),
    }
}

/// Moves `table`'s id sequence past the largest id in it, so the next row
/// created on the server does not collide with a copied one. The id trigger
/// (`stockflow_next_id`) would do it before the next insert anyway; done here
/// the sequences are right the moment the copy commits, for any other tool.
pub(crate) fn advance_sequence(tx: Tx<'_>, table: &str) -> Result<()> {
    tx.client()?.batch_execute(&format!(
        "SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'),
                       coalesce((SELECT max(id) FROM \"{table}\"), 0) + 1, false)"
    ))?;
    Ok(())
}

/// A copied value, written as the column's type: exactly, or refused (a
/// boolean stored by SQLite as 0 or 1 goes to a `BOOLEAN` as itself).
#[derive(Debug)]
struct Cell<'a>(&'a Owned);

impl ToSql for Cell<'_> {
    fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> std::result::Result<IsNull, BoxError> {
        match (self.0, ty) {
            (Owned::Null, _) => Ok(IsNull::Yes),
            (Owned::Int(i), &Type::INT8) => i.to_sql(ty, out),
            (Owned::Int(i @ (0 | 1)), &Type::BOOL) => (*i == 1).to_sql(ty, out),
            (Owned::Bool(b), &Type::BOOL) => b.to_sql(ty, out),
            (Owned::Bool(b), &Type::INT8) => i64::from(*b).to_sql(ty, out),
            (Owned::Text(t), &Type::TEXT) => t.as_str().to_sql(ty, out),
            (Owned::Blob(b), &Type::BYTEA) => b.as_slice().to_sql(ty, out),
            _ => Err(format!("a stored value does not fit its {ty} column").into()),
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    to_sql_checked!();
}
