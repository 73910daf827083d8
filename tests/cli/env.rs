//! Messages that point at what the user has to fix: a bad value from the
//! environment names the variable (not a flag nobody typed), a flag on the
//! command line beats its variable, and a CSV header written by a
//! spreadsheet gets a hint. Each is exit 3 and leaves the database unchanged.

use crate::support::{Out, Sf};

/// Exactly one stderr line, `error: ...` containing `part`, exit `code`.
#[track_caller]
fn refused(out: Out, code: i32, part: &str) -> Out {
    let out = out.fails(code, part);
    assert_eq!(out.stderr.lines().count(), 1, "one line: {}", out.explain());
    assert!(out.stdout.is_empty(), "{}", out.explain());
    out
}

#[test]
fn a_bad_environment_value_names_its_variable() {
    let sf = Sf::acme();
    let before = sf.snapshot();
    for (var, value, part) in [
        (
            "STOCKFLOW_FORMAT",
            "xml",
            "error: invalid STOCKFLOW_FORMAT \"xml\": expected one of: table, json, jsonl, csv",
        ),
        (
            "STOCKFLOW_COLOR",
            "blue",
            "error: invalid STOCKFLOW_COLOR \"blue\": expected one of: auto, always, never",
        ),
        (
            "STOCKFLOW_BUSY_TIMEOUT_MS",
            "5s",
            "error: invalid STOCKFLOW_BUSY_TIMEOUT_MS \"5s\": expected whole milliseconds",
        ),
    ] {
        let out = sf
            .cmd(&["warehouse", "create", "--company", "1", "--name", "North"])
            .env(var, value)
            .output();
        let out = refused(out, 3, part);
        assert!(!out.stderr.contains("--format"), "{}", out.explain());
    }
    assert_eq!(sf.snapshot(), before);
    // The flag's own bad value still names the flag.
    refused(
        sf.run(&["company", "list", "--format", "xml"]),
        3,
        "invalid value 'xml' for '--format <FORMAT>'",
    );
}

#[test]
fn a_bad_listen_address_names_its_variable_or_its_flag() {
    let sf = Sf::acme();
    refused(
        sf.cmd(&["serve"]).env("STOCKFLOW_LISTEN", "bogus").output(),
        3,
        "invalid STOCKFLOW_LISTEN \"bogus\": listen address must be IP:PORT such as 127.0.0.1:8080",
    );
    refused(
        sf.run(&["serve", "--listen", "127.0.0.1"]),
        3,
        "invalid value '127.0.0.1' for '--listen <ADDR>'",
    );
}

#[test]
fn a_flag_on_the_command_line_beats_a_bad_variable_wherever_it_stands() {
    let sf = Sf::acme();
    for args in [
        &["--format", "json", "company", "list"][..],
        &["company", "list", "--format", "json"],
        &["company", "list", "--format=json"],
    ] {
        let out = sf.cmd(args).env("STOCKFLOW_FORMAT", "xml").output().ok();
        assert_eq!(out.json()[0]["name"], "Acme", "{}", out.explain());
    }
    let out = sf
        .cmd(&["--color", "never", "company", "list"])
        .env("STOCKFLOW_COLOR", "blue")
        .output()
        .ok();
    assert!(out.stdout.contains("Acme"), "{}", out.explain());
    // And a good variable still works when no flag is given.
    let out = sf
        .cmd(&["company", "list"])
        .env("STOCKFLOW_FORMAT", "jsonl")
        .output()
        .ok();
    assert_eq!(out.stdout.lines().count(), 1, "{}", out.explain());
}

#[test]
fn a_spreadsheet_header_gets_a_hint() {
    let sf = Sf::acme();
    sf.product(1, "WID-1", &["--warehouse", "1", "--quantity", "10"]);
    let before = sf.snapshot();
    let semi = sf.file(
        "semi.csv",
        "sku;warehouse_id;delta;reason\nWID-1;1;5;receipt\n",
    );
    refused(
        sf.run(&["stock", "adjust", "--file", &semi]),
        3,
        "line 1: unknown column \"sku;warehouse_id;delta;reason\": separate columns with commas, not semicolons",
    );
    let caps = sf.file(
        "caps.csv",
        "SKU,Warehouse_ID,delta,reason\nWID-1,1,5,receipt\n",
    );
    refused(
        sf.run(&["stock", "adjust", "--file", &caps]),
        3,
        "line 1: unknown column \"SKU\": column names are lower case (\"SKU\" → \"sku\")",
    );
    let import = sf.file(
        "products.csv",
        "company_id,SKU,name,price\n1,NEW-1,New,1.00\n",
    );
    refused(
        sf.run(&["import", "products", &import]),
        3,
        "line 1: unknown column \"SKU\": column names are lower case",
    );
    let tabs = sf.file(
        "tabs.csv",
        "company_id\tsku\tname\tprice\n1\tNEW-1\tNew\t1.00\n",
    );
    refused(
        sf.run(&["import", "products", &tabs]),
        3,
        "separate columns with commas, not tabs",
    );
    assert_eq!(sf.snapshot(), before);
}
