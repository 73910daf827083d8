use serde_json::Value;

use crate::support::{Sf, argv, argv_with, skip_unless_sqlite};

/// Acme with warehouses 1 (Main) and 2 (North), Other with warehouse 3,
/// and WID-1 holding 10 units in warehouse 1.
fn setup() -> Sf {
    Sf::two_tenants()
}

fn adjust(sf: &Sf, args: &[&str]) -> crate::support::Out {
    let mut all = vec!["stock", "adjust"];
    all.extend(args);
    sf.run(&all)
}

#[test]
fn adjust_prints_the_movement_with_the_new_quantity() {
    let sf = setup();
    let m = sf.json(&argv("stock adjust --sku wid-1 --warehouse 1 --delta -3 --reason sale --note walk-in --reference INV-9 --at 2026-01-15T12:00:00+02:00"));
    assert_eq!(m["sku"], "WID-1");
    assert_eq!(
        (m["delta"].as_i64(), m["quantity"].as_i64()),
        (Some(-3), Some(7))
    );
    assert_eq!(
        (
            m["reason"].as_str(),
            m["note"].as_str(),
            m["reference"].as_str()
        ),
        (Some("sale"), Some("walk-in"), Some("INV-9"))
    );
    assert_eq!(m["occurred_at"], "2026-01-15T10:00:00Z");
    assert_eq!(m["actor"], "tester");
    let m = sf
        .cmd(&argv(
            "stock adjust --sku WID-1 --warehouse 1 --delta 2 --reason return --format json",
        ))
        .env("STOCKFLOW_ACTOR", "alice")
        .output()
        .ok()
        .json();
    assert_eq!(m["actor"], "alice");
    assert_eq!(m["quantity"], 9);
}

#[test]
fn sign_rules_and_reasons_are_enforced_without_writing() {
    let sf = setup();
    let before = sf.snapshot();
    for (delta, reason, code, part) in [
        ("5", "sale", 3, "a sale needs a negative delta: 5"),
        ("-5", "receipt", 3, "a receipt needs a positive delta: -5"),
        ("-5", "return", 3, "return"),
        ("5", "damage", 3, "damage"),
        ("0", "correction", 3, "delta must not be 0"),
        ("x", "correction", 3, "delta must be a whole number: x"),
        ("1.5", "correction", 3, "1.5"),
        ("5", "initial", 3, "initial is written by stockflow itself"),
        ("5", "transfer_in", 3, "transfer_in"),
        ("-5", "count", 3, "count"),
        ("5", "gift", 3, "unknown reason \"gift\""),
        (
            "-11",
            "sale",
            5,
            "not enough stock of WID-1 in warehouse 1: have 10",
        ),
        ("-11", "correction", 5, "have 10"),
    ] {
        adjust(
            &sf,
            &argv_with(
                "--sku WID-1 --warehouse 1 --delta {} --reason {}",
                &[delta, reason],
            ),
        )
        .fails(code, part);
    }
    adjust(
        &sf,
        &argv("--sku WID-1 --warehouse 3 --delta 1 --reason receipt"),
    )
    .fails(4, "warehouse 3 does not belong to company 1");
    adjust(
        &sf,
        &argv("--sku WID-1 --warehouse 9 --delta 1 --reason receipt"),
    )
    .fails(4, "warehouse 9");
    adjust(
        &sf,
        &argv("--sku NOPE --warehouse 1 --delta 1 --reason receipt"),
    )
    .fails(4, "NOPE");
    adjust(
        &sf,
        &argv("--sku WID-1 --warehouse 1 --delta 1 --reason receipt --at yesterday"),
    )
    .fails(3, "yesterday");
    adjust(&sf, &["--sku", "WID-1", "--warehouse", "1", "--delta", "1"]).code(2);
    assert_eq!(sf.snapshot(), before);
}

#[test]
fn correction_may_go_either_way_and_stock_may_reach_zero() {
    let sf = setup();
    adjust(
        &sf,
        &argv("--sku WID-1 --warehouse 1 --delta -10 --reason correction"),
    )
    .ok();
    assert_eq!(sf.stock("WID-1", 1), 0);
    adjust(
        &sf,
        &argv("--sku WID-1 --warehouse 1 --delta 4 --reason correction"),
    )
    .ok();
    assert_eq!(sf.stock("WID-1", 1), 4);
}

#[test]
fn first_receipt_into_a_warehouse_stocks_it_there() {
    let sf = setup();
    adjust(
        &sf,
        &argv("--sku WID-1 --warehouse 2 --delta 6 --reason receipt"),
    )
    .ok();
    assert_eq!(sf.stock("WID-1", 2), 6);
    assert_eq!(sf.stock("WID-1", 1), 10);
    sf.run(&["check"]).ok();
}

#[test]
fn transfer_writes_both_halves_or_nothing() {
    let sf = setup();
    let moves = sf.json(&argv(
        "stock transfer --sku WID-1 --from 1 --to 2 --quantity 4 --note rebalance",
    ));
    let summary: Vec<(i64, i64, &str, i64)> = moves
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["warehouse_id"].as_i64().unwrap(),
                m["delta"].as_i64().unwrap(),
                m["reason"].as_str().unwrap(),
                m["quantity"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [(1, -4, "transfer_out", 6), (2, 4, "transfer_in", 4)]
    );
    let before = sf.snapshot();
    let t = |from: &str, to: &str, q: &str| {
        sf.run(&argv_with(
            "stock transfer --sku WID-1 --from {} --to {} --quantity {}",
            &[from, to, q],
        ))
    };
    t("1", "2", "7").fails(5, "have 6");
    t("1", "3", "1").fails(4, "warehouse 3 does not belong");
    t("1", "1", "1").fails(3, "two different warehouses");
    t("1", "2", "0").fails(3, "quantity must be greater than 0");
    t("1", "2", "-1").fails(3, "-1");
    assert_eq!(sf.snapshot(), before);
}

#[test]
fn count_records_the_difference_or_nothing() {
    let sf = setup();
    let m = sf.json(&argv("stock count --sku WID-1 --warehouse 1 --quantity 7"));
    assert_eq!(
        (
            m["delta"].as_i64(),
            m["reason"].as_str(),
            m["quantity"].as_i64()
        ),
        (Some(-3), Some("count"), Some(7))
    );
    let rows = sf.ledger_rows();
    let out = sf
        .run(&argv(
            "stock count --sku WID-1 --warehouse 1 --quantity 7 --format json",
        ))
        .ok();
    assert_eq!(out.json(), Value::Null);
    assert_eq!(sf.ledger_rows(), rows, "a zero difference records nothing");
    let m = sf.json(&argv("stock count --sku WID-1 --warehouse 2 --quantity 2"));
    assert_eq!(
        (m["delta"].as_i64(), m["quantity"].as_i64()),
        (Some(2), Some(2))
    );
    sf.run(&argv("stock count --sku WID-1 --warehouse 1 --quantity -1"))
        .fails(3, "-1");
    sf.run(&argv("stock count --sku WID-1 --warehouse 3 --quantity 1"))
        .fails(4, "warehouse 3");
    sf.run(&["check"]).ok();
}

const BATCH: &str = "sku,warehouse_id,delta,reason,note,reference,at
WID-1,1,5,receipt,dock,PO-1,2026-01-02
wid-1,1,-12,sale,,,2026-01-03T08:00:00Z
WID-1,2,3,receipt,,,
";

#[test]
fn batch_applies_rows_in_order_in_one_transaction() {
    let sf = setup();
    let path = sf.file("moves.csv", BATCH);
    assert_eq!(
        sf.json(&["stock", "adjust", "--file", &path]),
        serde_json::json!({"applied": 3, "bulk_load": false})
    );
    assert_eq!(
        sf.stock("WID-1", 1),
        3,
        "10 + 5 - 12: the sale only fits after the receipt"
    );
    assert_eq!(sf.stock("WID-1", 2), 3);
    let h = sf.json(&argv(
        "stock history --sku WID-1 --warehouse 1 --limit 2 --until 2026-02-01",
    ));
    assert_eq!(h[0]["occurred_at"], "2026-01-03T08:00:00Z");
    assert_eq!(h[1]["note"], "dock");
    assert_eq!(h[1]["reference"], "PO-1");
    let receipts = "sku,warehouse_id,delta,reason\nWID-1,1,1,receipt\nWID-1,1,2,receipt\n";
    let out = sf
        .cmd(&["stock", "adjust", "--file", "-", "--format", "json"])
        .stdin(receipts)
        .output()
        .ok();
    assert_eq!(out.json()["applied"], 2);
    assert_eq!(sf.stock("WID-1", 1), 6);
    sf.run(&["check"]).ok();
}

#[test]
fn one_bad_batch_row_applies_nothing_and_names_line_and_column() {
    let sf = setup();
    let before = sf.snapshot();
    for (row, code, part) in [
        (
            "WID-1,1,5,gift,,,",
            3,
            "line 5, column reason: unknown reason \"gift\"",
        ),
        (
            "WID-1,1,-100,sale,,,",
            5,
            "line 5, column delta: not enough stock",
        ),
        ("WID-1,1,5,sale,,,", 3, "line 5, column delta"),
        ("WID-1,x,5,receipt,,,", 3, "line 5, column warehouse_id"),
        ("WID-1,3,5,receipt,,,", 4, "line 5, column warehouse_id"),
        ("NOPE,1,5,receipt,,,", 4, "line 5, column sku"),
        ("WID-1,1,5,receipt,,,someday", 3, "line 5, column at"),
        (
            "WID-1,1,,receipt,,,",
            3,
            "line 5, column delta: delta is required",
        ),
        ("WID-1,1,5", 3, "line 5"),
    ] {
        let path = sf.file("bad.csv", &format!("{BATCH}{row}\n"));
        sf.run(&["stock", "adjust", "--file", &path])
            .fails(code, part);
        assert_eq!(sf.snapshot(), before, "{row}");
    }
    let path = sf.file("hdr.csv", "sku,warehouse,delta,reason\n");
    sf.run(&["stock", "adjust", "--file", &path])
        .fails(3, "line 1: unknown column \"warehouse\"");
    sf.run(&["stock", "adjust", "--file", &path, "--sku", "WID-1"])
        .code(2);
}

#[test]
fn history_filters_and_orders_newest_first() {
    let sf = setup();
    sf.adjust("WID-1", 1, -1, "sale", "2026-01-01");
    sf.adjust("WID-1", 1, -2, "sale", "2026-01-05");
    sf.adjust("WID-1", 2, 4, "receipt", "2026-01-03");
    sf.product(1, "GAD-1", &["--warehouse", "1", "--quantity", "1"]);
    let deltas = |args: &[&str]| -> Vec<i64> {
        let mut all = vec!["stock", "history"];
        all.extend(args);
        sf.json(&all)
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["delta"].as_i64().unwrap())
            .collect()
    };
    assert_eq!(
        deltas(&argv("--sku WID-1 --since 2026-01-01 --until 2026-01-31")),
        [-2, 4, -1]
    );
    assert_eq!(
        deltas(&argv(
            "--sku WID-1 --warehouse 1 --since 2026-01-02 --until 2026-01-31"
        )),
        [-2]
    );
    assert_eq!(
        deltas(&["--since", "2026-01-03", "--until", "2026-01-05"]),
        [-2, 4],
        "both ends inclusive"
    );
    assert_eq!(deltas(&["--sku", "GAD-1"]), [1]);
    assert_eq!(deltas(&["--limit", "1", "--until", "2026-02-01"]), [-2]);
    sf.run(&["stock", "history", "--since", "last week"])
        .fails(3, "last week");
    sf.run(&["stock", "history", "--limit", "-1"])
        .fails(3, "-1");
    let lines = sf
        .run(&["stock", "history", "--format", "jsonl"])
        .ok()
        .stdout;
    assert_eq!(lines.lines().count(), 5);
    for line in lines.lines() {
        let m: Value = serde_json::from_str(line).unwrap();
        assert!(m["id"].is_i64() && m["recorded_at"].is_string(), "{line}");
    }
}

#[test]
fn stock_list_filters() {
    let sf = setup();
    sf.product(1, "GAD-1", &["--warehouse", "2", "--quantity", "3"]);
    sf.product(2, "THEIRS", &["--warehouse", "3", "--quantity", "8"]);
    let skus = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["stock", "list"];
        all.extend(args);
        sf.json(&all)
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["sku"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(skus(&["--company", "1"]), ["GAD-1", "WID-1"]);
    assert_eq!(skus(&["--warehouse", "2"]), ["GAD-1"]);
    assert_eq!(skus(&["--sku", "theirs"]), ["THEIRS"]);
    assert_eq!(skus(&[]).len(), 3);
    let (header, rows) = sf
        .run(&["stock", "list", "--company", "2", "--format", "csv"])
        .ok()
        .csv();
    assert_eq!(
        header,
        [
            "product_id",
            "sku",
            "product_name",
            "warehouse_id",
            "warehouse_name",
            "quantity"
        ]
    );
    assert_eq!(rows[0][5], "8");
}

#[test]
fn check_finds_a_ledger_that_disagrees_with_inventory() {
    let sf = setup();
    let ok = sf.json(&["check"]);
    assert_eq!(ok, serde_json::json!({"ok": true, "problems": []}));
    sf.execute("UPDATE inventory SET quantity = 11").unwrap();
    let out = sf.run(&["check", "--format", "json"]).code(7);
    let report: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(report["ok"], false);
    assert!(
        report["problems"][0]
            .as_str()
            .unwrap()
            .contains("inventory says 11, ledger sums to 10"),
        "{report}"
    );
}

#[test]
fn the_ledger_is_append_only() {
    let sf = setup();
    for sql in ["UPDATE movement SET delta = 99", "DELETE FROM movement"] {
        let err = sf.execute(sql).unwrap_err();
        assert!(err.contains("append-only"), "{sql}: {err}");
    }
    let err = sf
        .execute("UPDATE inventory SET quantity = -1")
        .unwrap_err();
    assert!(err.to_lowercase().contains("check"), "{err}");
    sf.run(&["check"]).ok();
}

#[test]
fn a_bulk_batch_keeps_the_schema_and_the_books() {
    if skip_unless_sqlite("the SQLite bulk path (indexes dropped and rebuilt)") {
        return;
    }
    let sf = setup();
    let fresh = sf.schema();
    // 250,000 rows into a ledger of one: large enough to rebuild the indexes.
    let mut csv = String::from("sku,warehouse_id,delta,reason\n");
    for i in 0..125_000 {
        csv.push_str(if i % 2 == 0 {
            "WID-1,2,2,receipt\n"
        } else {
            "WID-1,1,3,receipt\n"
        });
        csv.push_str("WID-1,2,-1,sale\n");
    }
    let path = sf.file("bulk.csv", &csv);
    let out = sf.json(&["stock", "adjust", "--file", &path]);
    assert_eq!(out["applied"], 250_000);
    assert_eq!(out["bulk_load"], true, "the indexes were rebuilt");
    assert_eq!(sf.schema(), fresh, "every index is back");
    // Warehouse 2: 62,500 receipts of 2 in, 125,000 sales of 1 out.
    assert_eq!(sf.stock("WID-1", 2), 0);
    assert_eq!(sf.stock("WID-1", 1), 10 + 62_500 * 3);
    sf.run(&["check"]).ok();
    let newest = sf.json(&argv("stock history --sku WID-1 --warehouse 2 --limit 1"));
    assert_eq!(
        newest[0]["reason"], "sale",
        "file order is kept within a pair"
    );
}

#[test]
fn a_history_table_into_a_pipe_shows_every_movement_and_no_note() {
    let sf = setup();
    let mut csv = String::from("sku,warehouse_id,delta,reason\n");
    for _ in 0..250 {
        csv.push_str("WID-1,1,1,receipt\n");
    }
    let path = sf.file("many.csv", &csv);
    sf.run(&["stock", "adjust", "--file", &path]).ok();
    // SPEC 5: the 200-row cap is a terminal's (the pty test sees it and its
    // note); a pipe gets every movement, and no note.
    let table = sf.run(&["stock", "history"]).ok();
    assert_eq!(table.stdout.matches("receipt").count(), 250);
    assert_eq!(table.stderr, "", "{}", table.explain());
    let limited = sf.run(&["stock", "history", "--limit", "220"]).ok();
    assert_eq!(limited.stdout.matches("receipt").count(), 220);
    assert_eq!(limited.stderr, "");
    // 250 receipts and the initial movement: other formats stream everything.
    let all = sf.run(&["stock", "history", "--format", "jsonl"]).ok();
    assert_eq!(all.stdout.lines().count(), 251);
}

#[test]
fn a_large_batch_on_stdin_keeps_the_schema_and_the_books() {
    if skip_unless_sqlite("the SQLite bulk path (indexes dropped and rebuilt)") {
        return;
    }
    let sf = setup();
    let fresh = sf.schema();
    // More rows than one 500,000-row chunk, of unknown size: the first full chunk decides.
    let mut csv = String::from("sku,warehouse_id,delta,reason\n");
    for _ in 0..520_000 {
        csv.push_str("WID-1,2,1,receipt\n");
    }
    let out = sf
        .cmd(&["stock", "adjust", "--file", "-", "--format", "json"])
        .stdin(&csv)
        .output()
        .ok();
    assert_eq!(out.json()["applied"], 520_000);
    assert_eq!(out.json()["bulk_load"], true, "the indexes were rebuilt");
    assert_eq!(sf.schema(), fresh, "every index is back");
    assert_eq!(sf.stock("WID-1", 2), 520_000);
    sf.run(&["check"]).ok();
}

#[test]
fn actor_falls_back_to_the_login_user_without_user_or_logname() {
    let sf = setup();
    let out = sf
        .cmd(&argv(
            "stock adjust --sku WID-1 --warehouse 1 --delta 1 --reason receipt --format json",
        ))
        .env_remove("STOCKFLOW_ACTOR")
        .output()
        .ok();
    let actor = out.json()["actor"].as_str().unwrap_or_default().to_owned();
    assert!(!actor.is_empty() && actor != "unknown", "actor: {actor:?}");
}

/// Part B: `stock history` and `stock list` take `--company`, so a report
/// never mixes tenants; an unknown company is exit 4 naming it.
#[test]
fn history_and_list_keep_to_the_company_asked_for() {
    let sf = setup();
    sf.product(2, "THEIRS", &["--warehouse", "3", "--quantity", "8"]);
    let skus = |args: &[&str]| -> Vec<String> {
        sf.json(args)
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["sku"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(skus(&["stock", "history"]), ["THEIRS", "WID-1"]);
    assert_eq!(skus(&["stock", "history", "--company", "1"]), ["WID-1"]);
    assert_eq!(skus(&["stock", "history", "--company", "2"]), ["THEIRS"]);
    assert_eq!(skus(&["stock", "list", "--company", "2"]), ["THEIRS"]);
    let before = sf.snapshot();
    for cmd in ["history", "list"] {
        let out = sf
            .run(&["stock", cmd, "--company", "9"])
            .fails(4, "company 9 does not exist");
        assert!(out.stdout.is_empty(), "{}", out.explain());
        sf.run(&["stock", cmd, "--company", "1", "--warehouse", "3"])
            .fails(4, "warehouse 3 does not belong to company 1");
        sf.run(&["stock", cmd, "--company", "x1"]).fails(3, "x1");
    }
    assert_eq!(sf.snapshot(), before);
}

/// Part B: a write's result names the warehouse (JSON `warehouse_name`, the
/// table's Warehouse column), not `#N`.
#[test]
fn write_results_name_their_warehouses() {
    let sf = setup();
    let adjusted = sf.json(&argv(
        "stock adjust --sku WID-1 --warehouse 1 --delta -2 --reason sale",
    ));
    assert_eq!(adjusted["warehouse_name"], "Main", "{adjusted}");
    let moved = sf.json(&argv(
        "stock transfer --sku WID-1 --from 1 --to 2 --quantity 3",
    ));
    let names: Vec<&str> = moved
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["warehouse_name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Main", "North"]);
    let counted = sf.json(&argv("stock count --sku WID-1 --warehouse 2 --quantity 1"));
    assert_eq!(counted["warehouse_name"], "North", "{counted}");
    let table = sf
        .run(&argv(
            "stock adjust --sku WID-1 --warehouse 2 --delta 4 --reason receipt",
        ))
        .ok()
        .stdout;
    assert!(table.contains("North") && !table.contains("#2"), "{table}");
    let (header, rows) = sf
        .run(&["stock", "history", "--format", "csv", "--limit", "1"])
        .ok()
        .csv();
    let at = header.iter().position(|h| h == "warehouse_name").unwrap();
    assert_eq!(rows[0][at], "North");
}

/// A cron job may read the history's CSV by position: the columns it had keep
/// their places, and a column added since (warehouse_name) comes after them.
#[test]
fn history_csv_keeps_its_columns_in_place_and_adds_new_ones_at_the_end() {
    let sf = setup();
    let (header, _) = sf.run(&["stock", "history", "--format", "csv"]).ok().csv();
    assert_eq!(
        header,
        [
            "id",
            "product_id",
            "sku",
            "warehouse_id",
            "delta",
            "reason",
            "note",
            "reference",
            "actor",
            "occurred_at",
            "recorded_at",
            "bundle_sku",
            "quantity",
            "warehouse_name",
        ]
    );
}

/// SPEC 5: `note` and `reference` are at most 1,000 characters, on every
/// write that takes them (exit 3 naming the field and the length, nothing
/// written); 1,000 is accepted.
#[test]
fn notes_and_references_are_at_most_1000_characters() {
    let sf = setup();
    let long = "n".repeat(1001);
    let before = sf.snapshot();
    for field in ["--note", "--reference"] {
        let name = &field[2..];
        sf.run(&argv_with(
            "stock adjust --sku WID-1 --warehouse 1 --delta 1 --reason receipt {} {}",
            &[field, &long],
        ))
        .fails(
            3,
            &format!("{name} must be at most 1000 characters (1001 given)"),
        );
    }
    sf.run(&argv_with(
        "stock transfer --sku WID-1 --from 1 --to 2 --quantity 1 --note {}",
        &[&long],
    ))
    .fails(3, "note must be at most 1000 characters");
    sf.run(&argv_with(
        "stock count --sku WID-1 --warehouse 1 --quantity 3 --note {}",
        &[&long],
    ))
    .fails(3, "note must be at most 1000 characters");
    let csv = format!(
        "sku,warehouse_id,delta,reason,reference\nWID-1,1,1,receipt,ok\nWID-1,1,1,receipt,{long}\n"
    );
    sf.cmd(&["stock", "adjust", "--file", "-"])
        .stdin(&csv)
        .output()
        .fails(
            3,
            "line 3, column reference: reference must be at most 1000 characters",
        );
    assert_eq!(sf.snapshot(), before, "nothing was written");
    let most = "é".repeat(1000);
    let moved = sf.json(&argv_with(
        "stock adjust --sku WID-1 --warehouse 1 --delta 1 --reason receipt --note {}",
        &[&most],
    ));
    assert_eq!(moved["note"].as_str().unwrap().chars().count(), 1000);
}

/// Part D: a NUL character in any text is refused on either engine (a file
/// holding one could never be copied to PostgreSQL), naming the field.
#[test]
fn a_nul_in_any_text_is_refused_on_either_engine() {
    let sf = setup();
    let before = sf.snapshot();
    sf.cmd(&["stock", "adjust", "--file", "-"])
        .stdin("sku,warehouse_id,delta,reason,note\nWID-1,1,1,receipt,ok\nWID-1,1,1,receipt,\"a\0b\"\n")
        .output()
        .fails(3, "line 3, column note: note cannot contain a NUL character");
    sf.cmd(&["import", "products", "-"])
        .stdin("company_id,sku,name,price\n1,NEW,\"x\0y\",1\n")
        .output()
        .fails(3, "NUL character");
    sf.cmd(&["import", "products", "-"])
        .stdin("company_id,sku,name,price,type\n1,NEW,New,1,\"t\0\"\n")
        .output()
        .code(3);
    assert_eq!(sf.snapshot(), before, "nothing was written");
}
