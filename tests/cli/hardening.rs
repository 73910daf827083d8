//! Issue 7's hardening rules, through the real binary: every number from
//! outside is range-checked before arithmetic, nothing panics, and every
//! refusal is one safe `error:` line with the SPEC's exit code and nothing
//! written.

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;

use crate::support::{Out, Sf, argv, argv_with, product_create, skip_unless_sqlite};

/// Acme (1) with warehouses 1 and 2, Other (2) with warehouse 3, and WID-1
/// holding 10 units in warehouse 1.
fn setup() -> Sf {
    Sf::two_tenants()
}

/// Expects exit `code`, nothing on stdout, and exactly one stderr line
/// `error: ...` containing `part`, with no raw control character in it.
#[track_caller]
fn refused(out: Out, code: i32, part: &str) -> Out {
    let out = out.fails(code, part);
    assert_eq!(out.stderr.lines().count(), 1, "one line: {}", out.explain());
    assert!(
        !out.stderr
            .trim_end_matches('\n')
            .chars()
            .any(char::is_control),
        "raw control character in {}",
        out.explain()
    );
    assert_eq!(out.stdout, "", "nothing on stdout: {}", out.explain());
    out
}

fn adjust(sf: &Sf, delta: &str, reason: &str) -> Out {
    sf.run(&argv_with(
        "stock adjust --sku WID-1 --warehouse 1 --delta {} --reason {}",
        &[delta, reason],
    ))
}

#[test]
fn numbers_from_outside_are_range_checked_before_arithmetic() {
    let sf = setup();
    let before = sf.snapshot();
    for delta in [
        "-9223372036854775808",
        "9223372036854775807",
        "-1000000000001",
        "1000000000001",
        "99999999999999999999",
    ] {
        refused(adjust(&sf, delta, "correction"), 3, delta);
    }
    assert_eq!(sf.snapshot(), before);
}

#[test]
fn stock_past_the_unit_limit_is_a_conflict_not_a_wrap() {
    let sf = setup();
    adjust(&sf, "999999999990", "receipt").ok();
    assert_eq!(sf.stock("WID-1", 1), 1_000_000_000_000);
    let before = sf.snapshot();
    refused(adjust(&sf, "1", "receipt"), 5, "limit of 1000000000000");
    assert_eq!(sf.snapshot(), before);
    sf.run(&["check"]).ok();
}

#[test]
fn bundle_expansion_overflow_is_refused_not_wrapped() {
    let sf = setup();
    sf.product(1, "INNER", &[]);
    sf.product(1, "OUTER", &[]);
    let max = "1000000000000";
    sf.run(&argv(&format!("bundle set INNER --component WID-1={max}")))
        .ok();
    sf.run(&argv(&format!("bundle set OUTER --component INNER={max}")))
        .ok();
    let before = sf.snapshot();
    let sell = |sku: &str, delta: &str| {
        sf.run(&argv_with(
            "stock adjust --sku {} --warehouse 1 --delta {} --reason sale",
            &[sku, delta],
        ))
    };
    // 10^12 x 10^12 per OUTER: past 64 bits, through nesting.
    refused(sell("OUTER", "-1"), 3, "nested bundle quantities");
    // 10^12 bundles x 10^12 units each: past 64 bits in the sale itself.
    refused(sell("INNER", &format!("-{max}")), 3, "INNER");
    // In range, but more than there is: the stock rule.
    refused(sell("INNER", "-1"), 5, "not enough stock of WID-1");
    assert_eq!(sf.snapshot(), before);
}

#[test]
fn a_panic_is_one_line_exit_1_asking_for_a_report() {
    let sf = setup();
    let out = sf
        .cmd(&["company", "list"])
        .env("STOCKFLOW_TEST_PANIC", "1")
        .output()
        .code(1);
    assert_eq!(out.stderr.lines().count(), 1, "{}", out.explain());
    assert!(
        out.stderr
            .starts_with("error: internal error: a test asked for a panic")
            && out.stderr.contains("please report it")
            && out
                .stderr
                .contains(&format!("(stockflow {})", env!("CARGO_PKG_VERSION")))
            && !out.stderr.contains('\x1b'),
        "{}",
        out.explain()
    );
    let out = sf
        .cmd(&["company", "list", "--format", "json"])
        .env("STOCKFLOW_TEST_PANIC", "1")
        .output()
        .code(1);
    let json: serde_json::Value = serde_json::from_str(out.stderr.lines().nth(1).unwrap()).unwrap();
    assert_eq!(json["error"]["kind"], "internal", "{}", out.explain());
}

#[test]
fn output_into_a_closed_pipe_exits_0_quietly() {
    let sf = setup();
    for args in [&["completions", "bash"][..], &["stock", "history"]] {
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let out = sf.cmd(args).stdout(writer).output();
        assert_eq!(
            (out.code, out.stderr.as_str()),
            (0, ""),
            "{}",
            out.explain()
        );
    }
    let script = sf.run(&["completions", "bash"]).ok();
    assert!(
        script.stdout.starts_with("_stockflow()"),
        "{}",
        script.explain()
    );
}

#[test]
fn non_utf8_text_values_are_exit_3_naming_the_flag() {
    let sf = setup();
    let before = sf.snapshot();
    let bad = OsStr::from_bytes(b"A\xffB");
    fn os<'a>(args: &[&'a str]) -> Vec<&'a OsStr> {
        args.iter().map(|a| OsStr::new(*a)).collect()
    }
    let mut name = os(&["company", "create", "--name"]);
    name.push(bad);
    refused(sf.cmd_os(&name).output(), 3, "--name");
    let mut show = os(&["product", "show"]);
    show.push(bad);
    refused(sf.cmd_os(&show).output(), 3, "SKU");
    name.extend(os(&["--format", "json"]));
    let out = sf.cmd_os(&name).output().code(3);
    let json: serde_json::Value = serde_json::from_str(out.stderr.lines().nth(1).unwrap()).unwrap();
    assert_eq!(json["error"]["kind"], "invalid_input");
    assert_eq!(sf.snapshot(), before);
}

#[test]
fn non_utf8_paths_are_any_bytes() {
    if skip_unless_sqlite("about a SQLite file at a non-UTF-8 path") {
        return;
    }
    let sf = Sf::bare();
    let mut db = sf.dir.path().as_os_str().to_owned();
    db.push(OsStr::from_bytes(b"/st\xffck.db"));
    let init: Vec<&OsStr> = vec![OsStr::new("--db"), &db, OsStr::new("init")];
    sf.cmd_os(&init).output().ok();
    let list: Vec<&OsStr> = vec![
        OsStr::new("--db"),
        &db,
        OsStr::new("company"),
        OsStr::new("list"),
    ];
    sf.cmd_os(&list).output().ok();
    let mut csv = sf.dir.path().as_os_str().to_owned();
    csv.push(OsStr::from_bytes(b"/m\xffves.csv"));
    std::fs::write(&csv, "sku,warehouse_id,delta,reason\n").unwrap();
    let file: Vec<&OsStr> = ["--db", "--format", "json", "stock", "adjust", "--file"]
        .iter()
        .map(OsStr::new)
        .collect();
    let file = [
        &file[..1],
        &[db.as_os_str()],
        &file[1..],
        &[csv.as_os_str()],
    ]
    .concat();
    let out = sf.cmd_os(&file).output().ok();
    assert_eq!(out.json()["applied"], 0, "{}", out.explain());
}

#[test]
fn error_messages_escape_control_characters_and_stay_one_line() {
    let sf = setup();
    let before = sf.snapshot();
    let out = refused(
        sf.run(&["product", "show", "X\nerror: forged"]),
        3,
        "X\\nerror: forged",
    );
    assert!(!out.stderr.contains("\nerror: forged"));
    refused(
        adjust(&sf, "1", "gi\x1b]0;pwned\x07ft"),
        3,
        "gi\\u{1b}]0;pwned\\u{7}ft",
    );
    refused(
        adjust(&sf, "1", "c1\u{9b}2Jdel\x7f"),
        3,
        "c1\\u{9b}2Jdel\\u{7f}",
    );
    let csv = sf.file(
        "evil.csv",
        "sku,warehouse_id,delta,reason\nWID-1,1,1,\"x\x1b[2J\nerror: y\"\n",
    );
    refused(
        sf.run(&["stock", "adjust", "--file", &csv]),
        3,
        "x\\u{1b}[2J\\nerror: y",
    );
    assert_eq!(sf.snapshot(), before);
}

#[test]
fn usage_errors_escape_what_they_quote() {
    let sf = setup();
    let out = sf
        .run(&["company", "list", "--x\nerror: forged\x1b[2J"])
        .code(2);
    assert!(
        out.stderr
            .starts_with("error: unexpected argument '--x\\nerror: forged\\u{1b}[2J' found\n")
            && !out.stderr.contains('\x1b')
            && out
                .stderr
                .lines()
                .filter(|l| l.starts_with("error:"))
                .count()
                == 1,
        "{}",
        out.explain()
    );
}

#[test]
fn error_messages_are_short_whatever_the_value() {
    let sf = setup();
    let before = sf.snapshot();
    let long = "x".repeat(100_000);
    let out = refused(
        sf.run(&["company", "create", "--name", &long]),
        3,
        "at most 200",
    );
    assert!(out.stderr.chars().count() < 500 && out.stderr.contains('…'));
    let mut csv = String::from("sku,warehouse_id,delta,reason\n");
    csv.push_str(&"S".repeat(10 << 20));
    csv.push_str(",1,1,receipt\n");
    let path = sf.file("big.csv", &csv);
    let out = refused(sf.run(&["stock", "adjust", "--file", &path]), 3, "line 2");
    assert!(out.stderr.chars().count() < 500, "{}", out.stderr.len());
    assert_eq!(sf.snapshot(), before);
}

#[test]
fn a_bundle_sale_is_always_an_array() {
    let sf = setup();
    sf.product(1, "SIX", &[]);
    sf.run(&["bundle", "set", "SIX", "--component", "WID-1=6"])
        .ok();
    for (delta, reason, left) in [("-1", "sale", 4), ("1", "return", 10)] {
        let moves = sf.json(&argv_with(
            "stock adjust --sku SIX --warehouse 1 --delta {} --reason {}",
            &[delta, reason],
        ));
        let moves = moves.as_array().expect("a bundle's movements are an array");
        assert_eq!(moves.len(), 1);
        assert_eq!(moves[0]["sku"], "WID-1");
        assert_eq!(moves[0]["bundle_sku"], "SIX");
        assert_eq!(moves[0]["quantity"], left);
    }
    // A plain product's adjustment stays one object.
    let one = sf.json(&argv(
        "stock adjust --sku WID-1 --warehouse 1 --delta 1 --reason receipt",
    ));
    assert!(one.is_object(), "{one}");
}

#[test]
fn a_directory_where_a_file_is_expected_is_exit_3_naming_it() {
    let sf = setup();
    let before = sf.snapshot();
    let dir = sf.dir.path().join("inputs");
    std::fs::create_dir(&dir).unwrap();
    let dir = dir.to_string_lossy().into_owned();
    refused(sf.run(&["stock", "adjust", "--file", &dir]), 3, &dir);
    refused(sf.run(&["import", "products", &dir]), 3, &dir);
    let missing = sf
        .dir
        .path()
        .join("nope.csv")
        .to_string_lossy()
        .into_owned();
    refused(sf.run(&["import", "products", &missing]), 3, &missing);
    assert_eq!(sf.snapshot(), before);
}

#[test]
fn empty_input_says_empty_input() {
    let sf = setup();
    let before = sf.snapshot();
    let empty = sf.file("empty.csv", "");
    for args in [
        &["stock", "adjust", "--file", "-"][..],
        &["import", "products", "-"],
        &["stock", "adjust", "--file", &empty],
    ] {
        refused(sf.cmd(args).stdin("").output(), 3, "empty input");
    }
    assert_eq!(sf.snapshot(), before);
}

fn create(sf: &Sf, sku: &str) -> Out {
    sf.run(&product_create("1", sku, "n", "1", &[]))
}

#[test]
fn skus_starting_with_a_formula_sign_are_refused() {
    let sf = setup();
    let before = sf.snapshot();
    for sku in ["=1+1", "+SKU", "-SKU", "@HOME-1"] {
        refused(create(&sf, sku), 3, "must not start with =, +, - or @");
    }
    assert_eq!(sf.snapshot(), before);
    // Inside a SKU they are fine, and CSV output then needs no guard.
    create(&sf, "A-1=2@3").ok();
    let (_, rows) = sf.run(&["product", "list", "--format", "csv"]).ok().csv();
    assert!(rows.iter().any(|r| r[2] == "A-1=2@3"), "{rows:?}");
}

#[test]
fn sku_keys_are_unicode_case_folded_after_nfkc() {
    let sf = setup();
    for (first, twin) in [
        ("STRASSE", "straße"),
        ("BOXΣ", "boxς"),
        ("\u{c5}1", "a\u{30a}1"),
        ("wid-2", "ＷＩＤ-２"),
        ("ﬁle", "FILE"),
    ] {
        create(&sf, first).ok();
        let before = sf.snapshot();
        refused(create(&sf, twin), 5, "already exists");
        assert_eq!(sf.snapshot(), before);
        let shown = sf.json(&["product", "show", twin]);
        assert_eq!(shown["sku"], first, "{twin} finds {first}");
    }
    // Dotless ı is its own letter in Unicode's default folding (only Turkish
    // tailoring pairs it with I), so these are two SKUs.
    create(&sf, "ıD").ok();
    create(&sf, "ID").ok();
}

#[test]
fn invisible_and_bidirectional_characters_are_refused_in_skus() {
    let sf = setup();
    let before = sf.snapshot();
    for c in [
        '\u{200b}', '\u{200d}', '\u{202e}', '\u{200f}', '\u{ad}', '\u{feff}', '\u{2066}',
        '\u{fe0f}',
    ] {
        let sku = format!("AB{c}C");
        refused(create(&sf, &sku), 3, "invisible or bidirectional");
    }
    assert_eq!(sf.snapshot(), before);
}

#[test]
fn a_committed_write_whose_output_fails_says_so_and_exits_0() {
    let sf = setup();
    let full = || {
        std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap()
    };
    let out = sf
        .cmd(&argv(
            "stock adjust --sku WID-1 --warehouse 1 --delta 5 --reason receipt",
        ))
        .stdout(full())
        .output()
        .code(0);
    assert_eq!(out.stderr.lines().count(), 1, "{}", out.explain());
    assert!(
        out.stderr
            .starts_with("warning: the change was committed, but its output could not be written")
            && out.stderr.contains("see it with `stockflow stock history`"),
        "{}",
        out.explain()
    );
    assert_eq!(sf.stock("WID-1", 1), 15);
    let out = sf
        .cmd(&product_create("1", "NEW", "n", "1", &[]))
        .stdout(full())
        .output()
        .code(0);
    assert!(
        out.stderr.starts_with("warning: the change was committed")
            && out.stderr.contains("`stockflow product show SKU`"),
        "{}",
        out.explain()
    );
    // A read that cannot print has changed nothing: it fails as before.
    let read = sf.cmd(&["company", "list"]).stdout(full()).output();
    assert_eq!(read.code, 1, "{}", read.explain());
}

#[test]
fn filters_naming_nothing_are_not_found() {
    let sf = setup();
    refused(
        sf.run(&["stock", "list", "--warehouse", "999"]),
        4,
        "warehouse 999",
    );
    refused(
        sf.run(&["stock", "history", "--warehouse", "999"]),
        4,
        "warehouse 999",
    );
    refused(sf.run(&["stock", "history", "--sku", "NOPE"]), 4, "NOPE");
    refused(sf.run(&["stock", "list", "--sku", "NOPE"]), 4, "NOPE");
    refused(
        sf.run(&["stock", "list", "--company", "1", "--warehouse", "3"]),
        4,
        "warehouse 3",
    );
    // A real filter with nothing in it is still an empty success.
    assert_eq!(
        sf.json(&["stock", "list", "--warehouse", "2"]),
        serde_json::json!([])
    );
}

#[test]
fn negative_ids_are_invalid_input_in_one_line() {
    let sf = setup();
    refused(sf.run(&["stock", "list", "--warehouse", "-1"]), 3, "-1");
    refused(sf.run(&["stock", "history", "--limit", "-5"]), 3, "-5");
}

#[test]
fn type_and_email_accept_leading_hyphens() {
    let sf = setup();
    let p = sf.json(&product_create("1", "T1", "t", "1", &["--type", "-refurb"]));
    assert_eq!(p["type"], "-refurb");
    let s = sf.json(&argv(
        "supplier create --company 1 --name S --email -orders@x.com",
    ));
    assert_eq!(s["contact_email"], "-orders@x.com");
    let t = sf.json(&argv(
        "threshold set --company 1 --type -refurb --quantity 3",
    ));
    assert_eq!(t["quantity"], 3, "{t}");
}

/// Writes straight into the database, as damage or a hand edit would.
fn tamper(sf: &Sf, sql: &str) {
    sf.execute(sql).unwrap();
}

#[test]
fn stored_text_that_cannot_be_read_is_exit_7_and_check_finds_it() {
    if skip_unless_sqlite("invalid UTF-8 in a text column, which only SQLite can hold") {
        return;
    }
    let sf = setup();
    sf.run(&["check"]).ok();
    tamper(
        &sf,
        "INSERT INTO movement (product_id, warehouse_id, delta, reason, note, actor, occurred_at, recorded_at)
         VALUES (1, 1, 1, 'correction', CAST(X'6E6FFF7465' AS TEXT), 'x', 1, 1);
         UPDATE inventory SET quantity = quantity + 1 WHERE product_id = 1 AND warehouse_id = 1;",
    );
    refused(
        sf.run(&["stock", "history"]),
        7,
        "stored data cannot be read",
    );
    let out = sf.run(&["check", "--format", "json"]).code(7);
    let report = out.json();
    assert_eq!(report["ok"], false);
    assert_eq!(
        report["problems"],
        serde_json::json!(["text: 1 value(s) of movement.note are not valid UTF-8"])
    );
}

#[test]
fn sums_past_64_bits_in_check_and_alerts_are_exit_7() {
    if skip_unless_sqlite("tampers the SQLite file (unixepoch(), 64-bit sums)") {
        return;
    }
    let sf = setup();
    sf.run(&["product", "update", "WID-1", "--threshold", "20"])
        .ok();
    tamper(
        &sf,
        "INSERT INTO movement (product_id, warehouse_id, delta, reason, actor, occurred_at, recorded_at)
         VALUES (1, 1, -5000000000000000000, 'sale', 'x', unixepoch(), 1),
                (1, 1, -5000000000000000000, 'sale', 'x', unixepoch(), 1);",
    );
    let out = sf.run(&["check", "--format", "json"]).code(7);
    let problems = out.json()["problems"].to_string();
    assert!(
        problems.contains("cannot be checked: integer overflow"),
        "{}",
        out.explain()
    );
    refused(
        sf.run(&["alerts", "low-stock", "--company", "1"]),
        7,
        "cannot be summed",
    );
}

/// Every id flag of every command, with each hostile id: exit 3 naming the
/// value, nothing written, no panic.
#[test]
fn hostile_ids_on_every_flag_are_invalid_input() {
    let sf = setup();
    let before = sf.snapshot();
    let commands = [
        "warehouse create --company {} --name W9",
        "warehouse list --company {}",
        "supplier create --company {} --name S9",
        "supplier list --company {}",
        "supplier link --sku WID-1 --supplier {}",
        "product create --company {} --sku N9 --name n --price 1",
        "product create --company 1 --sku N9 --name n --price 1 --warehouse {} --quantity 1",
        "product list --company {}",
        "threshold set --company {} --default --quantity 5",
        "threshold set --sku WID-1 --warehouse {} --quantity 5",
        "threshold list --company {}",
        "stock adjust --sku WID-1 --warehouse {} --delta 1 --reason receipt",
        "stock transfer --sku WID-1 --from {} --to 2 --quantity 1",
        "stock transfer --sku WID-1 --from 1 --to {} --quantity 1",
        "stock count --sku WID-1 --warehouse {} --quantity 1",
        "stock list --company {}",
        "stock list --warehouse {}",
        "stock history --warehouse {}",
        "alerts low-stock --company {}",
        "alerts low-stock --company 1 --warehouse {}",
    ];
    for id in ["0", "-1", "1.0", " 1", "9223372036854775808", "+1", "١"] {
        for command in commands {
            refused(
                sf.run(&argv_with(command, &[id])),
                3,
                &format!("id must be a positive integer: {id}"),
            );
        }
        let csv = sf.file(
            "ids.csv",
            &format!("sku,warehouse_id,delta,reason\nWID-1,\"{id}\",1,receipt\n"),
        );
        refused(
            sf.run(&["stock", "adjust", "--file", &csv]),
            3,
            "line 2, column warehouse_id",
        );
    }
    assert_eq!(sf.snapshot(), before);
}

/// Counts and limits: whole ASCII numbers within range, or exit 3.
#[test]
fn hostile_counts_on_every_flag_are_invalid_input() {
    let sf = setup();
    let before = sf.snapshot();
    let commands = [
        "stock adjust --sku WID-1 --warehouse 1 --delta {} --reason receipt",
        "stock transfer --sku WID-1 --from 1 --to 2 --quantity {}",
        "stock count --sku WID-1 --warehouse 1 --quantity {}",
        "stock history --limit {}",
        "product update WID-1 --threshold {}",
        "threshold set --company 1 --default --quantity {}",
        "supplier link --sku WID-1 --supplier 1 --lead-time-days {}",
        "alerts low-stock --company 1 --days {}",
        "alerts low-stock --company 1 --limit {}",
        "alerts low-stock --company 1 --offset {}",
        "alerts low-stock --company 1 --cover-days {}",
    ];
    for n in [
        "9223372036854775808",
        "-9223372036854775809",
        "1.0",
        " 1",
        "1e3",
        "٣",
        "0x10",
    ] {
        for command in commands {
            refused(sf.run(&argv_with(command, &[n])), 3, n);
        }
    }
    assert_eq!(sf.snapshot(), before);
}

#[test]
fn hostile_prices_are_invalid_input() {
    let sf = setup();
    sf.supplier(1, "Parts", "p@x.com");
    let before = sf.snapshot();
    for price in [
        "+1", " 1", "1 ", "1,00", ".5", "5.", "0.1e1", "١", "１", "1.005", "-0", "NaN", "Infinity",
    ] {
        refused(
            sf.run(&product_create("1", "P9", "n", price, &[])),
            3,
            "price",
        );
        refused(
            sf.run(&["product", "update", "WID-1", "--price", price]),
            3,
            "price",
        );
        refused(
            sf.run(&argv_with(
                "supplier link --sku WID-1 --supplier 1 --cost {}",
                &[price],
            )),
            3,
            "cost",
        );
    }
    assert_eq!(sf.snapshot(), before);
}

#[test]
fn hostile_times_are_invalid_input() {
    let sf = setup();
    let before = sf.snapshot();
    let commands = [
        "stock adjust --sku WID-1 --warehouse 1 --delta 1 --reason receipt --at {}",
        "stock transfer --sku WID-1 --from 1 --to 2 --quantity 1 --at {}",
        "stock count --sku WID-1 --warehouse 1 --quantity 3 --at {}",
        "stock history --since {}",
        "stock history --until {}",
        "alerts low-stock --company 1 --as-of {}",
    ];
    for time in [
        "2026-02-30",
        "2026-02-30T10:00:00Z",
        "0000-01-01",
        "1969-12-31T23:59:59Z",
        "1970-01-01T00:00:00+14:00",
        "9999-12-31T23:59:59-01:00",
        "10000-01-01",
        "2026-01-15T10:00:00+24:00",
        "2026-01-15T24:00:00Z",
        "2026-01-15 10:00",
    ] {
        for command in commands {
            refused(sf.run(&argv_with(command, &[time])), 3, time);
        }
    }
    assert_eq!(sf.snapshot(), before);
}

/// The edges that are valid: the last second of year 9999, a leap second
/// (recorded as the second before it), and the widest offset.
#[test]
fn edge_times_are_stored_in_utc() {
    let sf = setup();
    for (at, stored) in [
        ("9999-12-31T23:59:59Z", "9999-12-31T23:59:59Z"),
        ("2016-12-31T23:59:60Z", "2016-12-31T23:59:59Z"),
        ("2026-01-15T10:00:00+14:00", "2026-01-14T20:00:00Z"),
        ("2026-01-15T10:00:00-12:00", "2026-01-15T22:00:00Z"),
    ] {
        let m = sf.json(&argv_with(
            "stock adjust --sku WID-1 --warehouse 1 --delta 1 --reason receipt --at {}",
            &[at],
        ));
        assert_eq!(m["occurred_at"], stored, "{at}");
    }
    sf.run(&argv(
        "alerts low-stock --company 1 --as-of 9999-12-31T23:59:59Z",
    ))
    .ok();
    sf.run(&["check"]).ok();
}

/// The same rules hold for the values of `import products`: each refused row
/// names its line and column, and nothing is imported.
#[test]
fn hostile_import_values_name_line_and_column() {
    let sf = setup();
    sf.supplier(1, "Parts", "p@x.com");
    let before = sf.snapshot();
    let header = "company_id,sku,name,price,warehouse_id,quantity,supplier_id\n";
    for (row, column) in [
        (" 1,N1,n,1,,,", "company_id"),
        ("1.0,N1,n,1,,,", "company_id"),
        ("9223372036854775808,N1,n,1,,,", "company_id"),
        ("1,@N1,n,1,,,", "sku"),
        ("1,N\u{200b}1,n,1,,,", "sku"),
        ("1,N1,n,.5,,,", "price"),
        ("1,N1,n,1,-1,1,", "warehouse_id"),
        ("1,N1,n,1,1,1000000000001,", "quantity"),
        ("1,N1,n,1,,,0", "supplier_id"),
    ] {
        let path = sf.file("p.csv", &format!("{header}1,OK1,n,1,,,\n{row}\n"));
        refused(
            sf.run(&["import", "products", &path]),
            3,
            &format!("line 3, column {column}"),
        );
    }
    let path = sf.file(
        "twins.csv",
        &format!("{header}1,STRASSE,n,1,,,\n1,straße,n,1,,,\n"),
    );
    refused(sf.run(&["import", "products", &path]), 5, "line 3");
    assert_eq!(sf.snapshot(), before);
}

#[test]
fn the_busy_timeout_from_the_environment_is_range_checked() {
    let sf = setup();
    for ms in ["99999999999", "2147483648", "-5", " 5", "5s"] {
        let out = sf
            .cmd(&["company", "list"])
            .env("STOCKFLOW_BUSY_TIMEOUT_MS", ms)
            .output();
        refused(
            out,
            3,
            &format!(
                "invalid STOCKFLOW_BUSY_TIMEOUT_MS {ms:?}: expected whole milliseconds, 0 to 2147483647"
            ),
        );
    }
    sf.cmd(&["company", "list"])
        .env("STOCKFLOW_BUSY_TIMEOUT_MS", "2147483647")
        .output()
        .ok();
}

#[test]
fn a_panic_report_asked_for_has_no_colour() {
    let sf = setup();
    let out = sf
        .cmd(&["company", "list"])
        .env("STOCKFLOW_TEST_PANIC", "1")
        .env("RUST_BACKTRACE", "1")
        .output()
        .code(1);
    assert!(
        out.stderr
            .starts_with("error: internal error: a test asked for a panic")
            && out.stderr.lines().count() > 1
            && !out.stderr.contains('\x1b'),
        "{}",
        out.explain()
    );
}

/// Part D: a PostgreSQL URL's password is redacted by its decoded query key
/// (`pass%77ord` is `password` to the driver) in every message.
#[test]
fn a_password_under_an_encoded_key_is_never_printed() {
    let sf = Sf::new_on(crate::support::Engine::Sqlite);
    let url = "postgresql://u@127.0.0.1:1/db?connect_timeout=2&pass%77ord=SECRET";
    let out = sf
        .cmd(&["--db", url, "company", "list", "--format", "json"])
        .env_remove("STOCKFLOW_DB")
        .output()
        .code(7);
    assert!(!out.stderr.contains("SECRET"), "{}", out.explain());
    assert!(out.stderr.contains("127.0.0.1"), "{}", out.explain());
    let copy = sf.run(&["copy", "--to", url]).code(7);
    assert!(!copy.stderr.contains("SECRET"), "{}", copy.explain());
    assert!(copy.stderr.contains("127.0.0.1"), "{}", copy.explain());
}
