use std::io::Read;
use std::process::{Command, Stdio};

use crate::support::{BIN, Sf, argv, product_create};

const HOSTILE: &[&str] = &[
    "Quote \"double\" and 'single'",
    "comma, separated, name",
    "multi\nline\r\nname",
    "Robert'); DROP TABLE product;--",
    "Grüße – 日本語 – emoji 📦",
    "=HYPERLINK(\"http://evil\")",
    "+1 dial",
    "-minus start",
    "@at start",
    "\ttab start",
];

#[test]
fn hostile_text_round_trips_through_json_and_csv() {
    let sf = Sf::new();
    sf.company("Acme");
    for (i, name) in HOSTILE.iter().enumerate() {
        let sku = format!("H-{i}");
        let created = sf.json(&product_create("1", &sku, name, "1", &[]));
        assert_eq!(created["name"], *name);
        assert_eq!(sf.json(&["product", "show", &sku])["name"], *name);
    }
    let (header, rows) = sf.run(&["product", "list", "--format", "csv"]).ok().csv();
    let name_col = header.iter().position(|h| h == "name").unwrap();
    let price_col = header.iter().position(|h| h == "price").unwrap();
    for (i, name) in HOSTILE.iter().enumerate() {
        let cell = &rows[i][name_col];
        if name.starts_with(['=', '+', '-', '@', '\t', '\r']) {
            assert_eq!(cell, &format!("'{name}"), "formula guarded");
        } else {
            assert_eq!(cell, name);
        }
        assert_eq!(rows[i][price_col], "1.00");
    }
    let lines = sf
        .run(&["product", "list", "--format", "jsonl"])
        .ok()
        .stdout;
    let names: Vec<String> = lines
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["name"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(names, HOSTILE);
    sf.run(&["check"]).ok();
}

#[test]
fn numeric_csv_cells_are_never_altered() {
    let sf = Sf::acme();
    sf.product(1, "WID", &["--warehouse", "1", "--quantity", "5"]);
    sf.adjust("WID", 1, -2, "sale", "2026-01-01");
    let (header, rows) = sf
        .run(&argv("stock history --format csv --until 2026-02-01"))
        .ok()
        .csv();
    let delta = header.iter().position(|h| h == "delta").unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0][delta], "-2");
    let note = header.iter().position(|h| h == "note").unwrap();
    assert_eq!(rows[0][note], "", "absent values are empty cells");
}

#[test]
fn tables_are_plain_when_piped() {
    let sf = Sf::new();
    sf.company("Acme");
    let out = sf.run(&["company", "list"]).ok();
    assert!(out.stdout.contains("Acme"));
    assert!(
        !out.stdout.contains('\u{1b}'),
        "no escape codes in a pipe: {}",
        out.stdout
    );
}

#[test]
fn a_closed_pipe_exits_quietly() {
    let sf = Sf::acme();
    let mut csv = String::from("sku,warehouse_id,delta,reason\n");
    for _ in 0..30_000 {
        csv.push_str("WID,1,1,receipt\n");
    }
    sf.product(1, "WID", &[]);
    let path = sf.file("m.csv", &csv);
    sf.run(&["stock", "adjust", "--file", &path]).ok();
    let mut child = Command::new(BIN)
        .env_clear()
        .env("STOCKFLOW_DB", &sf.db)
        .args(["stock", "history", "--format", "jsonl"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 64];
    child
        .stdout
        .as_mut()
        .unwrap()
        .read_exact(&mut first)
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
}

#[test]
fn completions_are_generated() {
    let sf = Sf::new();
    let out = sf.run(&["completions", "bash"]).ok();
    assert!(out.stdout.contains("stockflow") && out.stdout.contains("low-stock"));
    sf.run(&["completions", "tcsh"]).fails(3, "tcsh");
}

#[test]
fn usage_errors_do_not_list_db_when_stockflow_db_provides_it() {
    let sf = Sf::new();
    let out = sf.run(&["alerts", "low-stock"]).code(2);
    assert!(out.stderr.contains("--company <ID>"), "{}", out.explain());
    let usage = out
        .stderr
        .lines()
        .find(|l| l.starts_with("Usage:"))
        .unwrap();
    assert!(!usage.contains("--db"), "{}", out.explain());
    // The environment still chooses the database, and --db still wins over it.
    sf.run(&["company", "list"]).ok();
    let other = sf.dir.path().join("other.db");
    sf.run(&["company", "list", "--db", other.to_str().unwrap()])
        .fails(7, "other.db");
    sf.cmd(&["company", "list"])
        .env("STOCKFLOW_DB", other.to_str().unwrap())
        .output()
        .fails(7, "other.db");
}

#[test]
fn exit_code_help_says_what_it_does() {
    let sf = Sf::new();
    let help = sf.run(&["alerts", "low-stock", "--help"]).ok().stdout;
    assert!(
        help.contains(
            "Exit 10 when the company has alerts (total_alerts > 0), even if this page shows none"
        ),
        "{help}"
    );
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    assert!(readme.contains("(`total_alerts > 0`), even when the page shown is empty"));
}

#[test]
fn check_and_init_print_csv_with_a_header() {
    let sf = Sf::new();
    let (header, rows) = sf.run(&["check", "--format", "csv"]).ok().csv();
    assert_eq!(header, ["ok", "problems"]);
    assert_eq!(rows, [["true", ""]]);
    let (header, rows) = sf.run(&["init", "--format", "csv"]).ok().csv();
    assert_eq!(header, ["from_version", "version"]);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0][0], rows[0][1], "an up-to-date file: {rows:?}");
}

#[test]
fn usage_error_after_an_unknown_subcommand_is_json_when_asked() {
    let sf = Sf::new();
    for format in [&["--format", "json"][..], &["--format=jsonl"]] {
        let mut args = vec!["frob"];
        args.extend_from_slice(format);
        let out = sf.run(&args).fails(2, "frob");
        let last = out.stderr.lines().last().unwrap_or_default();
        let v: serde_json::Value = serde_json::from_str(last).expect("a JSON error line");
        assert_eq!(v["error"]["kind"], "usage", "{}", out.stderr);
    }
}
