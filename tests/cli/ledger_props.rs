//! Property test through the library: random sequences of adjust, transfer,
//! count, bundle-sale and CSV batch operations, valid and invalid, keep the
//! books right; a batch is all or nothing. It runs on the engine under test
//! (`STOCKFLOW_TEST_ENGINE`), with fewer cases on PostgreSQL, where each
//! step's `check` is a round of server queries.

use proptest::prelude::*;
use stockflow::Ctx;
use stockflow::model::{CompanyId, Delta, Money, Quantity, Reason, Sku, Timestamp, WarehouseId};
use stockflow::ops::{bundle, catalog, check, product, progress, stock};
use stockflow::store::{DEFAULT_BUSY_TIMEOUT, Db};

use crate::support::{Engine, Sf, engine};

/// How many random sequences: each is a fresh database and up to 24 steps.
fn cases() -> u32 {
    match engine() {
        Engine::Sqlite => 24,
        Engine::Postgres => 10,
    }
}

#[derive(Debug, Clone)]
enum Op {
    Adjust {
        sku: usize,
        warehouse: i64,
        delta: i64,
        reason: Reason,
    },
    Transfer {
        sku: usize,
        from: i64,
        to: i64,
        quantity: i64,
    },
    Count {
        sku: usize,
        warehouse: i64,
        quantity: i64,
    },
    /// A `stock adjust --file` of these rows: (sku, warehouse, delta, reason).
    Batch(Vec<(usize, i64, i64, Reason)>),
}

const SKUS: [&str; 4] = ["A", "B", "C", "KIT"];

fn op() -> impl Strategy<Value = Op> {
    let reason = prop_oneof![
        Just(Reason::Receipt),
        Just(Reason::Return),
        Just(Reason::Sale),
        Just(Reason::Damage),
        Just(Reason::Correction),
    ];
    // Warehouses 1 and 2 are the company's, 3 is another company's, 4 does not exist.
    // Batch rows: mostly plausible (own warehouses, sign matching the
    // reason), so that whole batches succeed too, with some of anything.
    let plausible = (
        0..4usize,
        1..3i64,
        1..20i64,
        prop_oneof![
            Just(Reason::Receipt),
            Just(Reason::Sale),
            Just(Reason::Correction)
        ],
    )
        .prop_map(|(sku, w, d, r)| (sku, w, if r == Reason::Sale { -d } else { d }, r));
    let row = prop_oneof![
        6 => plausible,
        1 => (0..4usize, 1..5i64, -30..30i64, reason.clone()),
    ];
    prop_oneof![
        proptest::collection::vec(row, 1..8).prop_map(Op::Batch),
        (0..4usize, 1..5i64, -30..30i64, reason).prop_map(|(sku, warehouse, delta, reason)| {
            Op::Adjust {
                sku,
                warehouse,
                delta,
                reason,
            }
        }),
        (0..4usize, 1..4i64, 1..4i64, 0..25i64).prop_map(|(sku, from, to, quantity)| {
            Op::Transfer {
                sku,
                from,
                to,
                quantity,
            }
        }),
        (0..4usize, 1..4i64, 0..40i64).prop_map(|(sku, warehouse, quantity)| Op::Count {
            sku,
            warehouse,
            quantity
        }),
    ]
}

fn ctx() -> Ctx {
    Ctx {
        now: Timestamp::parse("2026-06-01").unwrap(),
        actor: "prop".to_owned(),
    }
}

fn setup(db: &mut Db) {
    let ctx = ctx();
    let acme = catalog::create_company(db, &ctx, "Acme").unwrap().id;
    let other = catalog::create_company(db, &ctx, "Other").unwrap().id;
    catalog::create_warehouse(db, &ctx, acme, "One", None).unwrap();
    catalog::create_warehouse(db, &ctx, acme, "Two", None).unwrap();
    catalog::create_warehouse(db, &ctx, other, "Theirs", None).unwrap();
    for sku in SKUS {
        let new = product::NewProduct {
            company: CompanyId::new(1).unwrap(),
            sku: Sku::parse(sku).unwrap(),
            name: sku.to_owned(),
            price: Money::parse("price", "1").unwrap(),
            product_type: None,
            threshold: None,
            stock: (sku != "KIT")
                .then_some((WarehouseId::new(1).unwrap(), Quantity::new(20).unwrap())),
        };
        product::create(db, &ctx, &new).unwrap();
    }
    let parts = [
        (Sku::parse("A").unwrap(), Quantity::new(2).unwrap()),
        (Sku::parse("B").unwrap(), Quantity::new(1).unwrap()),
    ];
    bundle::set(db, &Sku::parse("KIT").unwrap(), &parts).unwrap();
}

fn apply(db: &mut Db, op: &Op) -> stockflow::Result<()> {
    let ctx = ctx();
    match op {
        Op::Adjust {
            sku,
            warehouse,
            delta,
            reason,
        } => {
            let adj = stock::Adjustment {
                sku: SKUS[*sku],
                warehouse: WarehouseId::new(*warehouse).unwrap(),
                delta: Delta::parse(&delta.to_string())?,
                reason: *reason,
                note: None,
                reference: None,
                at: None,
            };
            stock::adjust(db, &ctx, &adj).map(|_| ())
        }
        Op::Transfer {
            sku,
            from,
            to,
            quantity,
        } => {
            let t = stock::Transfer {
                sku: Sku::parse(SKUS[*sku])?,
                from: WarehouseId::new(*from).unwrap(),
                to: WarehouseId::new(*to).unwrap(),
                quantity: Quantity::parse_positive("quantity", &quantity.to_string())?,
                note: None,
                at: None,
            };
            stock::transfer(db, &ctx, &t).map(|_| ())
        }
        Op::Count {
            sku,
            warehouse,
            quantity,
        } => {
            let c = stock::Count {
                sku: Sku::parse(SKUS[*sku])?,
                warehouse: WarehouseId::new(*warehouse).unwrap(),
                counted: Quantity::new(*quantity).unwrap(),
                note: None,
                at: None,
            };
            stock::count(db, &ctx, &c).map(|_| ())
        }
        Op::Batch(rows) => {
            let mut csv = String::from("sku,warehouse_id,delta,reason\n");
            for (sku, warehouse, delta, reason) in rows {
                csv.push_str(&format!(
                    "{},{warehouse},{delta},{}\n",
                    SKUS[*sku],
                    reason.as_str()
                ));
            }
            let applied = stock::adjust_file(db, &ctx, csv.as_bytes(), &mut progress::Quiet)?;
            assert_eq!(applied.applied, rows.len() as u64);
            Ok(())
        }
    }
}

/// Inventory rows and the ledger's length, to compare before and after.
fn books(db: &mut Db) -> (Vec<(i64, i64, i64)>, i64) {
    db.read(|tx| {
        let rows = tx.query_map(
            "SELECT product_id, warehouse_id, quantity FROM inventory ORDER BY 1, 2",
            &[],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
        let ledger = tx.query_row("SELECT count(*) FROM movement", &[], |r| r.get(0))?;
        Ok((rows, ledger))
    })
    .unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    #[test]
    fn any_sequence_keeps_inventory_equal_to_the_ledger(ops in proptest::collection::vec(op(), 1..25)) {
        // A fresh database on the engine under test for every case.
        let sf = Sf::bare();
        let (mut db, _) = Db::init(&sf.db, DEFAULT_BUSY_TIMEOUT).unwrap();
        setup(&mut db);
        for op in &ops {
            let before = books(&mut db);
            match apply(&mut db, op) {
                Ok(()) => prop_assert!(books(&mut db).1 >= before.1, "{op:?} removed movements"),
                Err(e) => {
                    prop_assert!([3, 4, 5].contains(&e.exit_code()), "{op:?}: {e}");
                    prop_assert_eq!(books(&mut db), before, "rejected {:?} ({}) changed the books", op, e);
                }
            }
            let report = check::run(&mut db).unwrap();
            prop_assert!(report.ok, "after {:?}: {:?}", op, report.problems);
            prop_assert!(books(&mut db).0.iter().all(|(_, _, q)| *q >= 0));
        }
    }
}
