//! CSV batches (`stock adjust --file`, `import products`): exact line
//! numbers, ambiguous and hostile inputs, the one bulk rule, and progress.

use std::process::Command;

use crate::support::{BIN, Sf, argv_with, skip_unless_sqlite};

fn setup() -> Sf {
    let sf = Sf::acme();
    sf.product(1, "WID-1", &["--warehouse", "1", "--quantity", "10"]);
    sf
}

/// Runs `stock adjust --file` on `bytes` written to a file, expecting a
/// one-line failure with `code` and `part`, and the database unchanged.
fn adjust_fails(sf: &Sf, bytes: &[u8], code: i32, part: &str) {
    let before = sf.snapshot();
    let path = sf.dir.path().join("in.csv");
    std::fs::write(&path, bytes).unwrap();
    let out = sf
        .run(&["stock", "adjust", "--file", path.to_str().unwrap()])
        .fails(code, part);
    assert_eq!(out.stderr.lines().count(), 1, "{}", out.explain());
    assert_eq!(sf.snapshot(), before, "a failed batch wrote something");
}

fn import_fails(sf: &Sf, text: &str, part: &str) {
    let before = sf.snapshot();
    let path = sf.file("products.csv", text);
    sf.run(&["import", "products", &path]).fails(3, part);
    sf.cmd(&["import", "products", "-"])
        .stdin(text)
        .output()
        .fails(3, part);
    assert_eq!(sf.snapshot(), before);
}

#[test]
fn csv_line_numbers_are_right_for_crlf_files() {
    let sf = setup();
    adjust_fails(
        &sf,
        b"sku,warehouse_id,delta,reason\r\nWID-1,1,5,receipt\r\nWID-1,1,5,gift\r\n",
        3,
        "line 3, column reason",
    );
    import_fails(
        &sf,
        "company_id,sku,name,price\r\n1,A,A,1\r\n1,B,B,1.999\r\n",
        "line 3, column price",
    );
}

#[test]
fn csv_line_numbers_count_blank_lines_and_quoted_newlines() {
    let sf = setup();
    adjust_fails(
        &sf,
        b"sku,warehouse_id,delta,reason,note\n\nWID-1,1,5,receipt,\"two\nlines\"\n\n\nWID-1,1,5,gift,\n",
        3,
        "line 7, column reason",
    );
    import_fails(
        &sf,
        "company_id,sku,name,price\n\n1,A,\"A\r\nB\",1\n\n1,B,B,abc\n",
        "line 6, column price",
    );
}

#[test]
fn duplicate_csv_header_columns_are_refused() {
    let sf = setup();
    adjust_fails(
        &sf,
        b"sku,warehouse_id,delta,reason,reason\nWID-1,1,5,receipt,sale\n",
        3,
        "line 1: column reason appears twice",
    );
    import_fails(
        &sf,
        "company_id,sku,name,price,sku\n1,A,A,1,B\n",
        "line 1: column sku appears twice",
    );
}

#[test]
fn a_csv_stream_cut_inside_an_open_quote_is_refused() {
    let sf = setup();
    let text = "sku,warehouse_id,delta,reason,note\nWID-1,1,5,receipt,ok\nWID-1,1,5,receipt,\"cut off\nWID-1,1,5,receipt,x\n";
    adjust_fails(
        &sf,
        text.as_bytes(),
        3,
        "line 3: a quoted field opened here is never closed",
    );
    let before = sf.snapshot();
    sf.cmd(&["stock", "adjust", "--file", "-"])
        .stdin(text)
        .output()
        .fails(3, "line 3: a quoted field");
    assert_eq!(sf.snapshot(), before);
    import_fails(
        &sf,
        "company_id,sku,name,price\n1,A,\"Cable 5\"\" inch,1\n",
        "line 2: a quoted field",
    );
}

#[test]
fn hostile_csv_inputs_fail_on_one_line_with_exit_3_or_load_exactly() {
    let sf = setup();
    // A BOM (Excel's "CSV UTF-8") before the header is not part of the first column.
    let path = sf.dir.path().join("bom.csv");
    std::fs::write(
        &path,
        "\u{feff}sku,warehouse_id,delta,reason\r\nWID-1,1,2,receipt\r\n",
    )
    .unwrap();
    sf.run(&["stock", "adjust", "--file", path.to_str().unwrap()])
        .ok();
    assert_eq!(sf.stock("WID-1", 1), 12);
    // Quoted newlines stay in the note.
    let path = sf.file(
        "nl.csv",
        "sku,warehouse_id,delta,reason,note\nWID-1,1,1,receipt,\"a\nb\"\n",
    );
    sf.run(&["stock", "adjust", "--file", &path]).ok();
    let newest = sf.json(&["stock", "history", "--limit", "1"]);
    assert_eq!(newest[0]["note"], "a\nb");
    // Invalid UTF-8 names line and column.
    adjust_fails(
        &sf,
        b"sku,warehouse_id,delta,reason,note\nWID-1,1,1,receipt,ok\nWID-1,1,1,receipt,caf\xe9\n",
        3,
        "line 3, column note: not valid UTF-8",
    );
    // A 10 MB field is refused on one line, as a SKU and as a note (SPEC 5:
    // a note is at most 1,000 characters), naming its length.
    let huge = "x".repeat(10 << 20);
    let text = format!("sku,warehouse_id,delta,reason\n{huge},1,1,receipt\n");
    adjust_fails(&sf, text.as_bytes(), 3, "line 2, column sku");
    let text = format!("sku,warehouse_id,delta,reason,note\nWID-1,1,1,receipt,{huge}\n");
    adjust_fails(
        &sf,
        text.as_bytes(),
        3,
        "line 2, column note: note must be at most 1000 characters (10485760 given)",
    );
    assert_eq!(sf.stock("WID-1", 1), 13);
    // Ragged rows name their line.
    adjust_fails(
        &sf,
        b"sku,warehouse_id,delta,reason\nWID-1,1,1,receipt\nWID-1,1,1\n",
        3,
        "line 3: 3 fields where the header has 4",
    );
    // An empty input is not a missing column.
    adjust_fails(&sf, b"", 3, "empty input");
}

#[test]
fn a_bad_last_row_of_a_million_row_file_names_its_line_and_writes_nothing() {
    let sf = setup();
    let mut csv = String::from("sku,warehouse_id,delta,reason\r\n");
    for _ in 0..999_999 {
        csv.push_str("WID-1,1,1,receipt\r\n");
    }
    csv.push_str("WID-1,1,1,gift\r\n");
    adjust_fails(&sf, csv.as_bytes(), 3, "line 1000001, column reason");
    assert_eq!(sf.ledger_rows(), 1);
}

/// The batch's JSON output, from a file or from stdin.
fn load(sf: &Sf, csv: &str, stdin: bool) -> serde_json::Value {
    if stdin {
        return sf
            .cmd(&["stock", "adjust", "--file", "-", "--format", "json"])
            .stdin(csv)
            .output()
            .ok()
            .json();
    }
    let path = sf.file("batch.csv", csv);
    sf.json(&["stock", "adjust", "--file", &path])
}

#[test]
fn one_bulk_rule_for_files_and_pipes_a_batch_as_large_as_the_ledger() {
    if skip_unless_sqlite("the SQLite bulk path (when indexes are dropped and rebuilt)") {
        return;
    }
    let receipts = |n: usize| {
        let mut csv = String::from("sku,warehouse_id,delta,reason\n");
        csv.push_str(&"WID-1,1,1,receipt\n".repeat(n));
        csv
    };
    for stdin in [false, true] {
        let sf = setup();
        let fresh = sf.schema();
        // Small: never the bulk path.
        let out = load(&sf, &receipts(1_000), stdin);
        assert_eq!(out["bulk_load"], false, "stdin: {stdin}");
        // 210,000 into a ledger of 1,001: the bulk path, decided at the end of the input.
        let out = load(&sf, &receipts(210_000), stdin);
        assert_eq!(
            (out["applied"].as_u64(), out["bulk_load"].as_bool()),
            (Some(210_000), Some(true))
        );
        assert_eq!(sf.schema(), fresh, "every index is back");
        // 205,000 into a ledger of 211,001: smaller than the ledger, indexes kept.
        let out = load(&sf, &receipts(205_000), stdin);
        assert_eq!(out["bulk_load"], false, "stdin: {stdin}");
        assert_eq!(sf.stock("WID-1", 1), 10 + 1_000 + 210_000 + 205_000);
        sf.run(&["check"]).ok();
    }
}

#[test]
fn progress_is_never_drawn_on_a_pipe() {
    let sf = setup();
    let csv = format!(
        "sku,warehouse_id,delta,reason\n{}",
        "WID-1,1,1,receipt\n".repeat(20_000)
    );
    let path = sf.file("moves.csv", &csv);
    let out = sf.run(&["stock", "adjust", "--file", &path]).ok();
    assert_eq!(out.stderr, "", "{}", out.explain());
    let out = sf
        .cmd(&["import", "products", "-"])
        .stdin("company_id,sku,name,price\n1,B,B,1\n")
        .output()
        .ok();
    assert_eq!(out.stderr, "", "{}", out.explain());
}

/// Runs stockflow on a pseudo-terminal (util-linux `script`), returning
/// everything the terminal showed.
fn on_a_terminal(sf: &Sf, args: &str) -> String {
    let out = Command::new("script")
        .args(["-qec", &format!("{BIN} {args}"), "/dev/null"])
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("TERM", "xterm")
        .env("STOCKFLOW_DB", &sf.db)
        .env("STOCKFLOW_ACTOR", "tester")
        .output()
        .expect("util-linux `script` runs");
    assert!(out.status.success(), "{args}: {out:?}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn progress_shows_each_phase_on_a_terminal_and_reaches_done() {
    if skip_unless_sqlite("the phases of the SQLite bulk path (rebuilding indexes)") {
        return;
    }
    let sf = setup();
    let csv = format!(
        "sku,warehouse_id,delta,reason\n{}",
        "WID-1,1,1,receipt\n".repeat(210_000)
    );
    let path = sf.file("moves.csv", &csv);
    let shown = on_a_terminal(&sf, &format!("stock adjust --file {path}"));
    for phase in [
        "reading and checking",
        "writing the ledger",
        "rebuilding indexes",
        "committing",
        "done",
    ] {
        assert!(shown.contains(phase), "no {phase:?} in {shown:?}");
    }
    assert!(shown.contains("210,000/210,000 movements"), "{shown:?}");
    // The indicator moves while the batch works: several spinner frames.
    let frames: std::collections::BTreeSet<char> = shown
        .split("reading and checking")
        .filter_map(|before| before.trim_end().chars().last())
        .filter(|c| ('\u{2800}'..='\u{28ff}').contains(c))
        .collect();
    assert!(frames.len() >= 2, "the spinner did not turn: {frames:?}");
    // Never with --format json, even on a terminal.
    let shown = on_a_terminal(&sf, &format!("stock adjust --file {path} --format json"));
    assert!(!shown.contains("reading and checking"), "{shown:?}");
    // import products shows its phases too.
    let products = sf.file("p.csv", "company_id,sku,name,price\n1,B,B,1\n");
    let shown = on_a_terminal(&sf, &format!("import products {products}"));
    assert!(
        shown.contains("reading and checking") && shown.contains("committing"),
        "{shown:?}"
    );
}

#[test]
fn plain_progress_prints_one_line_per_phase() {
    let sf = setup();
    let path = sf.file(
        "m.csv",
        "sku,warehouse_id,delta,reason\nWID-1,1,1,receipt\n",
    );
    let out = sf
        .run(&argv_with(
            "stock adjust --file {} --progress plain --format json",
            &[&path],
        ))
        .code(0);
    assert_eq!(
        out.stderr,
        "progress: reading and checking\nprogress: writing the ledger\nprogress: committing\nprogress: done (1 rows)\n"
    );
}
