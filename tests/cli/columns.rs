//! Table/CSV and JSON say the same: for every record the binary prints, each
//! CSV column is a JSON key (a nested object flattened as `prefix_key`) and
//! each JSON key is a CSV column, so a script can switch formats without
//! losing a field. Checked through the real binary, record by record.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::support::{Sf, argv, product_create};

/// The one rename SPEC 5 makes when it flattens: the alert's supplier
/// e-mail is `supplier_email`, not `supplier_contact_email`.
const RENAMED: &[(&str, &str)] = &[("supplier_contact_email", "supplier_email")];

/// An object's keys, a nested object's flattened one level with its key as
/// prefix (`supplier` {`id`} is `supplier_id`).
fn flat(object: &Value) -> BTreeSet<String> {
    let mut keys = BTreeSet::new();
    for (key, value) in object.as_object().expect("a JSON object") {
        match value.as_object() {
            Some(nested) => {
                for inner in nested.keys() {
                    let name = format!("{key}_{inner}");
                    let name = RENAMED
                        .iter()
                        .find(|(from, _)| *from == name)
                        .map_or(name, |(_, to)| (*to).to_owned());
                    keys.insert(name);
                }
            }
            None => {
                keys.insert(key.clone());
            }
        }
    }
    keys
}

/// Expects `json` (one object) and the CSV `header` to name the same fields.
#[track_caller]
fn agree(what: &str, json: &Value, header: &[String]) {
    let csv: BTreeSet<String> = header.iter().cloned().collect();
    assert_eq!(
        csv.len(),
        header.len(),
        "{what}: a CSV column twice: {header:?}"
    );
    let json = flat(json);
    let only_csv: Vec<&String> = csv.difference(&json).collect();
    let only_json: Vec<&String> = json.difference(&csv).collect();
    assert!(
        only_csv.is_empty() && only_json.is_empty(),
        "{what}: CSV only {only_csv:?}, JSON only {only_json:?}"
    );
}

/// The first JSON object a command prints (an object, or an array's first).
fn first(sf: &Sf, args: &[&str]) -> Value {
    let json = sf.json(args);
    match json {
        Value::Array(mut items) => {
            assert!(!items.is_empty(), "{args:?} printed an empty list");
            items.remove(0)
        }
        other => other,
    }
}

fn header(sf: &Sf, args: &[&str]) -> Vec<String> {
    let mut all = args.to_vec();
    all.extend(["--format", "csv"]);
    sf.run(&all).ok().csv().0
}

#[test]
fn every_record_has_the_same_fields_in_csv_as_in_json() {
    let sf = crate::pipes::two_suppliers();
    sf.warehouse(1, "North Annex");
    sf.run(&product_create("1", "KIT-1", "Kit", "5.00", &[]))
        .ok();
    sf.run(&["bundle", "set", "KIT-1", "--component", "WID-001=1"])
        .ok();
    sf.run(&argv(
        "threshold set --sku WID-001 --warehouse 1 --quantity 7",
    ))
    .ok();
    sf.json(&["token", "create", "--company", "1", "--name", "shop"]);
    // Each listing, read twice: JSON and CSV.
    for args in [
        &["company", "list"][..],
        &["warehouse", "list"],
        &["supplier", "list"],
        &["product", "list"],
        &["threshold", "list", "--company", "1"],
        &["stock", "list"],
        &["stock", "history"],
        &["token", "list"],
    ] {
        agree(&args.join(" "), &first(&sf, args), &header(&sf, args));
    }
    // Alerts: JSON Lines carries one alert per line, as CSV one per row.
    let alerts = sf
        .run(&["alerts", "low-stock", "--company", "1", "--format", "jsonl"])
        .ok();
    let alert: Value = serde_json::from_str(alerts.stdout.lines().next().unwrap()).unwrap();
    assert!(alert["supplier"].is_object(), "{alert}");
    let alert_header = header(&sf, &["alerts", "low-stock", "--company", "1"]);
    agree("alerts low-stock", &alert, &alert_header);
    // Writes: each run once per format, each time a change of its own.
    let writes: [(&[&str], &[&str]); 5] = [
        (
            &argv("stock adjust --sku WID-001 --warehouse 1 --delta 1 --reason receipt"),
            &[],
        ),
        (
            &argv("stock transfer --sku WID-001 --from 1 --to 2 --quantity 1"),
            &[],
        ),
        (
            &argv("supplier link --sku WID-001 --supplier 2 --lead-time-days 4"),
            &[],
        ),
        (&["token", "create", "--company", "1", "--name", "erp"], &[]),
        (
            &argv("product create --company 1 --name N --price 1.00 --sku"),
            &["NEW-J", "NEW-C"],
        ),
    ];
    for (args, skus) in writes {
        let with = |sku: Option<&&'static str>| {
            let mut all: Vec<&str> = args.to_vec();
            all.extend(sku.copied());
            all
        };
        let json = first(&sf, &with(skus.first()));
        agree(
            &args[..2].join(" "),
            &json,
            &header(&sf, &with(skus.get(1))),
        );
    }
    // A batch's result.
    let batch = sf.file(
        "b.csv",
        "sku,warehouse_id,delta,reason\nWID-001,1,1,receipt\n",
    );
    let args = ["stock", "adjust", "--file", batch.as_str()];
    agree(
        "stock adjust --file",
        &first(&sf, &args),
        &header(&sf, &args),
    );
    // A bundle's components, as `product show` nests them and `bundle set` lists them.
    let kit = sf.json(&["product", "show", "KIT-1"]);
    let set = ["bundle", "set", "KIT-1", "--component", "WID-001=2"];
    agree(
        "bundle component",
        &kit["components"][0],
        &header(&sf, &set),
    );
}

#[test]
fn a_copy_counts_its_tables_the_same_in_csv_and_json() {
    let sf = Sf::acme();
    let to = sf.dir.path().join("copy-json.db");
    let to_csv = sf.dir.path().join("copy-csv.db");
    let json = sf.json(&["copy", "--to", to.to_str().unwrap()]);
    let csv = header(&sf, &["copy", "--to", to_csv.to_str().unwrap()]);
    agree("copy", &json["tables"][0], &csv);
}
