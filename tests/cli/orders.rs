//! Purchase orders (SPEC 11): create, list, show, receive, close.

use std::process::{Command, Stdio};

use serde_json::{Value, json};

use crate::support::{BIN, Sf, argv, argv_with, count, wait_all};

/// Acme (company 1, warehouse 1 Main) with supplier 1 BondTech, ADH-1
/// (linked: 7 days, 11.20) and TAPE-2 (unlinked); beside company 2, Other,
/// with its warehouse 2, supplier 2 and product OTH-1.
fn purchasing() -> Sf {
    let sf = Sf::acme();
    sf.supplier(1, "BondTech", "sales@bondtech.example");
    sf.product(1, "ADH-1", &[]);
    sf.product(1, "TAPE-2", &[]);
    sf.run(&argv(
        "supplier link --sku ADH-1 --supplier 1 --primary --lead-time-days 7 --cost 11.20",
    ))
    .ok();
    sf.company("Other");
    sf.warehouse(2, "Theirs");
    sf.supplier(2, "Elsewhere", "x@elsewhere.example");
    sf.product(2, "OTH-1", &[]);
    sf
}

/// Opens the order of the worked example: 48 ADH-1 at the link's cost and
/// 10 TAPE-2 at 0.35, ordered 2026-12-03.
fn open_order(sf: &Sf) -> Value {
    sf.json(&argv(
        "order create --supplier 1 --warehouse 1 --line ADH-1=48 --line TAPE-2=10@0.35 --at 2026-12-03",
    ))
}

#[test]
fn an_order_takes_the_link_cost_and_expects_the_first_lines_lead_time() {
    let sf = purchasing();
    let order = open_order(&sf);
    // 48 × 11.20 = 537.60; 10 × 0.35 = 3.50; total 541.10. Expected: the
    // 3rd + ADH-1's 7 days = the 10th.
    assert_eq!(
        order,
        json!({
            "id": 1, "company_id": 1,
            "supplier": {"id": 1, "name": "BondTech", "contact_email": "sales@bondtech.example"},
            "warehouse": {"id": 1, "name": "Main"},
            "status": "open", "reference": null,
            "ordered_at": "2026-12-03T00:00:00Z", "expected_at": "2026-12-10T00:00:00Z",
            "lines": [
                {"sku": "ADH-1", "product_name": "ADH-1", "quantity": 48, "received": 0,
                 "outstanding": 48, "unit_cost": "11.20", "line_total": "537.60"},
                {"sku": "TAPE-2", "product_name": "TAPE-2", "quantity": 10, "received": 0,
                 "outstanding": 10, "unit_cost": "0.35", "line_total": "3.50"}
            ],
            "total_cost": "541.10"
        })
    );
    assert_eq!(sf.json(&argv("order show 1")), order);
}

#[test]
fn a_line_without_any_cost_is_null_and_left_out_of_the_total() {
    let sf = purchasing();
    // TAPE-2 first: it has no link, so no lead time and no expected date.
    let order = sf.json(&argv(
        "order create --supplier 1 --warehouse 1 --line TAPE-2=5 --line ADH-1=2 --reference Q4 --at 2026-12-03",
    ));
    assert_eq!(order["expected_at"], Value::Null);
    assert_eq!(order["reference"], "Q4");
    assert_eq!(order["lines"][0]["unit_cost"], Value::Null);
    assert_eq!(order["lines"][0]["line_total"], Value::Null);
    // 2 × 11.20 only.
    assert_eq!(order["total_cost"], "22.40");
    let table = sf.run(&argv("order show 1")).ok().stdout;
    assert!(
        table.contains("total 22.40; leaves out 1 line without a unit cost: TAPE-2"),
        "{table}"
    );
    let only_unpriced = sf.json(&argv(
        "order create --supplier 1 --warehouse 1 --line TAPE-2=5 --expected 2026-12-24",
    ));
    assert_eq!(only_unpriced["total_cost"], Value::Null);
    assert_eq!(only_unpriced["expected_at"], "2026-12-24T00:00:00Z");
}

#[test]
fn bad_orders_are_refused_with_their_exit_code_and_write_nothing() {
    let sf = purchasing();
    sf.product(1, "KIT", &[]);
    sf.run(&argv("bundle set KIT --component ADH-1=2")).ok();
    sf.product(1, "OLD", &[]);
    sf.run(&argv("product archive OLD")).ok();
    let before = sf.snapshot();
    let base = "order create --supplier 1 --warehouse 1";
    for (rest, code, part) in [
        (
            "--line ADH-1=2 --line adh-1=3",
            3,
            "adh-1 is on the order twice",
        ),
        (
            "--line ADH-1=0",
            3,
            "quantity of ADH-1 must be greater than 0: 0",
        ),
        ("--line ADH-1=-2", 3, "-2"),
        ("--line ADH-1=1.5", 3, "1.5"),
        ("--line ADH-1", 3, "line must be SKU=QTY[@COST]: ADH-1"),
        ("--line ADH-1=2@1.999", 3, "1.999"),
        ("--line ADH-1=2@-1", 3, "-1"),
        ("--line NOPE=2", 4, "product NOPE does not exist"),
        ("--line OTH-1=2", 4, "OTH-1 does not belong to company 1"),
        ("--line KIT=2", 3, "KIT is a bundle"),
        ("--line OLD=2", 3, "OLD is archived"),
        ("--line ADH-1=2 --expected tomorrow", 3, "tomorrow"),
    ] {
        sf.run(&argv(&format!("{base} {rest}"))).fails(code, part);
    }
    sf.run(&argv(
        "order create --supplier 1 --warehouse 2 --line ADH-1=2",
    ))
    .fails(4, "warehouse 2 does not belong to company 1");
    sf.run(&argv(
        "order create --supplier 9 --warehouse 1 --line ADH-1=2",
    ))
    .fails(4, "supplier 9 does not exist");
    sf.run(&argv(
        "order create --supplier 2 --warehouse 2 --line ADH-1=2",
    ))
    .fails(4, "ADH-1 does not belong to company 2");
    sf.run(&argv("order create --supplier 1 --warehouse 1"))
        .fails(2, "the following required arguments were not provided");
    sf.run(&argv("order show 7"))
        .fails(4, "purchase order 7 does not exist");
    sf.run(&argv("order show x")).fails(3, "x");
    assert_eq!(sf.snapshot(), before);
}

/// The receipt movements of an order, as `stock history` lists them.
fn receipts(sf: &Sf, sku: &str) -> Vec<(i64, String)> {
    sf.json(&argv(&format!("stock history --sku {sku}")))
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["reason"] == "receipt")
        .map(|m| {
            (
                m["delta"].as_i64().unwrap(),
                m["reference"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[test]
fn partial_receipts_move_stock_then_the_order_is_received() {
    let sf = purchasing();
    open_order(&sf);
    let first = sf.json(&argv(
        "order receive 1 --line ADH-1=20 --at 2026-12-08 --note first-pallet",
    ));
    assert_eq!(first["order"]["status"], "open");
    assert_eq!(first["order"]["lines"][0]["received"], 20);
    assert_eq!(first["order"]["lines"][0]["outstanding"], 28);
    assert_eq!(first["order"]["lines"][1]["received"], 0);
    let moves = first["movements"].as_array().unwrap();
    assert_eq!(moves.len(), 1);
    assert_eq!(moves[0]["sku"], "ADH-1");
    assert_eq!(moves[0]["delta"], 20);
    assert_eq!(moves[0]["reason"], "receipt");
    assert_eq!(moves[0]["reference"], "PO-1");
    assert_eq!(moves[0]["note"], "first-pallet");
    assert_eq!(moves[0]["warehouse_id"], 1);
    assert_eq!(moves[0]["occurred_at"], "2026-12-08T00:00:00Z");
    assert_eq!(moves[0]["quantity"], 20);
    // Without --line: everything outstanding, 28 ADH-1 and 10 TAPE-2.
    let rest = sf.json(&argv("order receive 1"));
    assert_eq!(rest["order"]["status"], "received");
    let deltas: Vec<(&str, i64)> = rest["movements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["sku"].as_str().unwrap(), m["delta"].as_i64().unwrap()))
        .collect();
    assert_eq!(deltas, [("ADH-1", 28), ("TAPE-2", 10)]);
    assert_eq!(sf.stock("ADH-1", 1), 48);
    assert_eq!(sf.stock("TAPE-2", 1), 10);
    let mut adh = receipts(&sf, "ADH-1");
    adh.sort_unstable();
    assert_eq!(adh, [(20, "PO-1".to_owned()), (28, "PO-1".to_owned())]);
    sf.run(&["check"]).ok();
    // Received: nothing more can come in, and it cannot be closed.
    let before = sf.snapshot();
    sf.run(&argv("order receive 1 --line ADH-1=1"))
        .fails(5, "purchase order 1 is received");
    sf.run(&argv("order receive 1"))
        .fails(5, "purchase order 1 is received");
    sf.run(&argv("order close 1"))
        .fails(5, "purchase order 1 is already received");
    assert_eq!(sf.snapshot(), before);
}

#[test]
fn receiving_more_than_outstanding_or_off_the_order_is_a_conflict_and_writes_nothing() {
    let sf = purchasing();
    open_order(&sf);
    sf.run(&argv("order receive 1 --line ADH-1=40")).ok();
    let before = sf.snapshot();
    for (rest, code, part) in [
        (
            "--line ADH-1=9",
            5,
            "receiving 9 of ADH-1 on purchase order 1 is more than the 8 outstanding",
        ),
        // The good line first: the refusal of the second writes nothing of it.
        (
            "--line TAPE-2=10 --line ADH-1=9",
            5,
            "more than the 8 outstanding",
        ),
        ("--line OTH-1=1", 5, "OTH-1 is not on purchase order 1"),
        ("--line NOPE=1", 5, "NOPE is not on purchase order 1"),
        (
            "--line ADH-1=1 --line ADH-1=1",
            3,
            "ADH-1 is received twice",
        ),
        (
            "--line ADH-1=0",
            3,
            "quantity of ADH-1 must be greater than 0: 0",
        ),
        (
            "--line ADH-1=1@2.00",
            3,
            "line must be SKU=QTY: ADH-1=1@2.00",
        ),
        ("--line ADH-1=1 --at never", 3, "never"),
    ] {
        sf.run(&argv(&format!("order receive 1 {rest}")))
            .fails(code, part);
    }
    sf.run(&argv("order receive 9"))
        .fails(4, "purchase order 9 does not exist");
    assert_eq!(sf.snapshot(), before);
    assert_eq!(sf.stock("ADH-1", 1), 40);
}

#[test]
fn a_closed_order_expects_nothing_more() {
    let sf = purchasing();
    open_order(&sf);
    sf.run(&argv("order receive 1 --line ADH-1=12")).ok();
    let closed = sf.json(&argv("order close 1"));
    assert_eq!(closed["status"], "closed");
    // What never came stays outstanding on the record.
    assert_eq!(closed["lines"][0]["outstanding"], 36);
    let before = sf.snapshot();
    sf.run(&argv("order receive 1"))
        .fails(5, "purchase order 1 is closed");
    sf.run(&argv("order receive 1 --line TAPE-2=1"))
        .fails(5, "purchase order 1 is closed");
    sf.run(&argv("order close 1"))
        .fails(5, "purchase order 1 is already closed");
    assert_eq!(sf.snapshot(), before);
    sf.run(&["check"]).ok();
}

fn ids(v: &Value) -> Vec<i64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_i64().unwrap())
        .collect()
}

#[test]
fn order_list_shows_open_orders_unless_asked_and_closed_covers_received() {
    let sf = purchasing();
    open_order(&sf); // 1: stays open
    open_order(&sf); // 2: received
    sf.run(&argv("order receive 2")).ok();
    open_order(&sf); // 3: closed
    sf.run(&argv("order close 3")).ok();
    sf.run(&argv(
        "order create --supplier 2 --warehouse 2 --line OTH-1=1",
    ))
    .ok(); // 4: the other company's
    assert_eq!(ids(&sf.json(&argv("order list"))), [1, 4]);
    assert_eq!(ids(&sf.json(&argv("order list --status closed"))), [2, 3]);
    assert_eq!(
        ids(&sf.json(&argv("order list --status all --company 1"))),
        [1, 2, 3]
    );
    assert_eq!(ids(&sf.json(&argv("order list --supplier 2"))), [4]);
    let full = sf.json(&argv("order list --company 1"));
    assert_eq!(full[0], sf.json(&argv("order show 1")));
    sf.run(&argv("order list --status done"))
        .fails(3, "status must be open, closed or all: done");
    sf.run(&argv("order list --company 9"))
        .fails(4, "company 9 does not exist");
    sf.run(&argv("order list --supplier 9"))
        .fails(4, "supplier 9 does not exist");
    assert_eq!(
        sf.run(&argv("order list --company 2 --status closed"))
            .ok()
            .stdout,
        "no purchase orders\n"
    );
}

#[test]
fn csv_and_jsonl_carry_one_line_per_order_line_with_the_order_flattened() {
    let sf = purchasing();
    open_order(&sf);
    sf.run(&argv(
        "order create --supplier 1 --warehouse 1 --line TAPE-2=3 --at 2026-12-04",
    ))
    .ok();
    let (header, rows) = sf.run(&argv("order list --format csv")).ok().csv();
    assert_eq!(
        header,
        [
            "order_id",
            "company_id",
            "supplier_id",
            "supplier_name",
            "supplier_contact_email",
            "warehouse_id",
            "warehouse_name",
            "status",
            "reference",
            "ordered_at",
            "expected_at",
            "total_cost",
            "line_no",
            "sku",
            "product_name",
            "quantity",
            "received",
            "outstanding",
            "unit_cost",
            "line_total",
        ]
    );
    assert_eq!(rows.len(), 3);
    assert_eq!(
        rows[1],
        [
            "1",
            "1",
            "1",
            "BondTech",
            "sales@bondtech.example",
            "1",
            "Main",
            "open",
            "",
            "2026-12-03T00:00:00Z",
            "2026-12-10T00:00:00Z",
            "541.10",
            "2",
            "TAPE-2",
            "TAPE-2",
            "10",
            "0",
            "10",
            "0.35",
            "3.50",
        ]
    );
    assert_eq!(rows[2][0], "2");
    assert_eq!(rows[2][10], "", "no lead time for TAPE-2: no expected date");
    assert_eq!(rows[2][11], "", "no cost: no total");
    let lines: Vec<Value> = sf
        .run(&argv("order show 1 --format jsonl"))
        .ok()
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    let mut keys: Vec<&str> = lines[0]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let mut columns: Vec<&str> = header.iter().map(String::as_str).collect();
    keys.sort_unstable();
    columns.sort_unstable();
    assert_eq!(keys, columns);
    assert_eq!(lines[0]["sku"], "ADH-1");
    assert_eq!(lines[0]["line_total"], "537.60");
    assert_eq!(lines[0]["total_cost"], "541.10");
}

/// What the binary prints on a `cols`-wide terminal (script(1) gives it one).
fn on_terminal(sf: &Sf, cols: u16, args: &str) -> String {
    let script = format!("stty cols {cols} rows 50; exec {BIN} {args}");
    let out = Command::new("script")
        .args(["-qec", &script, "/dev/null"])
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("STOCKFLOW_DB", &sf.db)
        .env("TERM", "dumb")
        .stdin(Stdio::null())
        .output()
        .expect("run script(1)");
    assert!(out.status.success(), "{args}: {:?}", out.status);
    String::from_utf8_lossy(&out.stdout).replace("\r\n", "\n")
}

#[test]
fn order_tables_fit_80_columns_on_a_terminal_and_are_whole_in_a_pipe() {
    let sf = purchasing();
    let long = "Two-component epoxy adhesive, 500 ml cartridge";
    sf.run(&argv_with("product update ADH-1 --name {}", &[long]))
        .ok();
    open_order(&sf);
    sf.run(&argv(
        "order create --supplier 1 --warehouse 1 --line TAPE-2=3",
    ))
    .ok();
    for args in ["order list", "order show 1"] {
        let text = on_terminal(&sf, 80, args);
        let widest = text.lines().map(|l| l.chars().count()).max().unwrap();
        assert!(widest <= 80, "{args}: {widest} wide\n{text}");
        assert!(text.contains("BondTech"), "{args}: {text}");
    }
    let list = on_terminal(&sf, 80, "order list");
    assert!(list.contains("541.10"), "{list}");
    assert!(
        list.contains("* the total leaves out lines without a unit cost"),
        "{list}"
    );
    // Into a pipe nothing is cut: the whole product name is there.
    let piped = sf.run(&argv("order show 1")).ok().stdout;
    assert!(piped.contains(long), "{piped}");
    assert!(piped.contains("total 541.10"), "{piped}");
}

#[test]
fn concurrent_receipts_of_one_order_never_receive_more_than_ordered() {
    let sf = purchasing();
    open_order(&sf);
    // Eight writers each want everything outstanding: one gets it, the
    // others queue, then find nothing outstanding (the order is received).
    let children = (0..8).map(|_| sf.spawn(&argv("order receive 1"))).collect();
    let results = wait_all(children);
    let codes: Vec<i32> = results.iter().map(|(c, _)| *c).collect();
    assert_eq!(count(&codes, 0), 1, "{results:?}");
    assert_eq!(count(&codes, 5), 7, "{results:?}");
    // And eight wanting 7 ADH-1 each of a fresh order of 48 + 10: all fit.
    open_order(&sf);
    let children = (0..8)
        .map(|_| sf.spawn(&argv("order receive 2 --line ADH-1=7")))
        .collect();
    let results = wait_all(children);
    let codes: Vec<i32> = results.iter().map(|(c, _)| *c).collect();
    // 48 / 7: six receipts fit (42), the seventh and eighth would pass 48.
    assert_eq!(count(&codes, 0), 6, "{results:?}");
    assert_eq!(count(&codes, 5), 2, "{results:?}");
    let order = sf.json(&argv("order show 2"));
    assert_eq!(order["lines"][0]["received"], 42);
    // 48 from order 1, 42 from order 2.
    assert_eq!(sf.stock("ADH-1", 1), 90);
    sf.run(&["check"]).ok();
}
