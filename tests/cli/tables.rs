//! Tables for people, seen as people see them: the binary on a pseudo-terminal
//! of a given size (util-linux `script`, the terminal sized with `stty`), and
//! in a pipe.

use std::process::{Command, Stdio};

use unicode_width::UnicodeWidthStr;

use crate::support::{BIN, Sf, argv, argv_with};

/// README's worked example, with the kinds of names real catalogues have: a
/// long product name, a long supplier name, a Japanese name, one item sold out.
pub fn worked_example() -> Sf {
    let sf = Sf::new();
    let run = |args: &[&str]| {
        sf.run(args).ok();
    };
    sf.company("Acme Trading");
    run(&argv_with(
        "warehouse create --company 1 --name Main --location {}",
        &["Dock 4"],
    ));
    run(&argv_with(
        "warehouse create --company 1 --name {} --location {}",
        &["Hamburg North", "Port of Hamburg, Shed 7"],
    ));
    sf.supplier(1, "Supplier Corp", "orders@supplier.com");
    sf.supplier(
        1,
        "Lindqvist Industrial Supply AB",
        "sales@lindqvist-industrial.example",
    );
    let product = |sku: &str, name: &str, price: &str, kind: &str, wh: &str, qty: &str| {
        run(&argv_with(
            "product create --company 1 --sku {} --name {} --price {} --type {} --warehouse {} --quantity {}",
            &[sku, name, price, kind, wh, qty],
        ));
    };
    product("WID-001", "Widget A", "19.90", "widget", "1", "40");
    product(
        "ADH-1144",
        "Adhesive tape, double-sided, 50 m roll",
        "7.45",
        "adhesive",
        "2",
        "30",
    );
    product(
        "BLT-M8",
        "東京精密ボルト M8 (100個入)",
        "12.00",
        "fastener",
        "2",
        "12",
    );
    for (sku, supplier, lead) in [("WID-001", "1", "7"), ("ADH-1144", "2", "14")] {
        run(&argv(&format!(
            "supplier link --sku {sku} --supplier {supplier} --primary --lead-time-days {lead} --cost 3.20"
        )));
    }
    run(&argv("threshold set --company 1 --default --quantity 15"));
    run(&argv(
        "threshold set --company 1 --type adhesive --quantity 20",
    ));
    run(&argv(
        "threshold set --sku WID-001 --warehouse 1 --quantity 10",
    ));
    let note = "counter sale, customer collected";
    for (sku, wh, delta, reference) in [
        ("WID-001", "1", "-35", "INV-88"),
        ("ADH-1144", "2", "-30", "INV-89"),
        ("BLT-M8", "2", "-5", "INV-90"),
    ] {
        run(&argv_with(
            "stock adjust --sku {} --warehouse {} --delta {} --reason sale --reference {} --note {}",
            &[sku, wh, delta, reference, note],
        ));
    }
    sf
}

/// The tables the issue names, each as the arguments that print it.
const TABLES: &[&[&str]] = &[
    &["alerts", "low-stock", "--company", "1"],
    &["stock", "list"],
    &["stock", "history"],
    &["product", "list"],
    &["product", "show", "ADH-1144"],
    &["threshold", "list", "--company", "1"],
];

/// What the binary prints on a `cols`-wide terminal (stdout and stderr both
/// go to the terminal), with `env` added to the test environment.
pub(crate) fn on_terminal(sf: &Sf, cols: u16, env: &[(&str, &str)], args: &[&str]) -> String {
    let quoted: Vec<String> = std::iter::once(BIN)
        .chain(args.iter().copied())
        .map(|a| format!("'{}'", a.replace('\'', r"'\''")))
        .collect();
    let script = format!("stty cols {cols} rows 50; exec {}", quoted.join(" "));
    let mut cmd = Command::new("script");
    cmd.args(["-qec", &script, "/dev/null"])
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("STOCKFLOW_DB", &sf.db)
        .env("STOCKFLOW_ACTOR", "tester")
        .env("TERM", "xterm-256color")
        .stdin(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("run script(1)");
    let text = String::from_utf8_lossy(&out.stdout).replace("\r\n", "\n");
    assert!(
        out.status.success(),
        "`{script}` on a terminal: {:?}\n{text}",
        out.status
    );
    text
}

/// `text` without colour codes (CSI sequences).
fn plain(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

pub(crate) fn widest(text: &str) -> usize {
    plain(text)
        .lines()
        .map(UnicodeWidthStr::width)
        .max()
        .unwrap_or(0)
}

#[test]
fn every_table_fits_80_columns_with_and_without_no_color() {
    let sf = worked_example();
    for args in TABLES {
        for env in [&[][..], &[("NO_COLOR", "1")][..]] {
            let text = on_terminal(&sf, 80, env, args);
            // Boxed, or, where the box would cost a name its room, a rule
            // under the header.
            assert!(
                text.contains('┌') && text.contains('└') || text.contains("\n────"),
                "{args:?}: {text}"
            );
            assert!(
                widest(&text) <= 80,
                "{args:?} {env:?} is {} wide:\n{text}",
                widest(&text)
            );
        }
    }
}

#[test]
fn a_wide_terminal_shows_more_and_cuts_nothing() {
    let sf = worked_example();
    let args = ["alerts", "low-stock", "--company", "1"];
    let wide = on_terminal(&sf, 200, &[], &args);
    assert!(
        wide.contains("Adhesive tape, double-sided, 50 m roll"),
        "{wide}"
    );
    assert!(wide.contains("Lindqvist Industrial Supply AB"), "{wide}");
    assert!(wide.contains("Lead"), "{wide}");
    assert!(!wide.contains('…'), "{wide}");
    let narrow = on_terminal(&sf, 80, &[], &args);
    assert!(narrow.contains('…'), "long names are cut at 80: {narrow}");
    assert!(
        !narrow.contains("Adhesive tape, double-sided, 50 m roll"),
        "{narrow}"
    );
    // Cut, not wrapped: one line per alert under the header's rule.
    let body = plain(&narrow);
    let rows = body
        .lines()
        .skip_while(|l| !l.starts_with(['╞', '─']))
        .skip(1)
        .take_while(|l| !l.starts_with('└') && !l.contains(" alerts ("))
        .count();
    assert_eq!(rows, 3, "{narrow}");
}

#[test]
fn the_alert_table_names_the_product_and_says_out_of_stock_in_words() {
    let sf = worked_example();
    let text = plain(&on_terminal(
        &sf,
        80,
        &[("NO_COLOR", "1")],
        &["alerts", "low-stock", "--company", "1"],
    ));
    // At 80 columns the long headers give way to short ones before any
    // name is cut further.
    for header in ["SKU", "Product", "Warehouse", "Qty", "Min", "Days", "Order"] {
        assert!(text.contains(header), "{header}: {text}");
    }
    let wide = plain(&on_terminal(
        &sf,
        200,
        &[("NO_COLOR", "1")],
        &["alerts", "low-stock", "--company", "1"],
    ));
    for header in ["Stock", "Days left", "Reorder", "Sold/day"] {
        assert!(wide.contains(header), "{header}: {wide}");
    }
    assert!(text.contains("Widget A"), "{text}");
    assert!(text.contains("東京精密"), "{text}");
    let adh = text.lines().find(|l| l.contains("ADH-1144")).unwrap();
    assert!(adh.contains(" out "), "stock 0 reads `out`: {adh}");
    // WID-001: 5 left, 35 sold in 30 days: 5 × 30 / 35 = 4 days, within its
    // 7-day lead time. ADH-1144 is out; BLT-M8 (7 × 30 / 5 = 42 days) is not due.
    assert!(
        text.contains("3 alerts (1 out of stock, 1 runs out within lead time)"),
        "{text}"
    );
}

#[test]
fn wide_and_combining_characters_keep_the_columns_aligned() {
    let sf = worked_example();
    sf.run(&argv_with(
        "product update WID-001 --name {}",
        &["Cafe\u{301} crème"],
    ))
    .ok();
    for cols in [80, 200] {
        let text = plain(&on_terminal(&sf, cols, &[], &["stock", "list"]));
        let widths: Vec<usize> = text
            .lines()
            .filter(|l| l.starts_with(['│', '┌', '└', '╞']))
            .map(UnicodeWidthStr::width)
            .collect();
        assert!(widths.len() >= 6, "{text}");
        assert!(widths.iter().all(|w| *w == widths[0]), "{widths:?}\n{text}");
    }
}

#[test]
fn no_colour_with_no_color_term_dumb_color_never_or_a_pipe() {
    let sf = worked_example();
    let args = ["alerts", "low-stock", "--company", "1"];
    // The check can fail: a terminal does get colour.
    assert!(on_terminal(&sf, 80, &[], &args).contains("\u{1b}["));
    for env in [[("NO_COLOR", "1")], [("TERM", "dumb")]] {
        let text = on_terminal(&sf, 80, &env, &args);
        assert!(!text.contains('\u{1b}'), "{env:?}: {text:?}");
    }
    let never = on_terminal(
        &sf,
        80,
        &[],
        &["alerts", "low-stock", "--company", "1", "--color", "never"],
    );
    assert!(!never.contains('\u{1b}'), "{never:?}");
    let piped = sf.run(&args).ok();
    assert!(!piped.stdout.contains('\u{1b}'), "{}", piped.explain());
    let env_never = sf.cmd(&args).env("STOCKFLOW_COLOR", "never").output();
    assert!(!env_never.stdout.contains('\u{1b}'));
}

#[test]
fn color_always_colours_even_a_pipe() {
    let sf = worked_example();
    let out = sf
        .run(&["alerts", "low-stock", "--company", "1", "--color", "always"])
        .ok();
    let adh = out.stdout.lines().find(|l| l.contains("ADH-1144")).unwrap();
    assert!(
        adh.contains("\u{1b}["),
        "the out-of-stock row is red: {adh:?}"
    );
    let blt = out.stdout.lines().find(|l| l.contains("BLT-M8")).unwrap();
    assert!(
        !blt.contains("\u{1b}[38;5;9m") && !blt.contains("\u{1b}[31m"),
        "{blt:?}"
    );
    assert!(out.stdout.contains(", in red)"), "{}", out.explain());
    // An unknown colour choice is a bad value, exit 3, naming the choices.
    sf.run(&["stock", "list", "--color", "sometimes"])
        .fails(3, "sometimes");
}

#[test]
fn the_history_note_comes_after_the_bottom_border_on_a_terminal_only() {
    let sf = worked_example();
    let mut csv = String::from("sku,warehouse_id,delta,reason\n");
    for _ in 0..200 {
        csv.push_str("WID-001,1,1,receipt\n");
    }
    let path = sf.file("many.csv", &csv);
    sf.run(&["stock", "adjust", "--file", &path]).ok();
    let text = plain(&on_terminal(&sf, 80, &[], &["stock", "history"]));
    let lines: Vec<&str> = text.lines().collect();
    let border = lines.iter().rposition(|l| l.starts_with('└')).unwrap();
    let note = lines
        .iter()
        .position(|l| l.contains("the newest 200 movements"))
        .unwrap_or_else(|| panic!("no note:\n{text}"));
    assert!(note > border, "note at {note}, border at {border}:\n{text}");
    let piped = sf.run(&["stock", "history"]).ok();
    assert!(!piped.stdout.contains("newest") && !piped.stderr.contains("newest"));
    // The table into a pipe, stderr still on the terminal: no note either.
    let text = on_terminal(&sf, 80, &[], &["stock", "history"]);
    assert!(text.contains("newest 200"), "the check can fail: {text}");
    let quoted = format!("'{BIN}' stock history | tail -n 2");
    let out = Command::new("script")
        .args(["-qec", &quoted, "/dev/null"])
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("STOCKFLOW_DB", &sf.db)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains('└') && !text.contains("newest"), "{text}");
}

#[test]
fn stored_control_characters_are_escaped_in_every_table_cell() {
    let sf = worked_example();
    let evil = "Evil\u{1b}]0;pwned\u{7}\u{1b}[2J";
    sf.run(&argv_with(
        "product create --company 1 --sku EVIL-1 --name {} --price 1 --warehouse 1 --quantity 3",
        &[evil],
    ))
    .ok();
    sf.cmd(&argv_with(
        "stock adjust --sku EVIL-1 --warehouse 1 --delta -1 --reason sale --note {} --reference {}",
        &["line one\nerror: forged", "PO\u{9b}31m"],
    ))
    .env("STOCKFLOW_ACTOR", "mallory\u{1b}[8m")
    .output()
    .ok();
    for args in [
        &["product", "list"][..],
        &["product", "show", "EVIL-1"],
        &["stock", "list"],
        &["stock", "history", "--sku", "EVIL-1"],
        &["alerts", "low-stock", "--company", "1"],
    ] {
        let out = sf.run(args).ok();
        assert!(
            !out.stdout.chars().any(|c| c.is_control() && c != '\n'),
            "{}",
            out.explain()
        );
        assert!(!out.stdout.contains("\nerror: forged"), "{}", out.explain());
    }
    let shown = sf.run(&["product", "show", "EVIL-1"]).ok().stdout;
    assert!(shown.contains("Evil\\u{1b}]0;pwned\\u{7}"), "{shown}");
    // JSON and CSV keep the data as it is.
    assert_eq!(sf.json(&["product", "show", "EVIL-1"])["name"], evil);
    let (_, rows) = sf
        .run(&["stock", "history", "--sku", "EVIL-1", "--format", "csv"])
        .ok()
        .csv();
    assert!(
        rows.iter()
            .any(|r| r.iter().any(|c| c == "mallory\u{1b}[8m"))
    );
}

#[test]
fn a_page_past_the_end_says_so_and_still_exits_10() {
    let sf = worked_example();
    let out = sf
        .run(&argv(
            "alerts low-stock --company 1 --offset 500 --exit-code",
        ))
        .code(10);
    assert_eq!(
        out.stdout,
        "3 alerts (1 out of stock, 1 runs out within lead time)\n\
         none after --offset 500; --limit/--offset to page\n",
        "{}",
        out.explain()
    );
    let page = sf
        .run(&argv("alerts low-stock --company 1 --limit 1 --offset 1"))
        .ok();
    assert!(page.stdout.contains("WID-001") && !page.stdout.contains("ADH-1144"));
    assert!(
        page.stdout
            .ends_with("showing 2; --limit/--offset to page\n"),
        "{}",
        page.explain()
    );
}

#[test]
fn tables_name_warehouses_where_json_has_their_ids() {
    let sf = worked_example();
    let thresholds = sf.run(&["threshold", "list", "--company", "1"]).ok().stdout;
    let row = thresholds.lines().find(|l| l.contains("WID-001")).unwrap();
    assert!(
        row.contains(" Main ") && row.contains(" 10 "),
        "{thresholds}"
    );
    let history = sf
        .run(&["stock", "history", "--sku", "ADH-1144"])
        .ok()
        .stdout;
    assert!(history.contains("Hamburg North"), "{history}");
    assert!(history.contains("When (UTC)") && !history.contains("occurred_at"));
    // JSON keeps the ids; a movement carries its warehouse's name too
    // (write results print it, so history does the same).
    let json = sf.json(&["stock", "history", "--sku", "ADH-1144"]);
    assert_eq!(json[0]["warehouse_id"], 2);
    assert_eq!(json[0]["warehouse_name"], "Hamburg North", "{json}");
    let json = sf.json(&["threshold", "list", "--company", "1"]);
    assert!(json.to_string().contains("\"warehouse_id\":1"), "{json}");
    assert!(!json.to_string().contains("warehouse_name"), "{json}");
}

/// SPEC 5: on an 80-column terminal an alert, stock or history row of
/// typical data shows names of up to 14 characters whole: the box, the long
/// headers and the minor columns give way first, and the note says what went.
#[test]
fn at_80_columns_names_of_14_characters_are_shown_whole() {
    let sf = crate::pipes::two_suppliers();
    let names = ["Widget A", "Gadget De Luxe", "Main Warehouse"];
    for args in [
        &["alerts", "low-stock", "--company", "1"][..],
        &["stock", "list"],
        &["stock", "history"],
    ] {
        let text = plain(&on_terminal(&sf, 80, &[], args));
        assert!(widest(&text) <= 80, "{args:?}:\n{text}");
        assert!(!text.contains('…'), "{args:?} cut a name:\n{text}");
        let shown = names.iter().filter(|n| text.contains(**n)).count();
        assert!(shown >= 1, "{args:?}:\n{text}");
        assert!(text.contains("Main Warehouse"), "{args:?}:\n{text}");
    }
    let alerts = plain(&on_terminal(
        &sf,
        80,
        &[],
        &["alerts", "low-stock", "--company", "1"],
    ));
    for name in names.iter().chain(&["Supplier Corp", "Supplier Co-op"]) {
        assert!(alerts.contains(name), "{name}:\n{alerts}");
    }
    assert!(
        alerts.contains("note: fitted to 80 columns: left out Lead, Sold/day"),
        "{alerts}"
    );
    let stock = plain(&on_terminal(&sf, 80, &[], &["stock", "list"]));
    assert!(
        stock.contains("Gadget De Luxe") && !stock.contains("note:"),
        "{stock}"
    );
}
