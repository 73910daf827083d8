use std::process::Child;
use std::time::Duration;

use crate::support::{Sf, argv, count, kill_at, shell_loops, skip_unless_sqlite, wait_all};

#[test]
fn concurrent_adjusts_queue_and_all_land() {
    let sf = Sf::acme();
    sf.product(1, "WID", &["--warehouse", "1", "--quantity", "1000"]);
    // 8 processes × 25 adjusts each (a shell loop per process), all at once.
    let (codes, stderr) = shell_loops(&sf, 8, 25, |_| {
        "stock adjust --sku WID --warehouse 1 --delta -1 --reason sale".into()
    });
    assert_eq!(codes.len(), 200, "{stderr}");
    assert_eq!(
        count(&codes, 0),
        200,
        "a writer failed instead of queueing: {codes:?} {stderr}"
    );
    assert_eq!(sf.stock("WID", 1), 1000 - 200);
    assert_eq!(sf.ledger_rows(), 201);
    sf.run(&["check"]).ok();
}

#[test]
fn opposite_transfers_do_not_deadlock_and_conserve_stock() {
    let sf = Sf::two_warehouses(500);
    let (codes, stderr) = shell_loops(&sf, 8, 25, |p| {
        let (from, to) = if p % 2 == 0 { (1, 2) } else { (2, 1) };
        format!("stock transfer --sku WID --from {from} --to {to} --quantity 3")
    });
    assert_eq!(codes.len(), 200, "{stderr}");
    assert_eq!(count(&codes, 0), 200, "{codes:?} {stderr}");
    // Four processes each way, 25 × 3 units each: the net flow is zero.
    assert_eq!((sf.stock("WID", 1), sf.stock("WID", 2)), (500, 500));
    assert_eq!(sf.ledger_rows(), 2 + 8 * 25 * 2);
    sf.run(&["check"]).ok();
}

#[test]
fn racing_creates_of_one_sku_have_exactly_one_winner() {
    let sf = Sf::acme();
    let children: Vec<Child> = (0..8)
        .map(|i| {
            let sku = if i % 2 == 0 { "RACE-1" } else { "race-1" };
            sf.spawn(&argv(&format!(
                "product create --company 1 --sku {sku} --name Race --price 1 --warehouse 1 --quantity 5"
            )))
        })
        .collect();
    let codes: Vec<i32> = wait_all(children).into_iter().map(|(c, _)| c).collect();
    assert_eq!(count(&codes, 0), 1, "{codes:?}");
    assert_eq!(count(&codes, 5), 7, "{codes:?}");
    assert_eq!(sf.json(&["stock", "list"]).as_array().unwrap().len(), 1);
    assert_eq!(sf.ledger_rows(), 1);
}

#[test]
fn a_writer_that_waits_too_long_is_busy_and_writes_nothing() {
    if skip_unless_sqlite("holds the SQLite write lock with BEGIN IMMEDIATE") {
        return;
    }
    let sf = Sf::new();
    sf.company("Acme");
    let conn = rusqlite::Connection::open(&sf.db).unwrap();
    conn.execute_batch("BEGIN IMMEDIATE").unwrap();
    let out = sf
        .cmd(&["company", "create", "--name", "Blocked"])
        .env("STOCKFLOW_BUSY_TIMEOUT_MS", "200")
        .output();
    conn.execute_batch("ROLLBACK").unwrap();
    let expected = format!("{} is locked by another writer", sf.db.display());
    out.fails(6, &expected);
    assert_eq!(sf.json(&["company", "list"]).as_array().unwrap().len(), 1);
}

#[test]
fn a_killed_bulk_batch_leaves_all_or_nothing_at_every_phase() {
    if skip_unless_sqlite("the phases of the SQLite bulk path (indexes dropped and rebuilt)") {
        return;
    }
    // 1,200,000 rows: three 500,000-row chunks, and the bulk path (indexes
    // dropped and rebuilt inside the transaction).
    let rows = 1_200_000;
    let csv = format!(
        "sku,warehouse_id,delta,reason\n{}",
        "WID,1,1,receipt\n".repeat(rows)
    );
    for (phase, delay_ms) in [
        ("reading and checking", 200),
        ("reading and checking", 1_500),
        ("writing the ledger", 0),
        ("rebuilding indexes", 0),
        ("rebuilding indexes", 150),
        ("committing", 0),
    ] {
        let sf = Sf::acme();
        sf.product(1, "WID", &["--warehouse", "1", "--quantity", "1"]);
        let path = sf.file("big.csv", &csv);
        let fresh = sf.schema();
        let (reached, killed) = kill_at(&sf, &path, phase, Duration::from_millis(delay_ms));
        assert!(reached, "the batch ended before {phase}");
        let (stock, ledger) = (sf.stock("WID", 1), sf.ledger_rows());
        let whole = 1 + rows as i64;
        assert!(
            (stock, ledger) == (1, 1) || (stock, ledger) == (whole, whole),
            "after a kill {delay_ms} ms into {phase}: stock {stock}, ledger rows {ledger}"
        );
        if killed && phase != "committing" {
            assert_eq!(
                ledger, 1,
                "killed {delay_ms} ms into {phase}, before the commit"
            );
        }
        if !killed {
            assert_eq!(ledger, whole, "the batch finished before the kill");
        }
        assert_eq!(
            sf.schema(),
            fresh,
            "the dropped indexes are back after a kill in {phase}"
        );
        sf.run(&["check"]).ok();
    }
}

#[test]
fn concurrent_init_on_a_new_file_honours_the_busy_timeout() {
    for round in 0..15 {
        let sf = Sf::bare();
        let children: Vec<Child> = (0..12).map(|_| sf.spawn(&["init"])).collect();
        for (code, stderr) in wait_all(children) {
            assert_eq!(code, 0, "round {round}: an init failed: {stderr}");
        }
        sf.run(&["check"]).ok();
    }
}
