//! `copy --to PATH|URL`: every row, with its id, into a new or empty database, in
//! one checked transaction on the target: all or nothing.

use crate::support::{Sf, argv};

/// A database on the engine under test with a row in every table a command can fill.
fn filled() -> Sf {
    let sf = Sf::new();
    fill(&sf);
    sf
}

/// Fills an initialised, empty database: a row in every table a command can fill.
pub fn fill(sf: &Sf) {
    let c = sf.company("Acme");
    let main = sf.warehouse(c, "Main");
    let north = sf.warehouse(c, "North");
    let s = sf.supplier(c, "Supplier Corp", "orders@supplier.com");
    let (m, n) = (main.to_string(), north.to_string());
    sf.product(
        c,
        "WID-1",
        &["--type", "widget", "--warehouse", &m, "--quantity", "40"],
    );
    sf.product(
        c,
        "WID-2",
        &["--threshold", "5", "--warehouse", &n, "--quantity", "9"],
    );
    sf.product(c, "PAIR", &[]);
    sf.run(&["bundle", "set", "PAIR", "--component", "WID-1=2"])
        .ok();
    sf.run(&argv(&format!(
        "supplier link --sku WID-1 --supplier {s} --primary --lead-time-days 7 --cost 0.55"
    )))
    .ok();
    sf.run(&argv(
        "threshold set --company 1 --type widget --quantity 30",
    ))
    .ok();
    sf.run(&argv(&format!(
        "threshold set --sku WID-2 --warehouse {north} --quantity 3"
    )))
    .ok();
    sf.adjust("WID-1", main, -12, "sale", "2026-01-10");
    sf.adjust("PAIR", main, -3, "sale", "2026-01-11");
    sf.run(&argv(&format!(
        "stock transfer --sku WID-2 --from {north} --to {main} --quantity 4"
    )))
    .ok();
    sf.run(&argv(&format!(
        "stock count --sku WID-2 --warehouse {north} --quantity 2"
    )))
    .ok();
    sf.run(&["product", "archive", "WID-2"]).ok();
    sf.run(&["token", "create", "--company", "1", "--name", "shop"])
        .ok();
}

#[test]
fn copy_keeps_every_row_and_id_and_the_target_passes_check() {
    let sf = filled();
    let copy = Sf::bare();
    let report = sf.json(&["copy", "--to", copy.url()]);
    let movements = report["tables"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["table"] == "movement")
        .unwrap()["rows"]
        .clone();
    assert_eq!(movements, sf.ledger_rows(), "{report}");
    assert_eq!(copy.snapshot(), sf.snapshot(), "every row, byte for byte");
    copy.run(&["check"]).ok();
    for args in [
        &["stock", "list"][..],
        &["stock", "history"],
        &argv("alerts low-stock --company 1 --as-of 2026-01-20"),
        &["product", "show", "PAIR"],
    ] {
        assert_eq!(copy.json(args), sf.json(args), "{args:?}");
    }
    // The copy goes on where the original stopped: new ids follow the old.
    let next = copy.json(&["company", "create", "--name", "Beta"]);
    assert_eq!(next["id"], 2);
}

#[test]
fn copy_into_a_database_with_rows_is_a_conflict_and_changes_nothing() {
    let sf = filled();
    let other = Sf::new();
    other.company("Other");
    let before = other.snapshot();
    sf.run(&["copy", "--to", other.url()])
        .fails(5, "is not empty");
    assert_eq!(other.snapshot(), before);
}

#[test]
fn copy_into_an_empty_initialised_database_fills_it() {
    let sf = filled();
    let empty = Sf::new();
    sf.run(&["copy", "--to", empty.url()]).ok();
    assert_eq!(empty.snapshot(), sf.snapshot());
}

#[test]
fn copy_from_a_missing_database_creates_nothing() {
    let sf = Sf::bare();
    let target = sf.dir.path().join("copy.db");
    sf.run(&["copy", "--to", target.to_str().unwrap()])
        .fails(7, "stockflow init");
    assert!(!target.exists());
    assert!(!sf.created());
}

/// Part D: a refused `copy --to` changes no byte of a target file: one
/// with rows (exit 5), or one of an older schema, which copy never upgrades
/// (exit 7); an empty target of the current schema still takes the copy.
#[test]
fn a_refused_copy_changes_no_byte_of_the_target_file() {
    let sf = filled();
    let dir = tempfile::tempdir().unwrap();
    let with_rows = Sf::new_on(crate::support::Engine::Sqlite);
    with_rows.company("Other");
    let older = dir.path().join("v1.db");
    let fixture = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/v1.db");
    std::fs::copy(fixture, &older).unwrap();
    for (target, code, part) in [
        (
            with_rows.db.clone(),
            5,
            "is not empty (1 row(s) in company)",
        ),
        (older.clone(), 7, "has schema version 1, older than"),
    ] {
        let bytes = std::fs::read(&target).unwrap();
        sf.run(&["copy", "--to", target.to_str().unwrap()])
            .fails(code, part);
        assert!(
            std::fs::read(&target).unwrap() == bytes,
            "{} changed",
            target.display()
        );
    }
}

/// Part D: a file written before NUL was refused on SQLite can hold one in a
/// note, which a server cannot store: the copy to PostgreSQL is refused
/// naming the movement, and the server database stays empty.
#[test]
fn a_copy_error_names_the_movement_it_stopped_at() {
    if crate::support::skip_unless_postgres() {
        return;
    }
    let file = Sf::new_on(crate::support::Engine::Sqlite);
    fill(&file);
    let conn = rusqlite::Connection::open(&file.db).unwrap();
    conn.execute(
        "INSERT INTO movement (product_id, warehouse_id, delta, reason, note, actor, occurred_at, recorded_at)
         SELECT product_id, warehouse_id, 1, 'receipt', 'a' || char(0) || 'b', 'old', 0, 0
         FROM inventory LIMIT 1",
        [],
    )
    .unwrap();
    let id: i64 = conn
        .query_row("SELECT max(id) FROM movement", [], |r| r.get(0))
        .unwrap();
    drop(conn);
    let server = Sf::new_on(crate::support::Engine::Postgres);
    file.run(&["copy", "--to", server.url()]).fails(
        3,
        &format!("movement {id}: text cannot contain a NUL character"),
    );
    assert_eq!(
        server.snapshot(),
        Sf::new_on(crate::support::Engine::Postgres).snapshot()
    );
}
