//! Rules that only a server engine can break: many processes writing one
//! PostgreSQL database at once, a batch killed mid-transaction, the way from a
//! file to a server and back, and a server that refuses or is not there.
//! Each test runs when the suite runs on PostgreSQL (`scripts/test`).

use std::process::Child;
use std::time::Duration;

use serde_json::Value;

use crate::copy::fill;
use crate::support::{
    Engine, Server, Sf, admin_url, argv, argv_with, count, kill_at, shell_loops,
    skip_unless_postgres, wait_all, without_password,
};

/// The sum of the ledger's deltas for a product in a warehouse, from `stock history`.
fn history_sum(sf: &Sf, sku: &str, warehouse: i64) -> i64 {
    let w = warehouse.to_string();
    sf.json(&["stock", "history", "--sku", sku, "--warehouse", &w])
        .as_array()
        .expect("array")
        .iter()
        .map(|m| m["delta"].as_i64().expect("delta"))
        .sum()
}

#[test]
fn sixteen_sellers_of_the_last_200_units_sell_exactly_200() {
    if skip_unless_postgres() {
        return;
    }
    let sf = Sf::acme();
    sf.product(1, "WID", &["--warehouse", "1", "--quantity", "200"]);
    let (codes, stderr) = shell_loops(&sf, 16, 25, |_| {
        "stock adjust --sku WID --warehouse 1 --delta -1 --reason sale".into()
    });
    assert_eq!(codes.len(), 400, "{stderr}");
    assert_eq!((count(&codes, 0), count(&codes, 5)), (200, 200), "{stderr}");
    assert_eq!(sf.stock("WID", 1), 0);
    assert_eq!(history_sum(&sf, "WID", 1), 0);
    assert_eq!(sf.ledger_rows(), 201);
    sf.run(&["check"]).ok();
}

#[test]
fn opposite_transfers_from_eight_processes_never_deadlock() {
    if skip_unless_postgres() {
        return;
    }
    let sf = Sf::two_warehouses(400);
    // Four processes each way, 25 transfers of 3 each: at most 300 leave a side.
    let (codes, stderr) = shell_loops(&sf, 8, 25, |p| {
        let (from, to) = if p % 2 == 0 { (1, 2) } else { (2, 1) };
        format!("stock transfer --sku WID --from {from} --to {to} --quantity 3")
    });
    assert_eq!(codes.len(), 200, "{stderr}");
    assert_eq!(count(&codes, 0), 200, "{codes:?} {stderr}");
    assert!(!stderr.to_lowercase().contains("deadlock"), "{stderr}");
    let (a, b) = (sf.stock("WID", 1), sf.stock("WID", 2));
    assert_eq!((a, b), (400, 400), "the net flow is zero");
    assert_eq!(
        (history_sum(&sf, "WID", 1), history_sum(&sf, "WID", 2)),
        (a, b)
    );
    assert_eq!(sf.ledger_rows(), 2 + 8 * 25 * 2);
    sf.run(&["check"]).ok();
}

#[test]
fn one_sku_created_twice_at_once_in_two_cases_has_one_winner() {
    if skip_unless_postgres() {
        return;
    }
    let sf = Sf::acme();
    for round in 0..20 {
        let children: Vec<Child> = [format!("ab-{round}"), format!("AB-{round}")]
            .iter()
            .map(|sku| {
                sf.spawn(&argv(&format!(
                    "product create --company 1 --sku {sku} --name {sku} --price 1 --warehouse 1 --quantity 5"
                )))
            })
            .collect();
        let codes: Vec<i32> = wait_all(children).into_iter().map(|(c, _)| c).collect();
        assert_eq!(
            (count(&codes, 0), count(&codes, 5)),
            (1, 1),
            "round {round}: {codes:?}"
        );
    }
    assert_eq!(sf.json(&["product", "list"]).as_array().unwrap().len(), 20);
    assert_eq!(sf.ledger_rows(), 20);
    sf.run(&["check"]).ok();
}

/// The batch killed at each of its named phases (its plain progress lines,
/// as the SQLite kill test does), early and late in a phase.
#[test]
fn a_killed_batch_leaves_every_movement_or_none_at_every_phase() {
    if skip_unless_postgres() {
        return;
    }
    // Above the bulk path's 200,000 rows: every phase is there.
    let rows: i64 = 250_000;
    let csv = format!(
        "sku,warehouse_id,delta,reason\n{}",
        "WID,1,1,receipt\n".repeat(rows as usize)
    );
    for (phase, delay_ms) in [
        ("reading and checking", 100),
        ("writing the ledger", 0),
        ("writing the ledger", 200),
        ("committing", 0),
    ] {
        let sf = Sf::acme();
        sf.product(1, "WID", &["--warehouse", "1", "--quantity", "1"]);
        let path = sf.file("big.csv", &csv);
        let (reached, killed) = kill_at(&sf, &path, phase, Duration::from_millis(delay_ms));
        assert!(reached, "the batch ended before {phase}");
        assert!(
            killed || phase != "reading and checking",
            "the batch was over {delay_ms} ms into {phase}"
        );
        sf.wait_until_alone();
        let (stock, ledger) = (sf.stock("WID", 1), sf.ledger_rows());
        let whole = 1 + rows;
        assert!(
            (stock, ledger) == (1, 1) || (stock, ledger) == (whole, whole),
            "after a kill {delay_ms} ms into {phase}: stock {stock}, ledger rows {ledger}"
        );
        if killed && phase != "committing" {
            assert_eq!(
                ledger, 1,
                "killed {delay_ms} ms into {phase}, before the commit"
            );
        }
        if !killed {
            assert_eq!(ledger, whole, "the batch finished before the kill");
        }
        sf.run(&["check"]).ok();
    }
    // And one not killed is all there.
    let sf = Sf::acme();
    sf.product(1, "WID", &["--warehouse", "1", "--quantity", "1"]);
    let path = sf.file("big.csv", &csv);
    assert_eq!(
        sf.json(&["stock", "adjust", "--file", &path])["applied"],
        rows
    );
    assert_eq!(sf.stock("WID", 1), 1 + rows);
}

/// What a person and a script see of a database, for each of its companies.
fn views(sf: &Sf) -> Vec<Value> {
    let mut all = vec![sf.json(&["stock", "list"]), sf.json(&["stock", "history"])];
    for company in sf.json(&["company", "list"]).as_array().expect("array") {
        let c = company["id"].to_string();
        all.push(sf.json(&argv(&format!(
            "alerts low-stock --company {c} --as-of 2026-01-20"
        ))));
        all.push(sf.json(&["product", "list", "--company", &c, "--include-archived"]));
    }
    all
}

#[test]
fn a_file_moved_to_the_server_and_back_is_the_same_business() {
    if skip_unless_postgres() {
        return;
    }
    let original = Sf::new_on(Engine::Sqlite);
    fill(&original);
    // A second company, so ids of two tenants interleave.
    let beta = original.company("Beta");
    let dock = original.warehouse(beta, "Dock");
    original.supplier(beta, "Parts Ltd", "parts@example.com");
    let d = dock.to_string();
    original.product(beta, "GEAR", &["--warehouse", &d, "--quantity", "50"]);
    original.adjust("GEAR", dock, -45, "sale", "2026-01-15");
    let before = views(&original);
    let alerts = &before[2]["alerts"];
    assert!(
        !alerts.as_array().unwrap().is_empty(),
        "the demo has alerts: {alerts}"
    );

    let server = Sf::bare_on(Engine::Postgres);
    original.json(&["copy", "--to", server.url()]);
    server.run(&["check"]).ok();
    assert_eq!(views(&server), before, "on the server");

    let back = Sf::bare_on(Engine::Sqlite);
    server.json(&["copy", "--to", back.url()]);
    back.run(&["check"]).ok();
    assert_eq!(views(&back), before, "back in a file");
    assert_eq!(back.ledger_rows(), original.ledger_rows());
}

/// `command` on `url` fails with exit 7 on one line naming the server, and
/// never shows `password`.
fn unreachable(url: &str, password: &str) {
    let sf = Sf::new();
    for args in [&["company", "list"][..], &["init"], &["check"]] {
        let out = sf
            .cmd(args)
            .env("STOCKFLOW_DB", url)
            .output()
            .fails(7, &without_password(url));
        assert_eq!(out.stderr.lines().count(), 1, "{}", out.explain());
        assert!(!out.stderr.contains(password), "{}", out.explain());
    }
    let out = sf
        .run(&["copy", "--to", url])
        .fails(7, &without_password(url));
    assert!(!out.stderr.contains(password), "{}", out.explain());
}

#[test]
fn a_wrong_password_is_exit_7_naming_the_server_but_not_the_password() {
    if skip_unless_postgres() {
        return;
    }
    let url = without_password(&admin_url()).replacen('@', ":WRONGPW@", 1);
    assert!(
        url.contains(":WRONGPW@"),
        "STOCKFLOW_TEST_PG names no user: {url}"
    );
    unreachable(&url, "WRONGPW");
}

#[test]
fn a_server_that_is_not_there_is_exit_7_without_the_password() {
    if skip_unless_postgres() {
        return;
    }
    unreachable(
        "postgresql://stockflow:S3cretPw@localhost:1/stock",
        "S3cretPw",
    );
}

#[test]
fn batches_queue_behind_single_writers_of_the_same_rows_without_deadlock() {
    if skip_unless_postgres() {
        return;
    }
    let sf = Sf::acme();
    sf.product(1, "A", &["--warehouse", "1", "--quantity", "1000"]);
    sf.product(1, "B", &["--warehouse", "1", "--quantity", "1000"]);
    let batch = sf.file(
        "batch.csv",
        "sku,warehouse_id,delta,reason\nB,1,-1,sale\nA,1,-1,sale\nB,1,-1,sale\n",
    );
    // Single writers lock A then B; the batch takes B first (file order).
    let (codes, stderr) = shell_loops(&sf, 6, 8, |p| match p % 3 {
        0 => format!("stock adjust --file {batch}"),
        1 => "stock adjust --sku A --warehouse 1 --delta -1 --reason sale".into(),
        _ => "stock adjust --sku B --warehouse 1 --delta -1 --reason sale".into(),
    });
    assert_eq!(count(&codes, 0), 48, "{codes:?} {stderr}");
    assert!(!stderr.to_lowercase().contains("deadlock"), "{stderr}");
    assert_eq!(
        (sf.stock("A", 1), sf.stock("B", 1)),
        (1000 - 16 - 16, 1000 - 32 - 16)
    );
    sf.run(&["check"]).ok();
}

#[test]
fn a_nul_character_in_text_is_invalid_input_naming_line_column_and_value() {
    if skip_unless_postgres() {
        return;
    }
    let sf = Sf::acme();
    sf.product(1, "WID", &["--warehouse", "1", "--quantity", "10"]);
    let before = sf.snapshot();
    sf.cmd(&["stock", "adjust", "--file", "-"])
        .stdin("sku,warehouse_id,delta,reason,note\nWID,1,1,receipt,ok\nWID,1,1,receipt,\"a\0b\"\n")
        .output()
        .fails(3, "line 3, column note")
        .fails(3, "NUL");
    sf.cmd(&["stock", "adjust", "--file", "-"])
        .stdin("sku,warehouse_id,delta,reason,reference\nWID,1,1,receipt,\"r\0\"\n")
        .output()
        .fails(3, "line 2, column reference");
    sf.cmd(&["import", "products", "-"])
        .stdin("company_id,sku,name,price\n1,NEW,\"x\0y\",1\n")
        .output()
        .fails(3, "NUL");
    assert_eq!(sf.snapshot(), before, "nothing was written");
}

#[test]
fn movement_ids_follow_commit_order_so_an_after_id_feed_misses_none() {
    if skip_unless_postgres() {
        return;
    }
    let sf = Sf::two_warehouses(5);
    // Another session holds warehouse A's row: a movement into A waits on
    // its foreign key check, after the movement has been given its id.
    let mut holder = sf.pg();
    holder
        .batch_execute("BEGIN; SELECT 1 FROM warehouse WHERE id = 1 FOR UPDATE")
        .expect("hold");
    let adjust = |w: &str| {
        sf.spawn(&argv(&format!(
            "stock adjust --sku WID --warehouse {w} --delta 1 --reason receipt"
        )))
    };
    let slow = adjust("1");
    std::thread::sleep(Duration::from_millis(700));
    let fast = adjust("2");
    std::thread::sleep(Duration::from_millis(700));
    // What a feed reader sees now, as `after_id` would page through it.
    let ids = "SELECT id FROM movement ORDER BY id";
    let seen: Vec<i64> = sf
        .pg()
        .query(ids, &[])
        .expect("ids")
        .iter()
        .map(|r| r.get(0))
        .collect();
    holder.batch_execute("ROLLBACK").expect("release");
    for child in [slow, fast] {
        let out = child.wait_with_output().expect("wait");
        assert!(out.status.success(), "{out:?}");
    }
    let cursor = *seen.last().expect("a movement");
    let all: Vec<i64> = sf
        .pg()
        .query(ids, &[])
        .expect("ids")
        .iter()
        .map(|r| r.get(0))
        .collect();
    let missed: Vec<i64> = all
        .iter()
        .filter(|id| **id <= cursor && !seen.contains(id))
        .copied()
        .collect();
    assert!(
        missed.is_empty(),
        "committed below the feed's cursor {cursor}: {missed:?}"
    );
}

#[test]
fn init_beside_objects_named_like_stockflows_is_not_a_stockflow_database() {
    if skip_unless_postgres() {
        return;
    }
    for clash in [
        "CREATE VIEW company AS SELECT 1 AS id",
        "CREATE SEQUENCE company_name",
        "CREATE FUNCTION movement_append_only() RETURNS int LANGUAGE sql AS 'SELECT 1'",
    ] {
        let sf = Sf::bare();
        sf.execute(clash).expect("the clash");
        sf.run(&["init"]).fails(7, "not a stockflow database");
        sf.run(&["company", "list"]).fails(7, "no stockflow schema");
    }
}

#[test]
fn a_password_with_unencoded_url_characters_is_never_shown() {
    if skip_unless_postgres() {
        return;
    }
    let sf = Sf::new();
    // '/', '?' and '#' stay in the password (the postgres crate takes all
    // before the first '@'); an unencoded '@' would split it into the host.
    for (url, secret) in [
        ("postgresql://stockflow:Se/cr3t@localhost:1/stock", "cr3t"),
        ("postgresql://stockflow:Se?cr3t@localhost:1/stock", "cr3t"),
        ("postgresql://stockflow:Se#cr3t@localhost:1/stock", "cr3t"),
        ("postgresql://stockflow:Se@cr3t@localhost:1/stock", "cr3t"),
    ] {
        for args in [&["company", "list"][..], &["init"]] {
            let out = sf.cmd(args).env("STOCKFLOW_DB", url).output();
            assert!(matches!(out.code, 3 | 7), "{}", out.explain());
            assert!(out.stderr.contains("localhost"), "{}", out.explain());
            assert!(!out.stderr.contains(secret), "{}", out.explain());
            assert_eq!(out.stderr.lines().count(), 1, "{}", out.explain());
        }
        let out = sf.run(&["copy", "--to", url]);
        assert!(!out.stderr.contains(secret), "{}", out.explain());
    }
}

#[test]
fn a_url_asking_for_tls_or_with_a_bad_option_says_what_is_wrong() {
    if skip_unless_postgres() {
        return;
    }
    let sf = Sf::new();
    let base = without_password(&admin_url());
    let run = |query: &str| {
        sf.cmd(&["company", "list"])
            .env("STOCKFLOW_DB", &format!("{base}?{query}"))
            .output()
    };
    run("sslmode=require").fails(7, "sslmode=require");
    run("sslmode=require").fails(7, "TLS");
    run("bogus=1").fails(3, "unknown option `bogus`");
    run("port=abc").fails(3, "invalid value for option `port`");
}

#[test]
fn serve_on_postgresql_stops_cleanly_on_sigterm() {
    if skip_unless_postgres() {
        return;
    }
    let sf = Sf::new();
    let server = Server::start(&sf, &[]);
    assert!(server.addr.starts_with("127.0.0.1:"), "{}", server.addr);
    let (code, stderr) = server.stop();
    assert_eq!(code, 0, "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn both_engines_have_the_same_tables_and_columns_in_the_same_order() {
    if skip_unless_postgres() {
        return;
    }
    let file = Sf::new_on(Engine::Sqlite);
    let server = Sf::new_on(Engine::Postgres);
    let conn = rusqlite::Connection::open(&file.db).expect("open");
    let sqlite: Vec<(String, String, String)> = conn
        .prepare(
            "SELECT m.name, p.name, p.type FROM sqlite_schema m JOIN pragma_table_info(m.name) p
             WHERE m.type = 'table' ORDER BY m.name, p.cid",
        )
        .expect("prepare")
        .query_map([], |r| {
            let ty: String = r.get(2)?;
            let column: String = r.get(1)?;
            // The flags, 0 or 1 in SQLite's integers, are PostgreSQL's booleans.
            let flag = ["is_bundle", "archived", "is_primary"].contains(&column.as_str());
            let pg = match ty.as_str() {
                "INTEGER" if flag => "boolean",
                "INTEGER" => "bigint",
                "TEXT" => "text",
                "BLOB" => "bytea",
                other => panic!("a SQLite type the PostgreSQL schema has no twin for: {other}"),
            };
            Ok((r.get(0)?, r.get(1)?, pg.to_owned()))
        })
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows");
    let postgres: Vec<(String, String, String)> = server.with_pg(|pg| {
        pg.query(
            "SELECT table_name::text, column_name::text, data_type::text
             FROM information_schema.columns
             WHERE table_schema = current_schema() AND table_name <> 'stockflow_schema'
             ORDER BY table_name, ordinal_position",
            &[],
        )
        .expect("columns")
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect()
    });
    assert_eq!(postgres, sqlite);
}

/// The schema of the database `sf` names, as the server describes it: each
/// column with its type, default and nullability; each index; each constraint.
fn pg_schema(sf: &Sf) -> Vec<String> {
    sf.with_pg(|pg| {
        let mut all: Vec<String> = Vec::new();
        for sql in [
            "SELECT table_name || '.' || column_name || ' ' || data_type || ' default '
                    || coalesce(column_default, '-') || ' nullable ' || is_nullable
             FROM information_schema.columns
             WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position",
            "SELECT indexname || ': ' || indexdef FROM pg_indexes
             WHERE schemaname = current_schema() ORDER BY indexname",
            "SELECT conrelid::regclass::text || ' ' || conname || ': ' || pg_get_constraintdef(oid)
             FROM pg_constraint WHERE connamespace = current_schema()::regnamespace
             ORDER BY conrelid::regclass::text, conname",
        ] {
            let rows = pg.query(sql, &[]).expect("schema");
            all.extend(rows.iter().map(|r| r.get::<_, String>(0)));
        }
        all
    })
}

#[test]
fn a_version_4_server_database_upgraded_by_init_has_the_fresh_schema_and_keeps_its_rows() {
    if skip_unless_postgres() {
        return;
    }
    // The version-4 schema as released (git show c109da0:schema.postgres.sql),
    // with the flags as integers 0/1, and rows written by its rules.
    let old = Sf::bare_on(Engine::Postgres);
    old.execute(include_str!("../data/schema.postgres.v4.sql"))
        .expect("the version-4 schema");
    old.execute(
        "CREATE TABLE stockflow_schema (version BIGINT NOT NULL);
         COMMENT ON TABLE stockflow_schema IS 'stockflow';
         INSERT INTO stockflow_schema VALUES (4);
         INSERT INTO company (name, default_threshold, created_at) VALUES ('Acme', 10, 0);
         INSERT INTO supplier (company_id, name, contact_email, created_at)
         VALUES (1, 'Bolts Ltd', 'bolts@example.com', 0);
         INSERT INTO product (company_id, sku, sku_key, name, price_cents, is_bundle, archived, created_at)
         VALUES (1, 'PLAIN-1', 'plain-1', 'Plain', 100, 0, 0, 0),
                (1, 'ARCH-1', 'arch-1', 'Old', 100, 0, 1, 0),
                (1, 'KIT-1', 'kit-1', 'Kit', 300, 1, 0, 0);
         INSERT INTO bundle_component (bundle_id, component_id, company_id, quantity) VALUES (3, 1, 1, 2);
         INSERT INTO product_supplier (product_id, supplier_id, company_id, is_primary, lead_time_days)
         VALUES (1, 1, 1, 1, 7), (2, 1, 1, 0, NULL);",
    )
    .expect("version-4 rows");
    old.run(&["init"]).ok();
    let fresh = Sf::new_on(Engine::Postgres);
    assert_eq!(pg_schema(&old), pg_schema(&fresh));
    let version: i64 = old.with_pg(|pg| {
        pg.query_one("SELECT version FROM stockflow_schema", &[])
            .expect("version")
            .get(0)
    });
    assert_eq!(version, stockflow::store::SCHEMA_VERSION);
    let flags: Vec<(String, bool, bool)> = old.with_pg(|pg| {
        pg.query(
            "SELECT sku, is_bundle, archived FROM product ORDER BY id",
            &[],
        )
        .expect("products")
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect()
    });
    assert_eq!(
        flags,
        [
            ("PLAIN-1".to_owned(), false, false),
            ("ARCH-1".to_owned(), false, true),
            ("KIT-1".to_owned(), true, false),
        ]
    );
    let links: Vec<(i64, bool, Option<i64>)> = old.with_pg(|pg| {
        pg.query(
            "SELECT product_id, is_primary, lead_time_days FROM product_supplier ORDER BY product_id",
            &[],
        )
        .expect("links")
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect()
    });
    assert_eq!(links, [(1, true, Some(7)), (2, false, None)]);
    old.run(&["check"]).ok();
    // Through the commands: the archived product is listed only when asked,
    // as archived; the kit is a bundle.
    let listed = old.json(&["product", "list"]);
    let skus: Vec<&str> = listed
        .as_array()
        .expect("a list")
        .iter()
        .map(|p| p["sku"].as_str().expect("sku"))
        .collect();
    assert_eq!(skus, ["KIT-1", "PLAIN-1"]);
    let all = old.json(&["product", "list", "--include-archived"]);
    let arch = all
        .as_array()
        .expect("a list")
        .iter()
        .find(|p| p["sku"] == "ARCH-1")
        .expect("ARCH-1 listed");
    assert_eq!(arch["archived"], true);
    let kit = all
        .as_array()
        .expect("a list")
        .iter()
        .find(|p| p["sku"] == "KIT-1")
        .expect("KIT-1 listed");
    assert_eq!(kit["is_bundle"], true);
}

/// The flags of a database file: each product's bundle and archived flags,
/// each supplier link's primary flag (SQLite's 0/1).
fn file_flags(sf: &Sf) -> Vec<(String, i64, i64)> {
    let conn = rusqlite::Connection::open(&sf.db).expect("open");
    conn.prepare(
        "SELECT sku, is_bundle, archived FROM product
         UNION ALL SELECT 'link ' || product_id || '-' || supplier_id, is_primary, 0 FROM product_supplier
         ORDER BY 1",
    )
    .expect("prepare")
    .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
    .expect("query")
    .collect::<Result<_, _>>()
    .expect("rows")
}

#[test]
fn flags_cross_to_the_server_as_booleans_and_back_as_they_were() {
    if skip_unless_postgres() {
        return;
    }
    let original = Sf::new_on(Engine::Sqlite);
    fill(&original);
    // A link that is not primary beside the primary one: WID-2's first
    // link (2-1) is its primary until a second supplier takes it over.
    original
        .run(&["supplier", "link", "--sku", "WID-2", "--supplier", "1"])
        .ok();
    let second = original.supplier(1, "Second", "second@example.com");
    original
        .run(&argv_with(
            "supplier link --sku WID-2 --supplier {} --primary",
            &[&second.to_string()],
        ))
        .ok();
    let before = file_flags(&original);
    // fill: PAIR is a bundle, WID-2 archived, WID-1's link (1-1) primary.
    assert_eq!(
        before,
        [
            ("PAIR".to_owned(), 1, 0),
            ("WID-1".to_owned(), 0, 0),
            ("WID-2".to_owned(), 0, 1),
            ("link 1-1".to_owned(), 1, 0),
            ("link 2-1".to_owned(), 0, 0),
            (format!("link 2-{second}"), 1, 0),
        ]
    );
    let server = Sf::bare_on(Engine::Postgres);
    original.json(&["copy", "--to", server.url()]);
    let on_server: Vec<(String, bool, bool)> = server.with_pg(|pg| {
        pg.query(
            "SELECT sku, is_bundle, archived FROM product
             UNION ALL SELECT 'link ' || product_id || '-' || supplier_id, is_primary, FALSE
             FROM product_supplier ORDER BY 1",
            &[],
        )
        .expect("flags")
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect()
    });
    let as_booleans: Vec<(String, bool, bool)> = before
        .iter()
        .map(|(k, a, b)| (k.clone(), *a == 1, *b == 1))
        .collect();
    assert_eq!(on_server, as_booleans);
    let back = Sf::bare_on(Engine::Sqlite);
    server.json(&["copy", "--to", back.url()]);
    assert_eq!(file_flags(&back), before);
}
