use crate::support::{Sf, argv};

/// Acme: warehouse 1; A (10 units), B (5 units), KIT = 2×A + 1×B.
fn setup() -> Sf {
    let sf = Sf::acme();
    sf.product(1, "A", &["--warehouse", "1", "--quantity", "10"]);
    sf.product(1, "B", &["--warehouse", "1", "--quantity", "5"]);
    sf.product(1, "KIT", &[]);
    let set = sf.json(&argv("bundle set KIT --component A=2 --component b=1"));
    assert_eq!(set["components"][0]["sku"], "A");
    assert_eq!(set["components"][1]["quantity"], 1);
    sf
}

#[test]
fn bundle_availability_is_the_scarcest_component() {
    let sf = setup();
    let kit = sf.json(&["product", "show", "KIT"]);
    assert_eq!(kit["is_bundle"], true);
    // min(floor(10 / 2), floor(5 / 1)) = 5
    assert_eq!(kit["stock"][0]["quantity"], 5);
    assert_eq!(kit["components"].as_array().unwrap().len(), 2);
    sf.adjust("B", 1, -3, "sale", "2026-01-01");
    // min(5, floor(2 / 1)) = 2
    assert_eq!(
        sf.json(&["product", "show", "KIT"])["stock"][0]["quantity"],
        2
    );
}

#[test]
fn a_bundle_sale_moves_every_component_atomically() {
    let sf = setup();
    let moves = sf.json(&argv(
        "stock adjust --sku KIT --warehouse 1 --delta -2 --reason sale",
    ));
    let summary: Vec<(&str, i64, i64)> = moves
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["sku"].as_str().unwrap(),
                m["delta"].as_i64().unwrap(),
                m["quantity"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(summary, [("A", -4, 6), ("B", -2, 3)]);
    assert_eq!(moves[0]["bundle_sku"], "KIT");
    let through = sf.json(&["stock", "history", "--sku", "KIT"]);
    assert_eq!(through.as_array().unwrap().len(), 2);
    // 4 kits need 8 A (have 6) and 4 B (have 3): refused whole.
    let before = sf.snapshot();
    sf.run(&argv(
        "stock adjust --sku KIT --warehouse 1 --delta -4 --reason sale",
    ))
    .fails(5, "not enough stock of A");
    assert_eq!(sf.snapshot(), before);
    sf.json(&argv(
        "stock adjust --sku KIT --warehouse 1 --delta 1 --reason return",
    ));
    assert_eq!((sf.stock("A", 1), sf.stock("B", 1)), (8, 4));
    sf.run(&["check"]).ok();
}

#[test]
fn a_bundle_has_no_stock_of_its_own() {
    let sf = setup();
    // Two real, different warehouses, so the transfer's refusal comes from
    // the bundle rule and not from "a transfer needs two different warehouses".
    let second = sf.warehouse(1, "Second");
    let before = sf.snapshot();
    sf.run(&argv(
        "stock adjust --sku KIT --warehouse 1 --delta 1 --reason receipt",
    ))
    .fails(3, "KIT is a bundle");
    sf.run(&argv(&format!(
        "stock transfer --sku KIT --from 1 --to {second} --quantity 1"
    )))
    .fails(3, "KIT is a bundle");
    sf.run(&argv("stock count --sku KIT --warehouse 1 --quantity 1"))
        .fails(3, "bundle");
    assert_eq!(sf.snapshot(), before);
}

#[test]
fn bundle_rules_refuse_cycles_stock_and_strangers() {
    let sf = setup();
    sf.company("Other");
    sf.product(2, "FOREIGN", &[]);
    sf.product(1, "BOX", &[]);
    sf.json(&["bundle", "set", "BOX", "--component", "KIT=1"]);
    let before = sf.snapshot();
    sf.run(&["bundle", "set", "KIT", "--component", "KIT=1"])
        .fails(3, "cannot contain itself");
    sf.run(&["bundle", "set", "KIT", "--component", "BOX=1"])
        .fails(3, "cannot contain itself");
    sf.run(&["bundle", "set", "A", "--component", "B=1"])
        .fails(5, "holds 10 units");
    sf.run(&["bundle", "set", "KIT", "--component", "FOREIGN=1"])
        .fails(4, "does not belong to company 1");
    sf.run(&["bundle", "set", "KIT", "--component", "A=0"])
        .fails(3, "greater than 0");
    sf.run(&["bundle", "set", "KIT", "--component", "A"])
        .fails(3, "SKU=QTY");
    sf.run(&["bundle", "set", "KIT", "--component", "NOPE=1"])
        .fails(4, "NOPE");
    sf.run(&["bundle", "set", "KIT"]).code(2);
    assert_eq!(sf.snapshot(), before);
    // A nested bundle sells through to the leaves: BOX = 1 KIT = 2 A + 1 B.
    sf.json(&argv(
        "stock adjust --sku BOX --warehouse 1 --delta -1 --reason sale",
    ));
    assert_eq!((sf.stock("A", 1), sf.stock("B", 1)), (8, 4));
}
