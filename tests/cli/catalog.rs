use serde_json::json;

use crate::support::{Sf, argv, argv_with, id, product_create};

#[test]
fn company_names_are_unique_case_insensitively() {
    let sf = Sf::new();
    let c = sf.json(&["company", "create", "--name", "Acme"]);
    assert_eq!(c["id"], 1);
    assert!(c["created_at"].as_str().unwrap().ends_with('Z'));
    sf.run(&["company", "create", "--name", "ACME"])
        .fails(5, "ACME");
    sf.run(&["company", "create", "--name", "   "])
        .fails(3, "blank");
    assert_eq!(sf.json(&["company", "list"]).as_array().unwrap().len(), 1);
}

/// Names and product types fold ASCII case only, on both engines alike (as
/// SQLite's NOCASE): `Été` and `été` are two names, `Main` and `MAIN` one.
#[test]
fn names_and_types_fold_ascii_case_only_on_every_engine() {
    let sf = Sf::new();
    let c = sf.company("Été");
    sf.company("été");
    sf.run(&["company", "create", "--name", "éTÉ"]).ok();
    sf.run(&["company", "create", "--name", "ÉTé"])
        .fails(5, "ÉTé");
    sf.warehouse(c, "Hall Ä");
    sf.warehouse(c, "Hall ä");
    sf.run(&["warehouse", "create", "--company", "1", "--name", "HALL Ä"])
        .fails(5, "HALL Ä");
    sf.supplier(c, "Öl", "a@example.com");
    sf.supplier(c, "öl", "b@example.com");
    sf.run(&["supplier", "create", "--company", "1", "--name", "ÖL"])
        .fails(5, "ÖL");
    // A type threshold set in another ASCII case replaces the first one;
    // one in another non-ASCII case is a type of its own.
    for (ty, q) in [("Kabel", "7"), ("KABEL", "9"), ("Kabél", "4")] {
        sf.run(&[
            "threshold",
            "set",
            "--company",
            "1",
            "--type",
            ty,
            "--quantity",
            q,
        ])
        .ok();
    }
    let types: Vec<(String, i64)> = sf
        .json(&["threshold", "list", "--company", "1"])
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["scope"] == "type")
        .map(|t| {
            (
                t["type"].as_str().unwrap().to_owned(),
                t["quantity"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(types, [("Kabel".to_owned(), 9), ("Kabél".to_owned(), 4)]);
}

#[test]
fn warehouses_belong_to_an_existing_company_with_unique_names() {
    let sf = Sf::new();
    sf.company("Acme");
    sf.company("Other");
    let w = sf.json(&[
        "warehouse",
        "create",
        "--company",
        "1",
        "--name",
        "Main",
        "--location",
        "Dock 4",
    ]);
    assert_eq!(
        w,
        json!({"id": 1, "company_id": 1, "name": "Main", "location": "Dock 4"})
    );
    sf.run(&["warehouse", "create", "--company", "1", "--name", "main"])
        .fails(5, "main");
    sf.warehouse(2, "Main");
    sf.run(&["warehouse", "create", "--company", "9", "--name", "X"])
        .fails(4, "company 9");
    let listed = sf.json(&["warehouse", "list", "--company", "2"]);
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(listed[0]["location"], serde_json::Value::Null);
    assert_eq!(sf.json(&["warehouse", "list"]).as_array().unwrap().len(), 2);
    sf.run(&["warehouse", "list", "--company", "9"])
        .fails(4, "company 9");
}

#[test]
fn supplier_email_must_look_like_one() {
    let sf = Sf::new();
    sf.company("Acme");
    for bad in ["orders", "orders@", "@supplier.com", "a b@c.com"] {
        sf.run(&[
            "supplier",
            "create",
            "--company",
            "1",
            "--name",
            "S",
            "--email",
            bad,
        ])
        .fails(3, bad);
    }
    let s = sf.json(&[
        "supplier",
        "create",
        "--company",
        "1",
        "--name",
        "S",
        "--phone",
        "+49 30 1234",
    ]);
    assert_eq!(s["contact_email"], serde_json::Value::Null);
    assert_eq!(s["phone"], "+49 30 1234");
    sf.run(&["supplier", "create", "--company", "1", "--name", "s"])
        .fails(5, "s");
}

#[test]
fn linking_again_updates_and_primary_is_unique() {
    let sf = Sf::new();
    sf.company("Acme");
    sf.company("Other");
    let a = sf.supplier(1, "A", "a@a.example").to_string();
    let b = sf.supplier(1, "B", "b@b.example").to_string();
    let foreign = sf.supplier(2, "C", "c@c.example").to_string();
    sf.product(1, "WID", &[]);
    let l = sf.json(&[
        "supplier",
        "link",
        "--sku",
        "WID",
        "--supplier",
        &a,
        "--primary",
        "--lead-time-days",
        "5",
        "--cost",
        "2",
    ]);
    assert_eq!(
        (
            l["is_primary"].as_bool(),
            l["lead_time_days"].as_i64(),
            l["cost"].as_str()
        ),
        (Some(true), Some(5), Some("2.00"))
    );
    let l = sf.json(&[
        "supplier",
        "link",
        "--sku",
        "WID",
        "--supplier",
        &a,
        "--lead-time-days",
        "9",
    ]);
    assert_eq!(
        (
            l["is_primary"].as_bool(),
            l["lead_time_days"].as_i64(),
            l["cost"].as_str()
        ),
        (Some(true), Some(9), Some("2.00"))
    );
    sf.json(&[
        "supplier",
        "link",
        "--sku",
        "WID",
        "--supplier",
        &b,
        "--primary",
    ]);
    let shown = sf.json(&["product", "show", "WID"]);
    let primaries: Vec<i64> = shown["suppliers"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["is_primary"] == true)
        .map(|s| s["id"].as_i64().unwrap())
        .collect();
    assert_eq!(primaries, [b.parse::<i64>().unwrap()]);
    sf.run(&["supplier", "link", "--sku", "WID", "--supplier", &foreign])
        .fails(4, "does not belong");
    sf.run(&["supplier", "link", "--sku", "NOPE", "--supplier", &a])
        .fails(4, "NOPE");
    sf.run(&[
        "supplier",
        "link",
        "--sku",
        "WID",
        "--supplier",
        &a,
        "--cost",
        "1.999",
    ])
    .fails(3, "1.999");
    sf.run(&[
        "supplier",
        "link",
        "--sku",
        "WID",
        "--supplier",
        &a,
        "--lead-time-days",
        "-2",
    ])
    .fails(3, "-2");
    sf.run(&["check"]).ok();
}

#[test]
fn a_products_first_supplier_is_its_primary_so_its_alert_names_it() {
    let sf = Sf::new();
    sf.company("Acme");
    sf.warehouse(1, "Main");
    let a = sf.supplier(1, "Bolts Ltd", "a@a.example").to_string();
    let b = sf.supplier(1, "Backup Co", "b@b.example").to_string();
    sf.product(1, "WID", &argv("--threshold 10"));
    for delta in ["5 --reason receipt", "-2 --reason sale"] {
        sf.run(&argv(&format!(
            "stock adjust --sku WID --warehouse 1 --delta {delta}"
        )))
        .ok();
    }
    // No --primary: the product has no primary supplier yet, so this is it.
    let first = sf.json(&argv_with("supplier link --sku WID --supplier {}", &[&a]));
    assert_eq!(first["is_primary"], true, "{first}");
    // A second link without --primary stays secondary; the first stays primary.
    let second = sf.json(&argv_with("supplier link --sku WID --supplier {}", &[&b]));
    assert_eq!(second["is_primary"], false, "{second}");
    let alerts = sf.json(&argv("alerts low-stock --company 1"));
    assert_eq!(
        alerts["alerts"][0]["supplier"]["name"], "Bolts Ltd",
        "{alerts}"
    );
    // --primary on the second demotes the first, as before.
    sf.run(&argv_with(
        "supplier link --sku WID --supplier {} --primary",
        &[&b],
    ))
    .ok();
    let shown = sf.json(&argv("product show WID"));
    let primary: Vec<&str> = shown["suppliers"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["is_primary"] == true)
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(primary, ["Backup Co"]);
}
#[test]
fn thresholds_at_every_level_are_listed() {
    let sf = Sf::acme();
    sf.product(1, "WID", &["--threshold", "12", "--type", "widget"]);
    sf.json(&argv("threshold set --company 1 --default --quantity 15"));
    sf.json(&argv(
        "threshold set --company 1 --type widget --quantity 30",
    ));
    let t = sf.json(&argv("threshold set --sku WID --warehouse 1 --quantity 3"));
    assert_eq!(t["scope"], "product_warehouse");
    sf.json(&argv(
        "threshold set --company 1 --type widget --quantity 31",
    ));
    let listed = sf.json(&["threshold", "list", "--company", "1"]);
    let summary: Vec<(String, i64)> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["scope"].as_str().unwrap().to_owned(),
                t["quantity"].as_i64().unwrap(),
            )
        })
        .collect();
    let expected = [
        ("default", 15),
        ("type", 31),
        ("product", 12),
        ("product_warehouse", 3),
    ];
    assert_eq!(summary, expected.map(|(s, q)| (s.to_owned(), q)));
    sf.run(&["threshold", "set", "--company", "1", "--quantity", "3"])
        .code(2);
    sf.run(&argv("threshold set --company 1 --default --quantity -3"))
        .fails(3, "-3");
    sf.run(&argv("threshold set --company 8 --default --quantity 3"))
        .fails(4, "company 8");
    sf.run(&argv("threshold set --sku WID --warehouse 5 --quantity 3"))
        .fails(4, "warehouse 5");
}

#[test]
fn a_refused_create_uses_no_id_so_ids_are_the_same_on_both_engines() {
    let sf = Sf::new();
    assert_eq!(sf.company("Acme"), 1);
    sf.run(&["company", "create", "--name", "ACME"])
        .fails(5, "ACME");
    assert_eq!(sf.company("Beta"), 2);
    assert_eq!(sf.warehouse(1, "Main"), 1);
    sf.run(&["warehouse", "create", "--company", "1", "--name", "MAIN"])
        .fails(5, "MAIN");
    assert_eq!(sf.warehouse(2, "Main"), 2);
    let s = ["supplier", "create", "--company", "1", "--name"];
    assert_eq!(id(&sf.json(&[&s[..], &["Sup"]].concat())), 1);
    sf.run(&[&s[..], &["SUP"]].concat()).fails(5, "SUP");
    assert_eq!(id(&sf.json(&[&s[..], &["Other"]].concat())), 2);
    assert_eq!(sf.product(1, "A", &[]), 1);
    sf.run(&product_create("1", "a", "x", "1", &[]))
        .fails(5, "a");
    // Refused after the product row was written: its inventory row is another company's.
    sf.run(&product_create(
        "1",
        "B",
        "x",
        "1",
        &["--warehouse", "2", "--quantity", "1"],
    ))
    .code(4);
    assert_eq!(sf.product(1, "C", &[]), 2);
}
