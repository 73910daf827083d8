//! SPEC 5: a table written to anything that is not a terminal (the harness
//! captures stdout: a pipe) is never cut: every row and every column, each
//! record on one line, at natural width. And a write whose output cannot be
//! written still stands, said once on stderr (README: design decisions).

use crate::support::{Sf, argv, argv_with, product_create};

/// The rows of a boxed table: the lines between the header's rule and the
/// bottom border.
fn body(table: &str) -> Vec<&str> {
    table
        .lines()
        .skip_while(|l| !l.starts_with('╞'))
        .skip(1)
        .take_while(|l| !l.starts_with('└'))
        .collect()
}

fn header(table: &str) -> &str {
    table.lines().nth(1).unwrap_or_default()
}

/// Acme with "Main Warehouse", suppliers "Supplier Corp" and "Supplier
/// Co-op", and two products selling below their threshold, one from each.
pub fn two_suppliers() -> Sf {
    let sf = Sf::new();
    sf.company("Acme");
    sf.warehouse(1, "Main Warehouse");
    let corp = sf.supplier(1, "Supplier Corp", "orders@supplier.com");
    let coop = sf.supplier(1, "Supplier Co-op", "buy@coop.example");
    for (sku, name, supplier) in [
        ("WID-001", "Widget A", corp),
        ("GAD-002", "Gadget De Luxe", coop),
    ] {
        sf.run(&argv_with(
            "product create --company 1 --sku {} --name {} --price 19.90 --threshold 20 --warehouse 1 --quantity 30",
            &[sku, name],
        ))
        .ok();
        sf.run(&argv(&format!(
            "supplier link --sku {sku} --supplier {supplier} --primary --lead-time-days 5"
        )))
        .ok();
        sf.adjust(sku, 1, -25, "sale", "2020-01-01");
    }
    // Sales in the window (the ones above are long past).
    for sku in ["WID-001", "GAD-002"] {
        sf.run(&argv(&format!(
            "stock adjust --sku {sku} --warehouse 1 --delta -1 --reason sale --reference INV-1001"
        )))
        .ok();
    }
    sf
}

#[test]
fn a_piped_history_table_holds_every_movement_one_line_each() {
    let sf = Sf::new();
    sf.company("Acme");
    sf.warehouse(1, "Main Warehouse");
    sf.product(1, "WID-001", &["--warehouse", "1", "--quantity", "1"]);
    let mut csv = String::from("sku,warehouse_id,delta,reason,reference,note\n");
    for n in 0..274 {
        csv.push_str(&format!(
            "WID-001,1,1,receipt,INV-{n:04},\"delivered to the back door of the main hall, ask for Sam\"\n"
        ));
    }
    let path = sf.file("many.csv", &csv);
    sf.run(&["stock", "adjust", "--file", &path]).ok();
    let out = sf.run(&["stock", "history"]).ok();
    let rows = body(&out.stdout);
    assert_eq!(rows.len(), 275, "{}", out.explain());
    // One line per movement, whatever its width: nothing wrapped, nothing cut.
    assert!(rows.iter().all(|r| r.starts_with('│') && r.ends_with('│')));
    assert!(!out.stdout.contains('…'), "{}", out.explain());
    assert!(
        rows.iter().any(|r| r.contains("INV-0000")),
        "the oldest is there"
    );
    assert!(rows.iter().all(|r| r.contains("Main Warehouse")));
    let noted = rows.iter().filter(|r| r.contains("ask for Sam")).count();
    assert_eq!(noted, 274, "every note whole: {}", out.explain());
    for column in ["When (UTC)", "SKU", "Warehouse", "Change", "Reason"] {
        assert!(header(&out.stdout).contains(column), "{column}");
    }
    for column in ["Reference", "Note", "By"] {
        assert!(header(&out.stdout).contains(column), "{column}");
    }
    // What grep finds in the table is what CSV has.
    let grep = |text: &str| text.lines().filter(|l| l.contains("INV-0042")).count();
    let csv = sf.run(&["stock", "history", "--format", "csv"]).ok().stdout;
    assert_eq!(grep(&out.stdout), 1);
    assert_eq!(grep(&csv), 1);
}

#[test]
fn a_piped_alert_table_keeps_warehouse_supplier_and_every_other_column() {
    let sf = two_suppliers();
    let out = sf.run(&["alerts", "low-stock", "--company", "1"]).ok();
    let head = header(&out.stdout);
    for column in [
        "SKU",
        "Product",
        "Warehouse",
        "Stock",
        "Min",
        "Days left",
        "Lead",
        "Supplier",
        "Reorder",
        "Sold/day",
    ] {
        assert!(head.contains(column), "{column}: {}", out.explain());
    }
    let rows = body(&out.stdout);
    assert_eq!(rows.len(), 2, "{}", out.explain());
    let gad = rows.iter().find(|r| r.contains("GAD-002")).unwrap();
    assert!(
        gad.contains("Gadget De Luxe") && gad.contains("Main Warehouse"),
        "{gad}"
    );
    assert!(gad.contains("Supplier Co-op"), "{gad}");
    let wid = rows.iter().find(|r| r.contains("WID-001")).unwrap();
    assert!(wid.contains("Supplier Corp"), "{wid}");
}

#[test]
fn piped_lists_keep_their_optional_columns() {
    let sf = two_suppliers();
    let suppliers = sf.run(&["supplier", "list"]).ok().stdout;
    assert!(header(&suppliers).contains("E-mail"), "{suppliers}");
    assert!(suppliers.contains("orders@supplier.com"), "{suppliers}");
    sf.run(&["product", "archive", "GAD-002"]).ok();
    let products = sf
        .run(&["product", "list", "--include-archived"])
        .ok()
        .stdout;
    assert!(header(&products).contains("Kind"), "{products}");
    let gad = products.lines().find(|l| l.contains("GAD-002")).unwrap();
    assert!(gad.contains("archived"), "{products}");
}

#[test]
fn a_piped_transfer_shows_the_new_stock_of_both_warehouses() {
    let sf = two_suppliers();
    sf.warehouse(1, "North Annex");
    let out = sf
        .run(&argv(
            "stock transfer --sku WID-001 --from 1 --to 2 --quantity 3",
        ))
        .ok();
    assert!(header(&out.stdout).contains("Stock"), "{}", out.explain());
    let rows = body(&out.stdout);
    // 30 - 25 - 1 = 4 in Main; 3 leave it, 3 arrive in the annex.
    let out_leg = rows.iter().find(|r| r.contains("transfer_out")).unwrap();
    let in_leg = rows.iter().find(|r| r.contains("transfer_in")).unwrap();
    assert!(
        out_leg.contains("  -3  ") && out_leg.contains("  1  "),
        "{out_leg}"
    );
    assert!(
        in_leg.contains("  +3  ") && in_leg.contains("  3  "),
        "{in_leg}"
    );
}

fn full() -> std::fs::File {
    std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap()
}

#[test]
fn a_token_created_into_a_full_disk_is_made_once_and_exits_0() {
    let sf = Sf::new();
    sf.company("Acme");
    for format in ["table", "json"] {
        let out = sf
            .cmd(&["token", "create", "--company", "1", "--format", format])
            .stdout(full())
            .output()
            .code(0);
        let lines: Vec<&str> = out.stderr.lines().collect();
        assert_eq!(lines.len(), 1, "{}", out.explain());
        assert!(
            lines[0].starts_with("warning: the change was committed")
                && lines[0].contains("`stockflow token list`")
                && lines[0].contains("stockflow token revoke ID"),
            "{}",
            out.explain()
        );
    }
    let tokens = sf.json(&["token", "list"]);
    assert_eq!(tokens.as_array().unwrap().len(), 2, "one per run: {tokens}");
}

#[test]
fn every_write_whose_output_fails_stands_and_exits_0() {
    let sf = two_suppliers();
    let token = sf.json(&["token", "create", "--company", "1"]);
    let token = token["id"].to_string();
    let writes: &[&[&str]] = &[
        &["company", "create", "--name", "Beta"],
        &["warehouse", "create", "--company", "1", "--name", "Depot"],
        &["supplier", "create", "--company", "1", "--name", "Third"],
        &["supplier", "link", "--sku", "WID-001", "--supplier", "2"],
        &["product", "update", "WID-001", "--price", "21.00"],
        &argv("threshold set --company 1 --default --quantity 9"),
        &argv("stock count --sku WID-001 --warehouse 1 --quantity 2"),
        &["bundle", "set", "KIT-1", "--component", "WID-001=1"],
        &["product", "archive", "GAD-002"],
        &["token", "revoke", &token],
    ];
    sf.run(&product_create("1", "KIT-1", "Kit", "5.00", &[]))
        .ok();
    for args in writes {
        let out = sf.cmd(args).stdout(full()).output().code(0);
        assert!(
            out.stderr.starts_with("warning: the change was committed")
                && out.stderr.lines().count() == 1,
            "{}",
            out.explain()
        );
    }
    assert_eq!(sf.json(&["company", "list"]).as_array().unwrap().len(), 2);
    assert_eq!(sf.json(&["product", "show", "WID-001"])["price"], "21.00");
    assert_eq!(sf.stock("WID-001", 1), 2);
    let kit = sf.json(&["product", "show", "KIT-1"]);
    assert_eq!(kit["components"][0]["sku"], "WID-001", "{kit}");
    let tokens = sf.json(&["token", "list"]);
    assert!(!tokens[0]["revoked_at"].is_null(), "{tokens}");
    // A read that cannot print changed nothing, and fails.
    let read = sf.cmd(&["stock", "history"]).stdout(full()).output();
    assert_eq!(read.code, 1, "{}", read.explain());
    assert!(read.stderr.starts_with("error: "), "{}", read.explain());
}
