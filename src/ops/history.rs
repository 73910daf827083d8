//! Reading the ledger: `stock history`, streamed newest first.

use rusqlite::ToSql;

use super::movement::Movement;
use crate::error::Result;
use crate::model::{CompanyId, Sku, Timestamp, WarehouseId};
use crate::store::{Db, Tx};

/// Filters for `stock history`.
#[derive(Debug, Clone, Default)]
pub struct HistoryFilter {
    /// Only this product (for a bundle: the movements made through it).
    pub sku: Option<Sku>,
    /// Only this warehouse.
    pub warehouse: Option<WarehouseId>,
    /// occurred_at >= since.
    pub since: Option<Timestamp>,
    /// occurred_at <= until.
    pub until: Option<Timestamp>,
    /// At most this many movements.
    pub limit: Option<i64>,
    /// Only this company's products.
    pub company: Option<CompanyId>,
    /// Only movements with a larger id, oldest first (a feed's cursor).
    pub after_id: Option<i64>,
}

/// Streams movements, newest first (by occurred_at, then id), into `f`;
/// with `after_id`, in id order instead.
pub fn history<T>(
    db: &mut Db,
    filter: &HistoryFilter,
    f: impl FnOnce(&mut dyn Iterator<Item = Result<Movement>>) -> Result<T>,
) -> Result<T> {
    db.read(|tx| {
        let (sql, args) = select(tx, filter)?;
        let args: Vec<&dyn ToSql> = args.iter().map(|a| &**a).collect();
        tx.stream(
            &sql,
            &args,
            |r| {
                Ok(Movement {
                    id: r.get(0)?,
                    product_id: r.get(1)?,
                    sku: r.get(2)?,
                    warehouse_id: r.get(3)?,
                    delta: r.get(4)?,
                    reason: r.get(5)?,
                    note: r.get(6)?,
                    reference: r.get(7)?,
                    actor: r.get(8)?,
                    occurred_at: r.get(9)?,
                    recorded_at: r.get(10)?,
                    bundle_sku: r.get(11)?,
                    quantity: None,
                    warehouse_name: r.get(12)?,
                })
            },
            f,
        )
    })
}

/// The history query for `filter` and its arguments.
fn select(tx: &Tx<'_>, filter: &HistoryFilter) -> Result<(String, Vec<Box<dyn ToSql>>)> {
    let mut sql = String::from(
        "SELECT m.id, m.product_id, p.sku, m.warehouse_id, m.delta, m.reason, m.note,
                m.reference, m.actor, m.occurred_at, m.recorded_at, b.sku, w.name
         FROM movement m JOIN product p ON p.id = m.product_id
         JOIN warehouse w ON w.id = m.warehouse_id
         LEFT JOIN product b ON b.id = m.bundle_id WHERE TRUE",
    );
    let mut args: Vec<Box<dyn ToSql>> = Vec::new();
    if let Some(sku) = &filter.sku {
        let product = super::lookup::product(tx, sku)?;
        sql.push_str(if product.is_bundle {
            " AND m.bundle_id = ?"
        } else {
            " AND m.product_id = ?"
        });
        args.push(Box::new(product.id));
    }
    if let Some(w) = filter.warehouse {
        super::lookup::warehouse(tx, w)?;
        sql.push_str(" AND m.warehouse_id = ?");
        args.push(Box::new(w));
    }
    if let Some(t) = filter.since {
        sql.push_str(" AND m.occurred_at >= ?");
        args.push(Box::new(t));
    }
    if let Some(t) = filter.until {
        sql.push_str(" AND m.occurred_at <= ?");
        args.push(Box::new(t));
    }
    if let Some(c) = filter.company {
        sql.push_str(" AND p.company_id = ?");
        args.push(Box::new(c));
    }
    if let Some(id) = filter.after_id {
        sql.push_str(" AND m.id > ? ORDER BY m.id LIMIT ?");
        args.push(Box::new(id));
    } else {
        sql.push_str(" ORDER BY m.occurred_at DESC, m.id DESC LIMIT ?");
    }
    args.push(Box::new(filter.limit.unwrap_or(i64::MAX)));
    Ok((sql, args))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Ctx;
    use crate::model::{CompanyId, Money, Quantity, Timestamp};
    use crate::ops::{bundle, catalog, product};

    fn plan(db: &mut Db, sku: &str) -> String {
        let filter = HistoryFilter {
            sku: Some(Sku::parse(sku).unwrap()),
            ..HistoryFilter::default()
        };
        db.read(|tx| {
            let (sql, args) = select(tx, &filter)?;
            let args: Vec<&dyn ToSql> = args.iter().map(|a| &**a).collect();
            let rows: Vec<String> =
                tx.query_map(&format!("EXPLAIN QUERY PLAN {sql}"), &args, |r| r.get(3))?;
            Ok(rows.join("\n"))
        })
        .unwrap()
    }

    #[test]
    fn history_of_a_bundle_never_scans_the_ledger() {
        let dir = tempfile::tempdir().unwrap();
        let (mut db, _) =
            Db::init(&dir.path().join("h.db"), crate::store::DEFAULT_BUSY_TIMEOUT).unwrap();
        let ctx = Ctx {
            now: Timestamp::parse("2026-01-01").unwrap(),
            actor: "t".to_owned(),
        };
        catalog::create_company(&mut db, &ctx, "Acme").unwrap();
        for sku in ["A", "KIT"] {
            let new = product::NewProduct {
                company: CompanyId(1),
                sku: Sku::parse(sku).unwrap(),
                name: sku.to_owned(),
                price: Money::parse("price", "1").unwrap(),
                product_type: None,
                threshold: None,
                stock: None,
            };
            product::create(&mut db, &ctx, &new).unwrap();
        }
        bundle::set(
            &mut db,
            &Sku::parse("KIT").unwrap(),
            &[(Sku::parse("A").unwrap(), Quantity(2))],
        )
        .unwrap();
        let bundle = plan(&mut db, "KIT");
        assert!(
            bundle.contains("SEARCH m USING INDEX movement_bundle (bundle_id=?)"),
            "{bundle}"
        );
        assert!(
            !bundle.contains("SCAN m") && !bundle.contains("TEMP B-TREE"),
            "{bundle}"
        );
        let plain = plan(&mut db, "A");
        assert!(!plain.contains("SCAN m"), "{plain}");
    }
}
