use crate::support::Sf;

fn setup() -> Sf {
    let sf = Sf::acme();
    sf.supplier(1, "Supplier Corp", "orders@supplier.com");
    sf
}

const GOOD: &str =
    "company_id,sku,name,price,type,threshold,warehouse_id,quantity,supplier_id,lead_time_days,cost
1,WID-001,Widget A,19.9,widget,20,1,40,1,7,4.10
1,WID-002,\"Widget, B\",0.3,,,,,,,
";

#[test]
fn import_creates_products_stock_and_primary_supplier() {
    let sf = setup();
    let path = sf.file("products.csv", GOOD);
    let out = sf.json(&["import", "products", &path]);
    assert_eq!(out, serde_json::json!({"applied": 2, "bulk_load": false}));
    let a = sf.json(&["product", "show", "WID-001"]);
    assert_eq!(
        (a["price"].as_str(), a["threshold"].as_i64()),
        (Some("19.90"), Some(20))
    );
    assert_eq!(a["stock"][0]["quantity"], 40);
    assert_eq!(a["suppliers"][0]["is_primary"], true);
    assert_eq!(a["suppliers"][0]["lead_time_days"], 7);
    assert_eq!(a["suppliers"][0]["cost"], "4.10");
    let b = sf.json(&["product", "show", "WID-002"]);
    assert_eq!(
        (b["name"].as_str(), b["price"].as_str()),
        (Some("Widget, B"), Some("0.30"))
    );
    assert_eq!(sf.ledger_rows(), 1);
}

#[test]
fn import_reads_stdin() {
    let sf = setup();
    let out = sf
        .cmd(&["import", "products", "-", "--format", "json"])
        .stdin(GOOD)
        .output()
        .ok();
    assert_eq!(out.json()["applied"], 2);
}

#[test]
fn one_bad_row_imports_nothing_and_names_line_and_column() {
    let sf = setup();
    let before = sf.snapshot();
    for (row, code, part) in [
        (
            "1,WID-003,C,19.999,,,,,,,",
            3,
            "line 4, column price: price must have at most 2 decimal places: 19.999",
        ),
        ("1,WID-003,C,1,,,1,-4,,,", 3, "line 4, column quantity"),
        (
            "1,WID-003,C,1,,,7,4,,,",
            4,
            "line 4, column warehouse_id: warehouse 7 does not exist",
        ),
        ("1,WID-003,C,1,,,1,,,,", 3, "line 4, column quantity"),
        ("9,WID-003,C,1,,,,,,,", 4, "line 4, column company_id"),
        (
            "1,wid-001,C,1,,,,,,,",
            5,
            "line 4, column sku: sku already exists: wid-001",
        ),
        ("1,WID 3,C,1,,,,,,,", 3, "line 4, column sku"),
        ("1,WID-003,C,1,,,,,5,,", 4, "line 4, column supplier_id"),
    ] {
        let text = format!("{GOOD}{row}\n");
        let path = sf.file("bad.csv", &text);
        sf.run(&["import", "products", &path]).fails(code, part);
        assert_eq!(sf.snapshot(), before, "{row}");
    }
}

#[test]
fn header_problems_are_reported() {
    let sf = setup();
    let path = sf.file("a.csv", "company_id,sku,name\n1,A,A\n");
    sf.run(&["import", "products", &path])
        .fails(3, "missing column price");
    let path = sf.file("b.csv", "company_id,sku,name,price,colour\n1,A,A,1,red\n");
    sf.run(&["import", "products", &path])
        .fails(3, "unknown column \"colour\"");
    sf.run(&["import", "products", "/no/such/file.csv"])
        .fails(3, "/no/such/file.csv");
}
