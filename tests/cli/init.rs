use crate::support::Sf;

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
        assert!(!sf.db.exists(), "{args:?} created the file");
    }
    let out = sf.run(&["company", "list"]);
    assert!(
        out.stderr.contains(&sf.db.display().to_string()),
        "{}",
        out.explain()
    );
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
    let sf = Sf::new();
    let conn = rusqlite::Connection::open(&sf.db).unwrap();
    conn.pragma_update(None, "user_version", 99).unwrap();
    drop(conn);
    sf.run(&["company", "list"]).fails(7, "newer");
    sf.run(&["init"]).fails(7, "newer");
}

#[test]
fn a_file_that_is_not_stockflow_is_refused() {
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
        .cmd(&[
            "--db", &path, "--format", "json", "company", "create", "--name", "A",
        ])
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
