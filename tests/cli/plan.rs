//! `reorder plan` and the terms of supply behind it (SPEC section 11), with
//! every expected figure worked out by hand in the comments. As-of
//! 2026-03-31T00:00:00Z: the default 30-day window is (03-01, 03-31].

use serde_json::{Value, json};

use crate::support::{Sf, argv};

const AS_OF: &str = "2026-03-31T00:00:00Z";

/// The worked example's 30 days, 60 units: seven days of 0, five of 1, six
/// of 2, five of 3, seven of 4 (Σx = 5 + 12 + 15 + 28 = 60; Σx² = 5 + 24 + 45
/// + 112 = 186; σ = √((186 − 60²/30) / 29) = √(66/29) = 1.5086).
fn worked_series() -> Vec<i64> {
    [(0, 7), (1, 5), (2, 6), (3, 5), (4, 7)]
        .iter()
        .flat_map(|&(units, days)| std::iter::repeat_n(units, days))
        .collect()
}

/// `stock adjust --file` rows for `sku` in warehouse 1: `opening` units on
/// 2026-02-19 (40 days before as-of: older than the window), then day k of
/// `series` sold on 03-(30 − k) at noon, one sale per day with sales.
fn history(sku: &str, opening: i64, series: &[i64]) -> String {
    let mut csv = format!("{sku},1,{opening},receipt,2026-02-19T00:00:00Z\n");
    for (k, units) in series.iter().enumerate().filter(|(_, u)| **u > 0) {
        csv.push_str(&format!(
            "{sku},1,-{units},sale,2026-03-{:02}T12:00:00Z\n",
            30 - k
        ));
    }
    csv
}

/// Applies `rows` (without a header) in one `stock adjust --file`.
fn apply(sf: &Sf, rows: &str) {
    let csv = format!("sku,warehouse_id,delta,reason,at\n{rows}");
    sf.cmd(&argv("stock adjust --file -"))
        .stdin(&csv)
        .output()
        .ok();
}

/// Acme with supplier 1, BondTech, and ADH-1 as in SPEC 11's worked example:
/// 70 received long ago, 60 sold over the window's 30 days (10 left), lead 7,
/// pack 12, MOQ 24, cost 11.20.
fn worked_example() -> Sf {
    let sf = Sf::acme();
    sf.supplier(1, "BondTech", "orders@bondtech.example");
    sf.run(&argv(
        "product create --company 1 --sku ADH-1 --name Adhesive --price 19.90",
    ))
    .ok();
    sf.run(&argv(
        "supplier link --sku ADH-1 --supplier 1 --primary --lead-time-days 7 --cost 11.20 --pack-size 12 --min-order 24",
    ))
    .ok();
    apply(&sf, &history("ADH-1", 70, &worked_series()));
    sf
}

/// `reorder plan --company 1 --as-of AS_OF` plus `extra`, as JSON.
fn plan(sf: &Sf, extra: &[&str]) -> Value {
    let mut args = argv("reorder plan --company 1 --as-of");
    args.push(AS_OF);
    args.extend(extra);
    args.extend(["--format", "json"]);
    sf.run(&args).ok().json()
}

/// The worked example's one order, exactly as SPEC 11 prints it.
fn worked_plan() -> Value {
    json!({"orders": [{
        "supplier": {"id": 1, "name": "BondTech", "contact_email": "orders@bondtech.example"},
        "warehouse": {"id": 1, "name": "Main"},
        // as-of + the line's lead time of 7 days.
        "expected_at": "2026-04-07T00:00:00Z",
        "lines": [{
            "sku": "ADH-1", "product_name": "Adhesive", "stock": 10, "on_order": 0,
            "position": 10, "sold": 60, "window_days": 30, "lead_time_days": 7,
            // SS = ceil(z(0.95) 1.644854 × σ 1.508592 × √7 2.645751 = 6.565) = 7.
            "safety_stock": 7, "safety_stock_note": null,
            // ROP = max(10, ceil(60 × 7 / 30) = 14 + 7) = 21.
            "reorder_point": 21,
            // S = max(10, ceil(60 × (7 + 14) / 30) = 42 + 7) = 49; need 49 − 10 = 39.
            "target": 49, "need": 39,
            // max(ceil(39 / 12) × 12 = 48, ceil(24 / 12) × 12 = 24) = 48.
            "pack_size": 12, "min_order_quantity": 24, "quantity": 48,
            // 48 × 11.20 = 537.60.
            "over_max": false, "unit_cost": "11.20", "line_total": "537.60",
            "explain": "position 10 < reorder point 21; need 49-10=39; 4 packs of 12"
        }],
        "total_cost": "537.60"
    }], "total_lines": 1})
}

#[test]
fn the_spec_worked_example_orders_48() {
    let sf = worked_example();
    let got = plan(&sf, &argv("--cover-days 14 --service-level 95"));
    assert_eq!(got, worked_plan());
}

#[test]
fn without_a_service_level_there_is_no_safety_stock() {
    let sf = worked_example();
    let got = plan(&sf, &argv("--cover-days 14"));
    let line = &got["orders"][0]["lines"][0];
    // ROP = max(10, 14) = 14; S = max(10, 42) = 42; need 32 → 3 packs = 36 ≥ MOQ 24.
    assert_eq!(
        (
            &line["safety_stock"],
            &line["reorder_point"],
            &line["target"],
            &line["need"],
            &line["quantity"]
        ),
        (&json!(0), &json!(14), &json!(42), &json!(32), &json!(36))
    );
    // 36 × 11.20 = 403.20.
    assert_eq!(got["orders"][0]["total_cost"], "403.20");
}

#[test]
fn a_max_steps_down_one_pack_only_when_the_reorder_point_still_holds() {
    let sf = worked_example();
    sf.run(&argv(
        "product create --company 1 --sku SLOW-1 --name Slow --price 1",
    ))
    .ok();
    sf.run(&argv(
        "product create --company 1 --sku SLOW-2 --name Slower --price 1",
    ))
    .ok();
    // Min 200, Max 250; 3 sold in the window, lead 7: ROP = max(200, ceil(3 × 7 / 30) = 1) = 200.
    for (sku, pack, opening) in [("SLOW-1", "100", 197), ("SLOW-2", "60", 153)] {
        sf.run(&argv(&format!(
            "supplier link --sku {sku} --supplier 1 --primary --lead-time-days 7 --pack-size {pack}"
        )))
        .ok();
        sf.run(&argv(&format!(
            "threshold set --sku {sku} --warehouse 1 --quantity 200 --max 250"
        )))
        .ok();
        apply(&sf, &history(sku, opening, &[3]));
    }
    let got = plan(&sf, &[]);
    let lines = got["orders"][0]["lines"].as_array().unwrap();
    let slow = |sku: &str| lines.iter().find(|l| l["sku"] == sku).unwrap().clone();
    // SLOW-1: 194 on hand, S = 250: need 56 → 1 pack of 100; 294 > 250 but
    // 194 + 0 < 200, so it stays 100, over the max by 44.
    let one = slow("SLOW-1");
    assert_eq!((&one["need"], &one["quantity"]), (&json!(56), &json!(100)));
    assert_eq!(one["over_max"], true);
    assert_eq!(
        one["explain"],
        "position 194 < reorder point 200; need 250-194=56; 1 pack of 100; over max 250 by 44"
    );
    // SLOW-2: 150 on hand: need 100 → 2 packs = 120; 270 > 250 and
    // 150 + 60 = 210 ≥ 200: one pack less, 60.
    let two = slow("SLOW-2");
    assert_eq!((&two["need"], &two["quantity"]), (&json!(100), &json!(60)));
    assert_eq!(two["over_max"], false);
    // No cost on these links: the total is ADH-1's alone (48 × 11.20 = 537.60,
    // cover 30: S = max(10, ceil(60 × 37 / 30) = 74) = 74, need 64 → 6 packs = 72).
    let adh = slow("ADH-1");
    assert_eq!(adh["quantity"], 72);
    assert_eq!(adh["line_total"], "806.40", "72 × 11.20");
    assert_eq!(one["unit_cost"], Value::Null);
    assert_eq!(one["line_total"], Value::Null);
    assert_eq!(got["orders"][0]["total_cost"], "806.40");
    let table = sf
        .run(&["reorder", "plan", "--company", "1", "--as-of", AS_OF])
        .ok()
        .stdout;
    assert!(
        table.contains("3 lines, total 806.40 (leaves out 2 lines without a unit cost"),
        "{table}"
    );
    assert!(table.contains("100!"), "over max is marked: {table}");
}

#[test]
fn orders_are_grouped_per_supplier_and_warehouse_in_the_spec_order() {
    let sf = Sf::acme();
    sf.warehouse(1, "North");
    let zeta = sf.supplier(1, "Zeta", "z@example.com");
    let alpha = sf.supplier(1, "Alpha", "a@example.com");
    // Each product sells 30 in the window with 5 left, threshold 10, cover 30:
    // S = max(10, ceil(30 × (L + 30) / 30)) = L + 30; quantity = L + 25.
    let mut rows = String::new();
    for (sku, supplier, lead) in [
        ("B-2", Some(alpha), 2),
        ("A-1", Some(alpha), 1),
        ("Z-1", Some(zeta), 3),
        ("N-1", None, 0),
    ] {
        sf.run(&argv(&format!(
            "product create --company 1 --sku {sku} --name {sku} --price 1"
        )))
        .ok();
        if let Some(s) = supplier {
            sf.run(&argv(&format!(
                "supplier link --sku {sku} --supplier {s} --primary --lead-time-days {lead} --cost 1.50"
            )))
            .ok();
        }
        for w in [1, 2] {
            rows.push_str(&format!(
                "{sku},{w},35,receipt,2026-01-01\n{sku},{w},-30,sale,2026-03-20\n"
            ));
        }
    }
    apply(&sf, &rows);
    let got = plan(&sf, &[]);
    let groups: Vec<(Value, i64, Vec<&str>, &str)> = got["orders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            let lines = o["lines"].as_array().unwrap();
            (
                o["supplier"]["name"].clone(),
                o["warehouse"]["id"].as_i64().unwrap(),
                lines.iter().map(|l| l["sku"].as_str().unwrap()).collect(),
                o["total_cost"].as_str().unwrap(),
            )
        })
        .collect();
    // Alpha before Zeta (by name, not id), warehouse 1 before 2, no supplier
    // last; A-1 (26) + B-2 (27) = 53 × 1.50 = 79.50; Z-1 28 × 1.50 = 42.00.
    assert_eq!(
        groups,
        vec![
            (json!("Alpha"), 1, vec!["A-1", "B-2"], "79.50"),
            (json!("Alpha"), 2, vec!["A-1", "B-2"], "79.50"),
            (json!("Zeta"), 1, vec!["Z-1"], "42.00"),
            (json!("Zeta"), 2, vec!["Z-1"], "42.00"),
            (Value::Null, 1, vec!["N-1"], "0.00"),
            (Value::Null, 2, vec!["N-1"], "0.00"),
        ]
    );
    assert_eq!(got["total_lines"], 8);
    // Expected: as-of + the first line's lead time (A-1: 1 day); none without a supplier.
    assert_eq!(got["orders"][0]["expected_at"], "2026-04-01T00:00:00Z");
    assert_eq!(got["orders"][4]["expected_at"], Value::Null);
    // N-1: no supplier, lead 0: S = max(10, 30) = 30, 30 − 5 = 25.
    assert_eq!(got["orders"][4]["lines"][0]["quantity"], 25);

    // Filters: one supplier, one warehouse.
    let only = plan(&sf, &["--supplier", &zeta.to_string(), "--warehouse", "2"]);
    assert_eq!(only["total_lines"], 1);
    assert_eq!(only["orders"][0]["lines"][0]["sku"], "Z-1");
    assert_eq!(
        only["orders"][0]["warehouse"],
        json!({"id": 2, "name": "North"})
    );

    // CSV and JSON Lines: one row per line, the order's supplier and warehouse on it.
    let mut args = argv("reorder plan --company 1 --as-of");
    args.push(AS_OF);
    let (header, csv) = sf
        .run(&[&args[..], &["--format", "csv"]].concat())
        .ok()
        .csv();
    assert_eq!(csv.len(), 8);
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    assert_eq!(csv[0][col("supplier_name")], "Alpha");
    assert_eq!(csv[0][col("supplier_email")], "a@example.com");
    assert_eq!(csv[0][col("warehouse_id")], "1");
    assert_eq!(csv[0][col("sku")], "A-1");
    assert_eq!(csv[0][col("quantity")], "26");
    assert_eq!(csv[0][col("line_total")], "39.00", "26 × 1.50");
    assert_eq!(csv[7][col("supplier_id")], "", "no supplier: empty cells");
    let jsonl = sf
        .run(&[&args[..], &["--format", "jsonl"]].concat())
        .ok()
        .stdout;
    let rows: Vec<Value> = jsonl
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 8);
    assert_eq!(rows[2]["supplier_name"], "Alpha");
    assert_eq!(rows[2]["warehouse_name"], "North");
    assert_eq!(rows[2]["explain"], got["orders"][1]["lines"][0]["explain"]);

    // The table, into a pipe: one block per order, every column.
    let table = sf.run(&args).ok().stdout;
    assert!(
        table.contains("Alpha <a@example.com> → Main (warehouse 1), expected 2026-04-01"),
        "{table}"
    );
    assert!(table.contains("2 lines, total 79.50"), "{table}");
    assert!(
        table.contains("No primary supplier → North (warehouse 2)"),
        "{table}"
    );
    assert!(
        table.trim_end().ends_with("6 draft orders, 8 lines"),
        "{table}"
    );
    for header in ["On order", "Reorder at", "Target", "Unit cost", "Total"] {
        assert!(table.contains(header), "{header} in a pipe: {table}");
    }
}

#[test]
fn a_young_pair_sells_over_its_own_days() {
    let sf = Sf::acme();
    sf.run(&argv(
        "product create --company 1 --sku NEW-1 --name New --price 1",
    ))
    .ok();
    // Stocked 7 days before as-of, 14 sold since: 6 left. window 7, not 30:
    // S = max(10, ceil(14 × 30 / 7) = 60) = 60, ROP = 10: 60 − 6 = 54.
    apply(
        &sf,
        "NEW-1,1,20,receipt,2026-03-24\nNEW-1,1,-14,sale,2026-03-30\n",
    );
    let line = &plan(&sf, &[])["orders"][0]["lines"][0];
    assert_eq!(line["window_days"], 7);
    assert_eq!(line["quantity"], 54);
}

#[test]
fn safety_stock_alone_puts_a_pair_above_its_lead_time_demand_in_the_plan() {
    let sf = worked_example();
    // 9 more received: 19 left, above the threshold (10) and the lead time's
    // demand ceil(60 × 7 / 30) = 14, below ROP 14 + SS 7 = 21 at 95 %.
    apply(&sf, "ADH-1,1,9,receipt,2026-02-19T00:00:00Z\n");
    assert_eq!(
        plan(&sf, &argv("--cover-days 14")),
        json!({"orders": [], "total_lines": 0})
    );
    let got = plan(&sf, &argv("--cover-days 14 --service-level 95"));
    let line = &got["orders"][0]["lines"][0];
    // S = 49 (as the worked example); need 49 − 19 = 30 → 3 packs of 12 = 36.
    assert_eq!(
        (
            &line["stock"],
            &line["safety_stock"],
            &line["reorder_point"],
            &line["need"],
            &line["quantity"]
        ),
        (&json!(19), &json!(7), &json!(21), &json!(30), &json!(36))
    );
}

#[test]
fn a_young_pair_above_its_threshold_orders_at_its_own_rate() {
    let sf = Sf::acme();
    sf.supplier(1, "BondTech", "orders@bondtech.example");
    sf.run(&argv(
        "product create --company 1 --sku NEW-1 --name New --price 1",
    ))
    .ok();
    sf.run(&argv(
        "supplier link --sku NEW-1 --supplier 1 --primary --lead-time-days 14",
    ))
    .ok();
    // Stocked 7 days before as-of, 14 sold since: 26 left, above 10. Over its
    // 7 days ROP = ceil(14 × 14 / 7) = 28 > 26 (over 30 days it would be 7);
    // S = ceil(14 × (14 + 14) / 7) = 56: 56 − 26 = 30.
    apply(
        &sf,
        "NEW-1,1,40,receipt,2026-03-24\nNEW-1,1,-14,sale,2026-03-30\n",
    );
    let got = plan(&sf, &argv("--cover-days 14"));
    let line = &got["orders"][0]["lines"][0];
    assert_eq!(
        (
            &line["stock"],
            &line["window_days"],
            &line["reorder_point"],
            &line["quantity"]
        ),
        (&json!(26), &json!(7), &json!(28), &json!(30))
    );
}

#[test]
fn a_slow_mover_gets_no_safety_stock_and_says_why() {
    let sf = worked_example();
    sf.run(&argv(
        "threshold set --sku ADH-1 --warehouse 1 --quantity 11",
    ))
    .ok();
    // 12 days: the series' 7 days of 0 and 5 of 1 (03-19 .. 03-30): 5 days
    // with a sale, fewer than 10. ROP = max(11, ceil(5 × 7 / 12) = 3) = 11 > 10.
    let got = plan(&sf, &argv("--days 12 --service-level 99.5"));
    let line = &got["orders"][0]["lines"][0];
    assert_eq!(
        (&line["sold"], &line["window_days"]),
        (&json!(5), &json!(12))
    );
    assert_eq!(line["safety_stock"], 0);
    assert_eq!(
        line["safety_stock_note"],
        "no safety stock: 5 of the window's 12 days had a sale (fewer than 10)"
    );
}

#[test]
fn nothing_to_order_is_an_empty_plan() {
    let sf = worked_example();
    // Before any sale in the window: nothing sold, nothing planned.
    let mut args = argv("reorder plan --company 1 --as-of 2026-02-20");
    let none = sf.json(&args);
    assert_eq!(none, json!({"orders": [], "total_lines": 0}));
    args.extend(["--format", "table"]);
    assert_eq!(sf.run(&args).ok().stdout, "nothing to order\n");
}

#[test]
fn bad_plan_queries_name_the_value() {
    let sf = worked_example();
    sf.company("Other");
    sf.warehouse(2, "Theirs");
    let theirs = sf.supplier(2, "Theirs Co", "t@example.com");
    let run = |extra: &str| {
        let mut args = argv("reorder plan --as-of");
        args.push(AS_OF);
        args.extend(argv(extra));
        sf.run(&args)
    };
    run("--company 9").fails(4, "company 9 does not exist");
    run("--company 1 --warehouse 2").fails(4, "warehouse 2 does not belong to company 1");
    run(&format!("--company 1 --supplier {theirs}")).fails(
        4,
        &format!("supplier {theirs} does not belong to company 1"),
    );
    run("--company 1 --supplier 99").fails(4, "supplier 99 does not exist");
    run("--company 1 --days 0").fails(3, "days must be greater than 0: 0");
    run("--company 1 --days 36501").fails(3, "36501");
    run("--company 1 --cover-days -1").fails(3, "cover days must not be negative: -1");
    for bad in ["100", "50", "abc", "95%"] {
        run(&format!("--company 1 --service-level {bad}")).fails(
            3,
            &format!(
                "service level must be a percentage above 50 and below 100 (e.g. 95 or 99.5): {bad}"
            ),
        );
    }
    run("--company x").fails(3, "x");
}

#[test]
fn terms_of_supply_are_checked_shown_and_kept_on_a_relink() {
    let sf = worked_example();
    let show = || sf.json(&argv("product show ADH-1"))["suppliers"][0].clone();
    let link = show();
    assert_eq!(
        (&link["pack_size"], &link["min_order_quantity"]),
        (&json!(12), &json!(24))
    );
    // A re-link without them keeps them (as it keeps the lead time and cost).
    sf.run(&argv("supplier link --sku ADH-1 --supplier 1 --cost 12.00"))
        .ok();
    let link = show();
    assert_eq!(
        (
            &link["pack_size"],
            &link["min_order_quantity"],
            &link["cost"]
        ),
        (&json!(12), &json!(24), &json!("12.00"))
    );
    sf.run(&argv(
        "supplier link --sku ADH-1 --supplier 1 --pack-size 6 --min-order 0",
    ))
    .ok();
    assert_eq!(
        (&show()["pack_size"], &show()["min_order_quantity"]),
        (&json!(6), &json!(0))
    );
    // A new link without them: pack 1, no minimum.
    let other = sf.supplier(1, "Other Co", "o@example.com");
    let linked = sf.json(&argv(&format!(
        "supplier link --sku ADH-1 --supplier {other}"
    )));
    assert_eq!(
        (&linked["pack_size"], &linked["min_order_quantity"]),
        (&json!(1), &json!(0))
    );

    let before = sf.snapshot();
    for (flags, message) in [
        ("--pack-size 0", "pack size must be greater than 0: 0"),
        ("--pack-size -3", "pack size must not be negative: -3"),
        ("--pack-size 1.5", "pack size must be a whole number: 1.5"),
        ("--min-order -1", "minimum order must not be negative: -1"),
        (
            "--min-order 1000000001",
            "minimum order must be between 0 and 1000000000: 1000000001",
        ),
        (
            "--pack-size 1000000001",
            "pack size must be between 1 and 1000000000: 1000000001",
        ),
    ] {
        sf.run(&argv(&format!(
            "supplier link --sku ADH-1 --supplier 1 {flags}"
        )))
        .fails(3, message);
    }
    assert_eq!(sf.snapshot(), before, "a refused link writes nothing");
}

#[test]
fn a_max_is_at_least_the_threshold_and_listed_with_it() {
    let sf = worked_example();
    let set = sf.json(&argv(
        "threshold set --sku ADH-1 --warehouse 1 --quantity 20 --max 60",
    ));
    assert_eq!((&set["quantity"], &set["max"]), (&json!(20), &json!(60)));
    let listed = sf.json(&argv("threshold list --company 1"));
    assert_eq!(listed[0]["max"], 60);
    let before = sf.snapshot();
    sf.run(&argv(
        "threshold set --sku ADH-1 --warehouse 1 --quantity 20 --max 19",
    ))
    .fails(3, "max must be at least the threshold 20: 19");
    sf.run(&argv(
        "threshold set --sku ADH-1 --warehouse 1 --quantity 20 --max -1",
    ))
    .fails(3, "max must not be negative: -1");
    // A max belongs to one product in one warehouse.
    sf.run(&argv(
        "threshold set --company 1 --default --quantity 5 --max 9",
    ))
    .code(2);
    assert_eq!(sf.snapshot(), before, "refused: nothing written");
    // Setting the threshold again without --max sets it without one.
    let set = sf.json(&argv(
        "threshold set --sku ADH-1 --warehouse 1 --quantity 20",
    ));
    assert_eq!(set["max"], Value::Null);
    // With the max the target is the max: 60 − 10 = 50 → 5 packs of 12 = 60,
    // 10 + 60 = 70 > 60, and 10 + 48 = 58 ≥ ROP max(20, 14) = 20: 48.
    sf.run(&argv(
        "threshold set --sku ADH-1 --warehouse 1 --quantity 20 --max 60",
    ))
    .ok();
    let line = &plan(&sf, &argv("--cover-days 14"))["orders"][0]["lines"][0];
    assert_eq!(
        (&line["target"], &line["quantity"]),
        (&json!(60), &json!(48))
    );
}

#[test]
fn the_plan_table_fits_80_columns_on_a_terminal_and_is_whole_in_a_pipe() {
    let sf = worked_example();
    // A name of 14 characters.
    sf.run(&["product", "update", "ADH-1", "--name", "Adhesive 50 mm"])
        .ok();
    let args = [
        "reorder",
        "plan",
        "--company",
        "1",
        "--as-of",
        AS_OF,
        "--cover-days",
        "14",
    ];
    let text = crate::tables::on_terminal(&sf, 80, &[], &args);
    assert!(crate::tables::widest(&text) <= 80, "{text}");
    assert!(
        text.contains("Adhesive 50 mm"),
        "14 characters shown whole: {text}"
    );
    assert!(
        text.contains("BondTech <orders@bondtech.example> → Main"),
        "{text}"
    );
    assert!(text.contains("1 line, total 403.20"), "36 × 11.20: {text}");
    // Into a pipe: every column at its natural width, under its whole header.
    let piped = sf.run(&args).ok().stdout;
    for header in [
        "Stock",
        "On order",
        "Sold",
        "Days",
        "Reorder at",
        "Target",
        "Order",
        "Unit cost",
        "Total",
    ] {
        assert!(piped.contains(header), "{header}: {piped}");
    }
}

#[test]
fn commit_opens_the_orders_and_a_second_run_orders_nothing() {
    let sf = worked_example();
    // FOAM-1 has no supplier: planned, never ordered.
    sf.run(&argv(
        "product create --company 1 --sku FOAM-1 --name Foam --price 4",
    ))
    .ok();
    apply(&sf, &history("FOAM-1", 35, &[30]));
    let mut args = argv("reorder plan --company 1 --cover-days 14 --service-level 95 --as-of");
    args.push(AS_OF);
    let committed = sf.json(&[&args[..], &["--commit"]].concat());
    let orders = committed.as_array().unwrap();
    assert_eq!(
        orders.len(),
        1,
        "only the group with a supplier: {committed}"
    );
    let order = &orders[0];
    assert_eq!(
        (&order["status"], &order["supplier"]["id"]),
        (&json!("open"), &json!(1))
    );
    assert_eq!(order["warehouse"], json!({"id": 1, "name": "Main"}));
    // The worked example's line: 48 at the link's 11.20 = 537.60.
    let line = &order["lines"][0];
    assert_eq!(
        (
            &line["sku"],
            &line["quantity"],
            &line["outstanding"],
            &line["unit_cost"]
        ),
        (&json!("ADH-1"), &json!(48), &json!(48), &json!("11.20"))
    );
    assert_eq!(order["total_cost"], "537.60");
    let listed = sf.json(&argv("order list --company 1"));
    assert_eq!(listed.as_array().unwrap().len(), 1);

    // Right after: ADH-1 is on order (position 10 + 48 = 58 ≥ ROP 21), so
    // only FOAM-1 is planned, and a second commit opens nothing.
    let again = plan(&sf, &argv("--cover-days 14 --service-level 95"));
    assert_eq!(again["total_lines"], 1);
    assert_eq!(again["orders"][0]["supplier"], Value::Null);
    let before = sf.snapshot();
    let second = sf.json(&[&args[..], &["--commit"]].concat());
    assert_eq!(second, json!([]));
    assert_eq!(sf.snapshot(), before, "the second commit wrote nothing");

    // Alerts see the order too: with threshold 20, ADH-1 alerts (10 < 20) but
    // 58 ≥ ROP max(20, 14) = 20, so it suggests nothing more.
    sf.run(&argv(
        "threshold set --sku ADH-1 --warehouse 1 --quantity 20",
    ))
    .ok();
    let mut alert_args = argv("alerts low-stock --company 1 --as-of");
    alert_args.push(AS_OF);
    let alerts = sf.json(&alert_args);
    let adh = alerts["alerts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["sku"] == "ADH-1")
        .unwrap()
        .clone();
    assert_eq!(
        (&adh["on_order"], &adh["suggested_reorder_quantity"]),
        (&json!(48), &json!(0))
    );

    // A refused commit (a bad service level) writes nothing.
    let before = sf.snapshot();
    sf.run(&argv(
        "reorder plan --company 1 --commit --service-level 100",
    ))
    .fails(3, "service level");
    assert_eq!(sf.snapshot(), before);
}
