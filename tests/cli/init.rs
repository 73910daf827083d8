use std::path::Path;
use std::process::Command;

use crate::support::{BIN, Sf, argv, argv_with, skip_unless_sqlite};

#[test]
fn commands_on_a_missing_database_exit_7_and_create_nothing() {
    let sf = Sf::bare();
    for args in [
        &["company", "list"][..],
        &["company", "create", "--name", "Acme"],
        &["product", "list"],
        &["check"],
        &["alerts", "low-stock", "--company", "1"],
    ] {
        sf.run(args).fails(7, "stockflow init");
        assert!(!sf.created(), "{args:?} created the database");
    }
    let out = sf.run(&["company", "list"]);
    assert!(out.stderr.contains(&sf.shown()), "{}", out.explain());
}

#[test]
fn init_twice_keeps_data() {
    let sf = Sf::new();
    sf.company("Acme");
    let again = sf.json(&["init"]);
    assert_eq!(again["from_version"], again["version"]);
    let companies = sf.json(&["company", "list"]);
    assert_eq!(companies[0]["name"], "Acme");
}

#[test]
fn a_newer_schema_is_refused() {
    if skip_unless_sqlite("the schema version is SQLite's PRAGMA user_version") {
        return;
    }
    let sf = Sf::new();
    let conn = rusqlite::Connection::open(&sf.db).unwrap();
    conn.pragma_update(None, "user_version", 99).unwrap();
    drop(conn);
    sf.run(&["company", "list"]).fails(7, "newer");
    sf.run(&["init"]).fails(7, "newer");
}

#[test]
fn a_file_that_is_not_stockflow_is_refused() {
    if skip_unless_sqlite("about files that are not stockflow databases") {
        return;
    }
    let sf = Sf::bare();
    std::fs::write(&sf.db, "just some text, not SQLite at all").unwrap();
    sf.run(&["company", "list"])
        .fails(7, "not a stockflow database");
    let other = sf.dir.path().join("other.db");
    rusqlite::Connection::open(&other)
        .unwrap()
        .execute_batch("CREATE TABLE notes (x)")
        .unwrap();
    let other = other.to_string_lossy().into_owned();
    sf.run(&["--db", &other, "init"])
        .fails(7, "not a stockflow database");
}

#[test]
fn db_and_format_are_global_before_or_after_the_subcommand() {
    let sf = Sf::new();
    let path = sf.db.to_string_lossy().into_owned();
    let before = sf
        .cmd(&argv_with(
            "--db {} --format json company create --name A",
            &[&path],
        ))
        .env("STOCKFLOW_DB", "/nonexistent/elsewhere.db")
        .output()
        .ok()
        .json();
    assert_eq!(before["name"], "A");
    let after = sf
        .cmd(&["company", "list", "--db", &path, "--format", "json"])
        .env("STOCKFLOW_DB", "/nonexistent/elsewhere.db")
        .output()
        .ok()
        .json();
    assert_eq!(after[0]["name"], "A");
    let by_env = sf
        .cmd(&["company", "list"])
        .env("STOCKFLOW_FORMAT", "csv")
        .output()
        .ok();
    assert_eq!(by_env.csv().1[0][1], "A");
}

#[test]
fn usage_errors_are_2_and_bad_values_are_3() {
    let sf = Sf::new();
    sf.run(&["frobnicate"]).code(2);
    sf.run(&["company", "create"]).code(2);
    sf.run(&["company", "create", "--name", "A", "--bogus"])
        .code(2);
    sf.run(&["company", "list", "--format", "xml"])
        .fails(3, "xml");
    sf.run(&["warehouse", "list", "--company", "abc"])
        .fails(3, "abc");
    sf.run(&["warehouse", "list", "--company", "0"])
        .fails(3, "0");
}

#[test]
fn json_usage_errors_name_what_is_missing() {
    let sf = Sf::new();
    let out = sf.run(&["company", "create", "--format", "json"]).code(2);
    let last = out.stderr.lines().last().unwrap();
    let json: serde_json::Value = serde_json::from_str(last).unwrap();
    assert_eq!(json["error"]["kind"], "usage");
    assert_eq!(
        json["error"]["message"],
        "the following required arguments were not provided: --name <NAME>"
    );
}

#[test]
fn json_errors_are_also_machine_readable() {
    let sf = Sf::new();
    let out = sf
        .run(&["warehouse", "list", "--company", "42", "--format", "json"])
        .code(4);
    let mut lines = out.stderr.lines();
    assert_eq!(lines.next(), Some("error: company 42 does not exist"));
    let json: serde_json::Value = serde_json::from_str(lines.next().unwrap()).unwrap();
    assert_eq!(json["error"]["kind"], "not_found");
    assert_eq!(json["error"]["message"], "company 42 does not exist");
}

/// The fixture: a version-1 database written by the v1 release (see tests/data/make-v1-db.sh).
fn v1_copy(sf: &Sf) {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/v1.db");
    std::fs::copy(fixture, &sf.db).unwrap();
}

/// sqlite_schema without root pages (where b-trees landed in the file is not
/// the schema), each statement's runs of white space as one space (schema.sql
/// indents the tables an upgrade created in a string literal differently).
fn sqlite_schema(path: &Path) -> Vec<(String, String, String, Option<String>)> {
    let conn = rusqlite::Connection::open(path).unwrap();
    let mut stmt = conn
        .prepare("SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY name")
        .unwrap();
    let spaced =
        |sql: Option<String>| sql.map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "));
    stmt.query_map([], |r| {
        Ok((r.get(0)?, r.get(1)?, r.get(2)?, spaced(r.get(3)?)))
    })
    .unwrap()
    .collect::<Result<_, _>>()
    .unwrap()
}

fn user_version(path: &Path) -> i64 {
    rusqlite::Connection::open(path)
        .unwrap()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn init_upgrades_a_version_1_database_keeping_every_row_and_alert() {
    if skip_unless_sqlite("the tests/data/v1.db fixture is a SQLite file") {
        return;
    }
    let sf = Sf::bare();
    v1_copy(&sf);
    let rows = sf.snapshot();
    for table in [
        "company",
        "warehouse",
        "supplier",
        "product",
        "product_supplier",
        "bundle_component",
        "type_threshold",
        "inventory",
        "location_threshold",
        "movement",
    ] {
        let prefix = format!("{table}: ");
        assert!(
            rows.iter().any(|r| r.starts_with(&prefix)),
            "no {table} row in the fixture"
        );
    }
    sf.run(&["company", "list"])
        .fails(7, "run `stockflow init` to upgrade");
    let report = sf.json(&["init"]);
    let version = stockflow::store::SCHEMA_VERSION;
    assert_eq!(
        report,
        serde_json::json!({"from_version": 1, "version": version})
    );
    // Every row as it was, plus version 6's terms of supply (pack 1, no
    // minimum) on each supplier link and no max on each pair's threshold.
    let mut upgraded: Vec<String> = rows
        .iter()
        .map(|r| match r.split_once(": ").map(|(t, _)| t) {
            Some("product_supplier") => format!("{r} | Integer(1) | Integer(0)"),
            Some("location_threshold") => format!("{r} | Null"),
            _ => r.clone(),
        })
        .collect();
    upgraded.sort();
    assert_eq!(sf.snapshot(), upgraded, "init changed a row");
    sf.run(&["check"]).ok();
    let expected: serde_json::Value =
        serde_json::from_str(include_str!("../data/v1-alerts.json")).unwrap();
    let alerts = sf.json(&argv("alerts low-stock --company 1 --as-of 2026-03-01"));
    assert_eq!(alerts, expected);
    let fresh = Sf::new();
    assert_eq!(sqlite_schema(&sf.db), sqlite_schema(&fresh.db));
    assert_eq!(user_version(&sf.db), user_version(&fresh.db));
    let again = sf.json(&["init"]);
    assert_eq!(again["from_version"], version);
}

#[test]
fn a_failed_upgrade_leaves_the_file_as_it_was() {
    if skip_unless_sqlite("the tests/data/v1.db fixture is a SQLite file") {
        return;
    }
    let sf = Sf::bare();
    v1_copy(&sf);
    // An object in the way of upgrade 2's index makes that upgrade fail.
    rusqlite::Connection::open(&sf.db)
        .unwrap()
        .execute_batch("CREATE INDEX movement_bundle ON company (name)")
        .unwrap();
    init_fails_leaving_the_file(
        &sf,
        &[
            "cannot upgrade",
            "to schema version 2 (the file is unchanged)",
        ],
    );
}

#[test]
fn read_only_commands_never_rewrite_a_foreign_sqlite_file() {
    if skip_unless_sqlite("about a foreign SQLite file") {
        return;
    }
    let sf = Sf::bare();
    rusqlite::Connection::open(&sf.db)
        .unwrap()
        .execute_batch(
            "PRAGMA journal_mode = DELETE; CREATE TABLE notes (x); INSERT INTO notes VALUES (1)",
        )
        .unwrap();
    let bytes = std::fs::read(&sf.db).unwrap();
    for args in [
        &["company", "list"][..],
        &["check"],
        &["product", "list"],
        &["stock", "history"],
        &["company", "create", "--name", "A"],
        &["init"],
    ] {
        sf.run(args).fails(7, "not a stockflow database");
        assert!(
            std::fs::read(&sf.db).unwrap() == bytes,
            "{args:?} rewrote the file"
        );
    }
}

#[test]
fn an_empty_file_stays_empty_on_a_read_and_init_creates_in_it() {
    if skip_unless_sqlite("about an empty file at the database path") {
        return;
    }
    let sf = Sf::bare();
    std::fs::write(&sf.db, b"").unwrap();
    for args in [
        &["company", "list"][..],
        &["check"],
        &["alerts", "low-stock", "--company", "1"],
    ] {
        sf.run(args).fails(7, "not a stockflow database");
        assert_eq!(std::fs::metadata(&sf.db).unwrap().len(), 0, "{args:?}");
    }
    sf.run(&["init"]).ok();
    sf.company("Acme");
}

#[test]
fn memory_and_uri_databases_are_refused_by_every_command() {
    if skip_unless_sqlite("about SQLite :memory: and file: names, never a server") {
        return;
    }
    let sf = Sf::bare();
    for db in [":memory:", "file:x.db", "FILE:x.db?mode=memory"] {
        for args in [&["init"][..], &["company", "list"], &["check"]] {
            sf.cmd(args)
                .env("STOCKFLOW_DB", db)
                .output()
                .fails(3, "the database must be a file");
        }
    }
    let names: Vec<_> = std::fs::read_dir(sf.dir.path()).unwrap().collect();
    assert!(names.is_empty(), "created {names:?}");
    // A file whose name starts with file: is reachable as a relative path.
    sf.cmd(&["init"])
        .env("STOCKFLOW_DB", "./file:x.db")
        .output()
        .ok();
    sf.cmd(&["company", "list"])
        .env("STOCKFLOW_DB", "./file:x.db")
        .output()
        .ok();
    assert!(sf.dir.path().join("file:x.db").exists());
}

/// Runs stockflow on `db` as an unprivileged user when the tests run as root
/// (root ignores file permissions), else as the current user.
fn unprivileged(db: &Path, args: &[&str]) -> crate::support::Out {
    let uid = Command::new("id").arg("-u").output().unwrap();
    let mut cmd = if String::from_utf8_lossy(&uid.stdout).trim() == "0" {
        let mut c = Command::new("setpriv");
        c.args(argv_with(
            "--reuid 65534 --regid 65534 --clear-groups {}",
            &[BIN],
        ));
        c
    } else {
        Command::new(BIN)
    };
    let out = cmd
        .env_clear()
        .env("STOCKFLOW_DB", db)
        .env("STOCKFLOW_ACTOR", "tester")
        .args(args)
        .output()
        .unwrap();
    crate::support::Out {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        desc: format!("(unprivileged) stockflow {}", args.join(" ")),
    }
}

#[test]
fn a_read_only_database_fails_on_one_line_naming_it_and_stays_as_it_was() {
    if skip_unless_sqlite("file permissions of the SQLite file") {
        return;
    }
    use std::os::unix::fs::PermissionsExt;
    let sf = Sf::new();
    sf.company("Acme");
    let bytes = std::fs::read(&sf.db).unwrap();
    let dir = sf.dir.path();
    let mode = |path: &Path, m: u32| {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(m)).unwrap()
    };
    let path = sf.db.display().to_string();
    // The file read-only, its directory writable: reads work, writes are refused.
    mode(dir, 0o777);
    mode(&sf.db, 0o444);
    let list = unprivileged(&sf.db, &["company", "list", "--format", "json"]).ok();
    assert!(list.stdout.contains("Acme"), "{}", list.explain());
    for args in [&["company", "create", "--name", "B"][..], &["init"]] {
        let out = unprivileged(&sf.db, args)
            .fails(7, &format!("cannot write {path}: the file is read-only"));
        assert_eq!(out.stderr.lines().count(), 1, "{}", out.explain());
    }
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{path}{suffix}"));
    }
    // The directory read-only too: SQLite cannot make its -shm file, even to read.
    mode(dir, 0o755);
    mode(&sf.db, 0o644);
    for args in [
        &["company", "list"][..],
        &["check"],
        &["company", "create", "--name", "B"],
        &["init"],
    ] {
        let out = unprivileged(&sf.db, args).fails(7, &format!("cannot use {path}"));
        assert_eq!(out.stderr.lines().count(), 1, "{}", out.explain());
    }
    mode(dir, 0o700);
    assert!(std::fs::read(&sf.db).unwrap() == bytes, "the file changed");
}

#[test]
fn a_corrupted_page_is_exit_7_on_one_line() {
    if skip_unless_sqlite("scribbles over the SQLite file's pages") {
        return;
    }
    let sf = Sf::acme();
    sf.product(1, "WID", &["--warehouse", "1", "--quantity", "5"]);
    let mut bytes = std::fs::read(&sf.db).unwrap();
    // Scribble over the b-tree header and the start of every page after the
    // first (the middle of a page may be free space, depending on the layout).
    for page in bytes.chunks_mut(4096).skip(1) {
        page[..300].fill(0xff);
    }
    std::fs::write(&sf.db, &bytes).unwrap();
    for args in [
        &["check"][..],
        &["company", "list"],
        &["stock", "list"],
        &["product", "show", "WID"],
    ] {
        let out = sf.run(args).fails(7, "");
        assert_eq!(out.stderr.lines().count(), 1, "{}", out.explain());
        assert!(
            out.stderr.contains("damaged") || out.stderr.contains("malformed"),
            "{}",
            out.explain()
        );
    }
}

#[test]
fn a_deleted_wal_leaves_the_last_checkpoint_usable() {
    if skip_unless_sqlite("about the SQLite -wal file") {
        return;
    }
    let sf = Sf::new();
    sf.company("Acme");
    // A second company that only the WAL holds: a copy taken while a
    // connection that never checkpoints is still open.
    let conn = rusqlite::Connection::open(&sf.db).unwrap();
    conn.execute_batch(
        "PRAGMA wal_autocheckpoint = 0;
         INSERT INTO company (name, created_at) VALUES ('Only in the WAL', 0);",
    )
    .unwrap();
    let copy = sf.dir.path().join("copy.db");
    std::fs::copy(&sf.db, &copy).unwrap();
    drop(conn);
    assert!(!Path::new(&format!("{}-wal", copy.display())).exists());
    let out = sf
        .cmd(&["company", "list", "--format", "json"])
        .env("STOCKFLOW_DB", copy.to_str().unwrap())
        .output()
        .ok();
    let names: Vec<_> = out
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].clone())
        .collect();
    assert_eq!(names, ["Acme"]);
    sf.cmd(&["check"])
        .env("STOCKFLOW_DB", copy.to_str().unwrap())
        .output()
        .ok();
}

/// SKU keys of a version-1 database (lower-cased) are re-keyed by `init` to
/// today's NFKC case folds, so every stored SKU is found by its spelling.
#[test]
fn init_re_keys_skus_made_before_case_folding() {
    if skip_unless_sqlite("the tests/data/v1.db fixture is a SQLite file") {
        return;
    }
    let sf = Sf::bare();
    v1_copy(&sf);
    rusqlite::Connection::open(&sf.db)
        .unwrap()
        .execute_batch(
            "INSERT INTO product (company_id, sku, sku_key, name, price_cents, created_at)
             VALUES (1, 'BOXΣ', 'boxς', 'Box', 100, 0), (1, 'STRAßE', 'straße', 'Street', 100, 0)",
        )
        .unwrap();
    sf.run(&["init"]).ok();
    for (spelling, sku) in [("boxσ", "BOXΣ"), ("BOXς", "BOXΣ"), ("strasse", "STRAßE")] {
        assert_eq!(
            sf.json(&["product", "show", spelling])["sku"],
            sku,
            "{spelling}"
        );
    }
    sf.run(&["check"]).ok();
}

/// Two version-1 SKUs that case folding makes one stop the upgrade, named,
/// and the file is left as it was.
#[test]
fn init_refuses_skus_that_case_folding_makes_one() {
    if skip_unless_sqlite("the tests/data/v1.db fixture is a SQLite file") {
        return;
    }
    let sf = Sf::bare();
    v1_copy(&sf);
    rusqlite::Connection::open(&sf.db)
        .unwrap()
        .execute_batch(
            "INSERT INTO product (company_id, sku, sku_key, name, price_cents, created_at)
             VALUES (1, 'STRASSE', 'strasse', 'a', 100, 0), (1, 'straße', 'straße', 'b', 100, 0)",
        )
        .unwrap();
    init_fails_leaving_the_file(
        &sf,
        &[
            "to schema version 3 (the file is unchanged)",
            "STRASSE and straße are the same SKU",
        ],
    );
}

/// `init` on the version-1 file at `sf.db` fails with exit 7 and a message
/// holding every one of `parts`, and leaves the file byte for byte as it was.
fn init_fails_leaving_the_file(sf: &Sf, parts: &[&str]) {
    let bytes = std::fs::read(&sf.db).unwrap();
    let mut out = sf.run(&["init"]);
    for part in parts {
        out = out.fails(7, part);
    }
    assert!(std::fs::read(&sf.db).unwrap() == bytes, "the file changed");
    assert_eq!(user_version(&sf.db), 1);
}

#[test]
fn a_server_url_is_exit_7_naming_the_server_but_never_the_password() {
    let sf = Sf::bare();
    let url = "postgresql://stock:hunter2@db.example:5432/stock";
    for args in [&["init"][..], &["company", "list"], &["check"]] {
        let out = sf
            .cmd(args)
            .env("STOCKFLOW_DB", url)
            .output()
            .fails(7, "postgresql://stock@db.example:5432/stock");
        assert!(!out.stderr.contains("hunter2"), "{}", out.explain());
    }
    assert_eq!(
        std::fs::read_dir(sf.dir.path()).unwrap().count(),
        0,
        "nothing created"
    );
}
