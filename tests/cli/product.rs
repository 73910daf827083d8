use crate::support::{Sf, argv, product_create};

fn create(sf: &Sf, sku: &str, price: &str, extra: &[&str]) -> crate::support::Out {
    sf.run(&product_create("1", sku, "Widget", price, extra))
}

#[test]
fn each_invalid_price_is_refused_unrounded_and_leaves_nothing() {
    let sf = Sf::acme();
    let before = sf.snapshot();
    for (price, why) in [
        ("-1", "price must not be negative: -1"),
        ("19.999", "price must have at most 2 decimal places: 19.999"),
        ("1e3", "1e3"),
        ("abc", "abc"),
        ("NaN", "NaN"),
        (
            "100000000.00",
            "price must be at most 99999999.99: 100000000.00",
        ),
    ] {
        create(
            &sf,
            "WID-1",
            price,
            &["--warehouse", "1", "--quantity", "5"],
        )
        .fails(3, why);
    }
    assert_eq!(sf.snapshot(), before);
}

#[test]
fn prices_are_exact_in_json_and_csv() {
    let sf = Sf::acme();
    for (i, (given, shown)) in [
        ("0.10", "0.10"),
        ("0.3", "0.30"),
        ("5", "5.00"),
        ("99999999.99", "99999999.99"),
    ]
    .into_iter()
    .enumerate()
    {
        let sku = format!("P{i}");
        let out = create(&sf, &sku, given, &["--format", "json"]).ok();
        assert_eq!(out.json()["price"], shown, "{given}");
        let csv = sf.run(&["product", "show", &sku, "--format", "csv"]).ok();
        let (header, rows) = csv.csv();
        let col = header.iter().position(|h| h == "price").unwrap();
        assert_eq!(rows[0][col], shown);
    }
    let listed = sf.json(&["product", "list"]);
    let prices: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["price"].as_str().unwrap())
        .collect();
    assert_eq!(prices, ["0.10", "0.30", "5.00", "99999999.99"]);
}

#[test]
fn each_invalid_sku_is_refused() {
    let sf = Sf::acme();
    let long = "x".repeat(65);
    for sku in ["", "A B", "A\tB", "A\u{1}B", "A\nB", long.as_str()] {
        create(&sf, sku, "1.00", &[]).fails(3, "sku");
    }
    create(&sf, &"x".repeat(64), "1.00", &[]).ok();
    assert_eq!(sf.json(&["product", "list"]).as_array().unwrap().len(), 1);
}

#[test]
fn duplicate_sku_in_another_case_or_company_is_a_conflict() {
    let sf = Sf::acme();
    sf.company("Other");
    create(&sf, "WID-001", "1.00", &[]).ok();
    create(&sf, "wid-001", "1.00", &[]).fails(5, "sku already exists: wid-001");
    sf.run(&product_create("2", "Wid-001", "x", "1", &[]))
        .fails(5, "Wid-001");
    // Non-ASCII letters fold too.
    create(&sf, "ÄPFEL-1", "1.00", &[]).ok();
    create(&sf, "äpfel-1", "1.00", &[]).fails(5, "äpfel-1");
}

#[test]
fn unknown_or_foreign_warehouse_creates_nothing() {
    let sf = Sf::acme();
    sf.company("Other");
    let foreign = sf.warehouse(2, "Theirs");
    let before = sf.snapshot();
    create(
        &sf,
        "WID-1",
        "1.00",
        &["--warehouse", "99", "--quantity", "5"],
    )
    .fails(4, "warehouse 99");
    create(
        &sf,
        "WID-1",
        "1.00",
        &["--warehouse", &foreign.to_string(), "--quantity", "5"],
    )
    .fails(4, "does not belong to company 1");
    assert_eq!(
        sf.snapshot(),
        before,
        "no orphan product, inventory or ledger row"
    );
    sf.run(&["product", "show", "WID-1"]).fails(4, "WID-1");
}

#[test]
fn unknown_company_is_not_found() {
    let sf = Sf::acme();
    sf.run(&product_create("7", "A", "A", "1", &[]))
        .fails(4, "company 7 does not exist");
}

#[test]
fn opening_stock_writes_inventory_and_one_initial_movement() {
    let sf = Sf::acme();
    create(
        &sf,
        "WID-1",
        "19.90",
        &["--warehouse", "1", "--quantity", "40"],
    )
    .ok();
    assert_eq!(sf.stock("WID-1", 1), 40);
    let history = sf.json(&["stock", "history", "--sku", "WID-1"]);
    assert_eq!(history.as_array().unwrap().len(), 1);
    assert_eq!(history[0]["reason"], "initial");
    assert_eq!(history[0]["delta"], 40);
    assert_eq!(history[0]["actor"], "tester");
    // Zero opening stock stocks the product there without a movement.
    create(&sf, "WID-2", "1", &["--warehouse", "1", "--quantity", "0"]).ok();
    assert_eq!(
        sf.json(&["stock", "list", "--sku", "WID-2"])[0]["quantity"],
        0
    );
    assert_eq!(sf.ledger_rows(), 1);
}

#[test]
fn quantities_must_be_whole_and_non_negative_and_come_in_pairs() {
    let sf = Sf::acme();
    let before = sf.snapshot();
    create(&sf, "W", "1", &["--warehouse", "1", "--quantity", "-3"])
        .fails(3, "quantity must not be negative: -3");
    create(&sf, "W", "1", &["--warehouse", "1", "--quantity", "ten"]).fails(3, "ten");
    create(&sf, "W", "1", &["--warehouse", "1", "--quantity", "2.5"]).fails(3, "2.5");
    create(&sf, "W", "1", &["--warehouse", "x", "--quantity", "2"]).fails(3, "x");
    create(&sf, "W", "1", &["--threshold", "-1"]).fails(3, "threshold");
    // Both or neither: clap's usage error.
    create(&sf, "W", "1", &["--warehouse", "1"]).code(2);
    create(&sf, "W", "1", &["--quantity", "1"]).code(2);
    assert_eq!(sf.snapshot(), before);
}

#[test]
fn update_and_archive() {
    let sf = Sf::acme();
    create(&sf, "WID-1", "1.00", &["--threshold", "7"]).ok();
    let p = sf.json(&[
        "product", "update", "WID-1", "--price", "2.5", "--name", "Better", "--type", "tool",
    ]);
    assert_eq!(
        (p["price"].as_str(), p["name"].as_str(), p["type"].as_str()),
        (Some("2.50"), Some("Better"), Some("tool"))
    );
    assert_eq!(p["threshold"], 7, "untouched fields keep their value");
    let p = sf.json(&["product", "update", "wid-1", "--no-threshold"]);
    assert_eq!(p["threshold"], serde_json::Value::Null);
    sf.run(&["product", "update", "WID-1", "--price", "1.001"])
        .fails(3, "1.001");
    sf.run(&["product", "update", "NOPE", "--price", "1"])
        .fails(4, "NOPE");
    sf.run(&argv("product update WID-1 --threshold 3 --no-threshold"))
        .code(2);
    let p = sf.json(&["product", "archive", "WID-1"]);
    assert_eq!(p["archived"], true);
    assert_eq!(sf.json(&["product", "list"]), serde_json::json!([]));
    assert_eq!(
        sf.json(&["product", "list", "--include-archived"])[0]["sku"],
        "WID-1"
    );
}

#[test]
fn show_lists_stock_and_suppliers_primary_first() {
    let sf = Sf::acme();
    sf.warehouse(1, "North");
    let s1 = sf.supplier(1, "First", "a@first.example");
    let s2 = sf.supplier(1, "Second", "b@second.example");
    create(
        &sf,
        "WID-1",
        "1.00",
        &["--warehouse", "2", "--quantity", "4"],
    )
    .ok();
    sf.run(&[
        "supplier",
        "link",
        "--sku",
        "WID-1",
        "--supplier",
        &s1.to_string(),
        "--cost",
        "3.5",
    ])
    .ok();
    sf.run(&[
        "supplier",
        "link",
        "--sku",
        "WID-1",
        "--supplier",
        &s2.to_string(),
        "--primary",
        "--lead-time-days",
        "6",
    ])
    .ok();
    let shown = sf.json(&["product", "show", "WID-1"]);
    assert_eq!(shown["stock"][0]["warehouse_name"], "North");
    assert_eq!(shown["stock"][0]["quantity"], 4);
    assert_eq!(shown["suppliers"][0]["id"], s2);
    assert_eq!(shown["suppliers"][0]["is_primary"], true);
    assert_eq!(shown["suppliers"][0]["lead_time_days"], 6);
    assert_eq!(shown["suppliers"][1]["cost"], "3.50");
    assert_eq!(shown["suppliers"][1]["is_primary"], false);
    assert!(shown.get("components").is_none());
}
