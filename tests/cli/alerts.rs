//! The worked example: every clause of the alert rule, with each expected
//! number computed by hand in the comments. As-of 2026-03-31T00:00:00Z and
//! the default 30 days: the window is (2026-03-01T00:00:00Z, 2026-03-31T00:00:00Z].

use serde_json::{Value, json};

use crate::support::{Sf, argv, product_create};

const AS_OF: &str = "2026-03-31T00:00:00Z";

/// Creates `sku` with `extra` flags; its opening stock (`--warehouse W
/// --quantity N` in `extra`) arrives as a receipt on 2026-01-01, before the
/// window, so every pair is older than the window and the figures are over
/// the whole 30 days (SPEC 11: a younger pair's window is shorter).
fn create(sf: &Sf, company: &str, sku: &str, extra: &[&str]) {
    let mut flags = extra.to_vec();
    let opening = flags.iter().position(|f| *f == "--warehouse").map(|at| {
        let pair: Vec<&str> = flags.drain(at..at + 4).collect();
        assert_eq!(pair[2], "--quantity", "{extra:?}");
        (
            pair[1].parse::<i64>().unwrap(),
            pair[3].parse::<i64>().unwrap(),
        )
    });
    sf.run(&product_create(company, sku, sku, "1", &flags)).ok();
    if let Some((warehouse, quantity)) = opening {
        sf.adjust(sku, warehouse, quantity, "receipt", "2026-01-01");
    }
}

/// Builds the example. Company 1 (Acme): warehouses 1 Main, 2 North; suppliers
/// 1 Primary Co (lead 5 for CAB-1), 2 Backup Co. Company 2 (Other): warehouse 3.
/// Thresholds: Acme default 8, Acme type "cable" 25.
fn example() -> Sf {
    let sf = Sf::acme();
    sf.warehouse(1, "North");
    sf.company("Other");
    sf.warehouse(2, "Yard");
    sf.supplier(1, "Primary Co", "primary@example.com");
    sf.supplier(1, "Backup Co", "backup@example.com");
    sf.run(&argv("threshold set --company 1 --default --quantity 8"))
        .ok();
    sf.run(&argv(
        "threshold set --company 1 --type cable --quantity 25",
    ))
    .ok();

    // CAB-1 (type threshold 25). Main: 30 − 10 = 20 < 25. North: 12 − 2 = 10 < 25.
    create(
        &sf,
        "1",
        "CAB-1",
        &["--type", "cable", "--warehouse", "1", "--quantity", "30"],
    );
    sf.adjust("CAB-1", 1, -10, "sale", "2026-03-10");
    sf.adjust("CAB-1", 2, 12, "receipt", "2026-02-01");
    sf.adjust("CAB-1", 2, -2, "sale", "2026-03-25");
    sf.run(&argv(
        "supplier link --sku CAB-1 --supplier 2 --lead-time-days 1",
    ))
    .ok();
    sf.run(&argv(
        "supplier link --sku CAB-1 --supplier 1 --primary --lead-time-days 5",
    ))
    .ok();

    // PRD-1: own threshold 50 beats the type's 25. Main: 60 − 15 = 45 < 50.
    // North: (product, warehouse) threshold 5 beats 50: 40 − 34 = 6, not below 5.
    create(
        &sf,
        "1",
        "PRD-1",
        &argv("--type cable --threshold 50 --warehouse 1 --quantity 60"),
    );
    sf.adjust("PRD-1", 1, -15, "sale", "2026-03-15");
    sf.adjust("PRD-1", 2, 40, "receipt", "2026-02-01");
    sf.adjust("PRD-1", 2, -34, "sale", "2026-03-15");
    sf.run(&argv(
        "threshold set --sku PRD-1 --warehouse 2 --quantity 5",
    ))
    .ok();

    // DEF-1: company default 8. 20 − 13 = 7 < 8. Primary supplier Backup Co, lead 10.
    create(&sf, "1", "DEF-1", &["--warehouse", "1", "--quantity", "20"]);
    sf.adjust("DEF-1", 1, -13, "sale", "2026-03-25");
    sf.run(&argv(
        "supplier link --sku DEF-1 --supplier 2 --primary --lead-time-days 10",
    ))
    .ok();

    // Each (sku, opening stock in Main, sale, when), company default threshold 8:
    for (sku, opening, sale, at) in [
        // ZERO-1: 5 − 5 = 0.
        ("ZERO-1", "5", -5, "2026-03-05"),
        // EDGE-OUT: its only sale is at the window's start, which is outside: no alert.
        ("EDGE-OUT", "5", -1, "2026-03-01T00:00:00Z"),
        // EDGE-IN: one second later is inside: 5 − 1 = 4 < 8.
        ("EDGE-IN", "5", -1, "2026-03-01T00:00:01Z"),
        // ASOF-1: a sale exactly at as-of is inside: 8 − 1 = 7 < 8.
        ("ASOF-1", "8", -1, AS_OF),
        // AFTER-1: its sale is after as-of: no sales in the window, no alert.
        ("AFTER-1", "5", -2, "2026-04-02"),
        // EQUAL-1: 10 − 2 = 8, equal to the threshold: not strictly below, no alert.
        ("EQUAL-1", "10", -2, "2026-03-20"),
        // ARCH-1: 5 − 3 = 2 but archived (below): no alert.
        ("ARCH-1", "5", -3, "2026-03-20"),
    ] {
        create(&sf, "1", sku, &["--warehouse", "1", "--quantity", opening]);
        sf.adjust(sku, 1, sale, "sale", at);
    }
    sf.run(&["product", "archive", "ARCH-1"]).ok();
    // KIT = 2 × COMP-1; 2 kits sold take 4 COMP-1: 10 − 4 = 6 < 8. The kit never alerts.
    create(
        &sf,
        "1",
        "COMP-1",
        &["--warehouse", "1", "--quantity", "10"],
    );
    create(&sf, "1", "KIT", &[]);
    sf.run(&["bundle", "set", "KIT", "--component", "COMP-1=2"])
        .ok();
    sf.adjust("KIT", 1, -2, "sale", "2026-03-20");
    // OTH-1 belongs to Other (fallback threshold 10): 2 − 1 = 1; only in Other's alerts.
    create(&sf, "2", "OTH-1", &["--warehouse", "3", "--quantity", "2"]);
    sf.adjust("OTH-1", 3, -1, "sale", "2026-03-10");
    sf
}

/// `alerts low-stock --company 1 --as-of AS_OF` plus `extra`, as run.
fn low_stock(sf: &Sf, extra: &[&str]) -> crate::support::Out {
    let mut args = vec!["alerts", "low-stock", "--company", "1", "--as-of", AS_OF];
    args.extend(extra);
    sf.run(&args)
}

/// The same, as JSON.
fn alerts(sf: &Sf, extra: &[&str]) -> Value {
    let mut args = extra.to_vec();
    args.extend(["--format", "json"]);
    low_stock(sf, &args).ok().json()
}

/// (sku, warehouse, stock, threshold, units sold, days, suggested reorder) per alert.
fn summary(report: &Value) -> Vec<(String, i64, i64, i64, i64, i64, i64)> {
    report["alerts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            let n = |k: &str| a[k].as_i64().unwrap_or_else(|| panic!("{k} in {a}"));
            (
                a["sku"].as_str().unwrap().to_owned(),
                n("warehouse_id"),
                n("current_stock"),
                n("threshold"),
                n("units_sold"),
                n("days_until_stockout"),
                n("suggested_reorder_quantity"),
            )
        })
        .collect()
}

fn row(
    sku: &str,
    w: i64,
    stock: i64,
    threshold: i64,
    sold: i64,
    days: i64,
    reorder: i64,
) -> (String, i64, i64, i64, i64, i64, i64) {
    (sku.to_owned(), w, stock, threshold, sold, days, reorder)
}

#[test]
fn worked_example_every_clause() {
    let sf = example();
    let report = alerts(&sf, &[]);
    // days = floor(stock × 30 / sold); reorder = max(threshold − stock,
    // ceil(sold × (lead + 30) / 30) − stock), lead 0 without a supplier.
    let expected = vec![
        // 0 stock: 0 days; max(8 − 0, ceil(5 × 30 / 30) − 0 = 5) = 8.
        row("ZERO-1", 1, 0, 8, 5, 0, 8),
        // floor(7 × 30 / 13) = floor(16.15) = 16; lead 10: max(1, ceil(13 × 40 / 30) = 18 − 7 = 11) = 11.
        row("DEF-1", 1, 7, 8, 13, 16, 11),
        // bundle sales: 4 units; floor(6 × 30 / 4) = 45; max(2, 4 − 6) = 2.
        row("COMP-1", 1, 6, 8, 4, 45, 2),
        // floor(20 × 30 / 10) = 60; lead 5: max(25 − 20 = 5, ceil(10 × 35 / 30) = 12 − 20) = 5.
        row("CAB-1", 1, 20, 25, 10, 60, 5),
        // product threshold 50: floor(45 × 30 / 15) = 90; max(5, 15 − 45) = 5.
        row("PRD-1", 1, 45, 50, 15, 90, 5),
        // floor(4 × 30 / 1) = 120; max(4, 1 − 4) = 4.
        row("EDGE-IN", 1, 4, 8, 1, 120, 4),
        // floor(10 × 30 / 2) = 150; lead 5: max(15, ceil(2 × 35 / 30) = 3 − 10) = 15.
        row("CAB-1", 2, 10, 25, 2, 150, 15),
        // floor(7 × 30 / 1) = 210; max(1, 1 − 7) = 1.
        row("ASOF-1", 1, 7, 8, 1, 210, 1),
    ];
    assert_eq!(summary(&report), expected);
    assert_eq!(report["total_alerts"], 8);

    let cab = &report["alerts"][3];
    assert_eq!(
        cab["supplier"],
        json!({"id": 1, "name": "Primary Co", "contact_email": "primary@example.com"})
    );
    assert_eq!(
        (cab["lead_time_days"].as_i64(), cab["product_type"].as_str()),
        (Some(5), Some("cable"))
    );
    assert_eq!(cab["avg_daily_sales"], "0.33", "10 / 30");
    assert_eq!(cab["warehouse_name"], "Main");
    assert_eq!(cab["product_name"], "CAB-1");
    assert!(cab["product_id"].is_i64());
    let zero = &report["alerts"][0];
    assert_eq!(zero["supplier"], Value::Null);
    assert_eq!(zero["lead_time_days"], Value::Null);
    assert_eq!(
        report["alerts"][1]["avg_daily_sales"], "0.43",
        "13 / 30 = 0.4333"
    );
}

#[test]
fn other_companies_never_mix() {
    let sf = example();
    let other = sf.json(&["alerts", "low-stock", "--company", "2", "--as-of", AS_OF]);
    // fallback threshold 10: floor(1 × 30 / 1) = 30; max(10 − 1 = 9, 1 − 1 = 0) = 9.
    assert_eq!(summary(&other), vec![row("OTH-1", 3, 1, 10, 1, 30, 9)]);
    let mine = alerts(&sf, &[]);
    assert!(!mine.to_string().contains("OTH-1"));
}

#[test]
fn warehouse_filter_paging_and_a_shorter_window() {
    let sf = example();
    let north = alerts(&sf, &["--warehouse", "2"]);
    assert_eq!(summary(&north), vec![row("CAB-1", 2, 10, 25, 2, 150, 15)]);
    assert_eq!(north["total_alerts"], 1);

    let page = alerts(&sf, &["--limit", "3", "--offset", "2"]);
    let skus: Vec<&str> = page["alerts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["sku"].as_str().unwrap())
        .collect();
    assert_eq!(skus, ["COMP-1", "CAB-1", "PRD-1"]);
    assert_eq!(
        page["total_alerts"], 8,
        "total counts every alert, not the page"
    );
    assert_eq!(alerts(&sf, &["--offset", "50"])["alerts"], json!([]));

    // 10 days: window (2026-03-21, 2026-03-31]. Only DEF-1, CAB-1/North and ASOF-1 sold in it.
    let short = alerts(&sf, &["--days", "10"]);
    assert_eq!(
        summary(&short),
        vec![
            // floor(7 × 10 / 13) = 5; lead 10: max(1, ceil(13 × 40 / 10) = 52 − 7 = 45) = 45.
            row("DEF-1", 1, 7, 8, 13, 5, 45),
            // floor(10 × 10 / 2) = 50; lead 5: max(15, ceil(2 × 35 / 10) = 7 − 10) = 15.
            row("CAB-1", 2, 10, 25, 2, 50, 15),
            // floor(7 × 10 / 1) = 70; max(1, ceil(1 × 30 / 10) = 3 − 7) = 1.
            row("ASOF-1", 1, 7, 8, 1, 70, 1),
        ]
    );
    // A longer review period asks for more: DEF-1 with --cover-days 60:
    // max(1, ceil(13 × 70 / 30) = ceil(30.33) = 31 − 7 = 24) = 24.
    let longer = alerts(&sf, &["--cover-days", "60"]);
    assert_eq!(longer["alerts"][1]["suggested_reorder_quantity"], 24);
}

#[test]
fn bad_queries_and_exit_codes() {
    let sf = example();
    let base = ["alerts", "low-stock", "--as-of", AS_OF];
    let run = |extra: &[&str]| {
        let mut args = base.to_vec();
        args.extend(extra);
        sf.run(&args)
    };
    run(&["--company", "9"]).fails(4, "company 9 does not exist");
    run(&["--company", "1", "--warehouse", "3"])
        .fails(4, "warehouse 3 does not belong to company 1");
    run(&["--company", "1", "--days", "0"]).fails(3, "days must be greater than 0: 0");
    run(&["--company", "1", "--days", "-5"]).fails(3, "-5");
    run(&["--company", "1", "--limit", "x"]).fails(3, "limit");
    sf.run(&["alerts", "low-stock", "--company", "1", "--as-of", "soon"])
        .fails(3, "soon");
    run(&["--company", "x"]).fails(3, "x");
    run(&["--company", "1", "--exit-code"]).code(10);
    sf.run(&argv(
        "alerts low-stock --company 1 --as-of 2020-01-01 --exit-code",
    ))
    .code(0);
    // A company with no warehouses: an empty list, exit 0.
    sf.company("Empty");
    let empty = sf.json(&["alerts", "low-stock", "--company", "3", "--exit-code"]);
    assert_eq!(empty, json!({"alerts": [], "total_alerts": 0}));
}

#[test]
fn every_format_carries_the_same_alerts() {
    let sf = example();
    let json = alerts(&sf, &[]);
    let jsonl = low_stock(&sf, &["--format", "jsonl"]).ok();
    let lines: Vec<Value> = jsonl
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(Value::Array(lines), json["alerts"]);

    let csv = low_stock(&sf, &["--format", "csv"]).ok();
    let (header, rows) = csv.csv();
    assert_eq!(
        header[..11],
        [
            "product_id",
            "product_name",
            "sku",
            "warehouse_id",
            "warehouse_name",
            "current_stock",
            "threshold",
            "days_until_stockout",
            "supplier_id",
            "supplier_name",
            "supplier_email"
        ]
    );
    assert_eq!(rows.len(), 8);
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    assert_eq!(rows[0][col("sku")], "ZERO-1");
    assert_eq!(rows[0][col("supplier_id")], "", "no supplier: empty cells");
    assert_eq!(rows[3][col("supplier_email")], "primary@example.com");
    assert_eq!(rows[3][col("days_until_stockout")], "60");
    assert_eq!(rows[3][col("avg_daily_sales")], "0.33");

    // The footer counts every alert in words, worked out here from the JSON.
    let json = low_stock(&sf, &["--format", "json"]).ok().json();
    let alerts = json["alerts"].as_array().unwrap();
    let out = alerts.iter().filter(|a| a["current_stock"] == 0).count();
    let due = alerts
        .iter()
        .filter(|a| {
            a["current_stock"] != 0
                && a["days_until_stockout"].as_i64().unwrap()
                    <= a["lead_time_days"].as_i64().unwrap_or(0)
        })
        .count();
    assert_eq!(
        (out, due),
        (1, 0),
        "ZERO-1 is out of stock, nothing else is due: {json}"
    );
    let counts = "8 alerts (1 out of stock)";
    let table = low_stock(&sf, &[]).ok().stdout;
    assert!(table.contains("ZERO-1") && table.contains("ASOF-1"));
    assert!(table.trim_end().ends_with(counts), "{table}");
    assert!(!table.contains('\u{1b}'), "no colour in a pipe");
    let paged = low_stock(&sf, &["--limit", "2", "--offset", "3"])
        .ok()
        .stdout;
    assert!(
        paged
            .trim_end()
            .ends_with(&format!("{counts}\nshowing 4–5; --limit/--offset to page")),
        "{paged}"
    );
}

#[test]
fn a_pair_younger_than_the_window_sells_over_its_own_days() {
    let sf = Sf::acme();
    // YNG-1, threshold 10: 20 received 7 days before as-of, 14 sold since: 6 left.
    create(&sf, "1", "YNG-1", &argv("--threshold 10"));
    sf.adjust("YNG-1", 1, 20, "receipt", "2026-03-24");
    sf.adjust("YNG-1", 1, -14, "sale", "2026-03-30");
    // HALF-1: first movement 6½ days before as-of, which counts as 7 days.
    create(&sf, "1", "HALF-1", &argv("--threshold 10"));
    sf.adjust("HALF-1", 1, 20, "receipt", "2026-03-24T12:00:00Z");
    sf.adjust("HALF-1", 1, -14, "sale", "2026-03-30");
    let report = alerts(&sf, &[]);
    for a in report["alerts"].as_array().unwrap() {
        // window_days = min(30, ceil(7 days)) = 7, not 30.
        assert_eq!(a["window_days"], 7, "{a}");
        // floor(6 × 7 / 14) = 3 days left (over 30 days it would read 12).
        assert_eq!(a["days_until_stockout"], 3, "{a}");
        // 14 / 7 = 2.00 a day (not 14 / 30 = 0.47).
        assert_eq!(a["avg_daily_sales"], "2.00", "{a}");
        // No supplier, lead 0, cover 30: S = max(10, ceil(14 × 30 / 7) = 60) = 60;
        // 6 < ROP max(10, 0) = 10, so 60 − 6 = 54 (over 30 days it would be 8).
        assert_eq!(a["suggested_reorder_quantity"], 54, "{a}");
    }
    assert_eq!(report["total_alerts"], 2);
    // An older pair keeps the whole window.
    let old = alerts(&sf, &["--days", "5"]);
    assert_eq!(old["alerts"][0]["window_days"], 5);
}

#[test]
fn the_suggestion_comes_in_the_suppliers_packs_and_minimum() {
    let sf = example();
    sf.run(&argv(
        "supplier link --sku CAB-1 --supplier 1 --pack-size 12",
    ))
    .ok();
    let cab = |report: &Value, w: i64| {
        report["alerts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["sku"] == "CAB-1" && a["warehouse_id"] == w)
            .unwrap()["suggested_reorder_quantity"]
            .clone()
    };
    // Main needs 5 (see the worked example): one pack of 12. North needs 15: two, 24.
    let report = alerts(&sf, &[]);
    assert_eq!((cab(&report, 1), cab(&report, 2)), (json!(12), json!(24)));
    // A minimum of 30 in packs of 12: ceil(30 / 12) = 3 packs, 36, for both.
    sf.run(&argv(
        "supplier link --sku CAB-1 --supplier 1 --min-order 30",
    ))
    .ok();
    let report = alerts(&sf, &[]);
    assert_eq!((cab(&report, 1), cab(&report, 2)), (json!(36), json!(36)));
    // A max of 40 in Main (threshold 25 stays, type "cable"): S = 40, need
    // 40 − 20 = 20 → 36 by the minimum; 56 > 40, but one pack less (24)
    // is below the minimum of 30, so it stays 36.
    sf.run(&argv(
        "threshold set --sku CAB-1 --warehouse 1 --quantity 25 --max 40",
    ))
    .ok();
    assert_eq!(cab(&alerts(&sf, &[]), 1), json!(36));
    // Which pairs alert, and their days left, do not change.
    assert_eq!(alerts(&sf, &[])["total_alerts"], 8);
}
