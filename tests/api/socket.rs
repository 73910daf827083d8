//! On a real socket, through the real binary: concurrent clients, a CLI
//! batch on the same file, SIGTERM with requests in flight, idempotency
//! under concurrency, and the same alerts through both doors.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::{Value, json};

use crate::harness::{http, token, wait_for_lock_waiter};
use crate::support::{Server, Sf, argv, skip_unless_postgres, skip_unless_sqlite};

/// A database with company 1, warehouse 1 and product `P` holding `qty` units.
fn shop(qty: i64) -> (Sf, String) {
    let sf = Sf::new();
    let c = sf.company("Acme");
    let w = sf.warehouse(c, "Main");
    sf.product(c, "P", &argv(&format!("--warehouse {w} --quantity {qty}")));
    let t = token(&sf, c);
    (sf, t)
}

/// `n` sales of one unit of P from `clients` threads; the statuses, in no order.
fn sell(addr: &str, token: &str, clients: usize, n: usize) -> Vec<u16> {
    let next = Arc::new(AtomicUsize::new(0));
    let auth = format!("Bearer {token}");
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..clients)
            .map(|_| {
                let next = Arc::clone(&next);
                let auth = auth.clone();
                s.spawn(move || {
                    let mut statuses = Vec::new();
                    while next.fetch_add(1, Ordering::SeqCst) < n {
                        let body =
                            json!({"sku": "P", "warehouse_id": 1, "delta": -1, "reason": "sale"});
                        let (status, head, text) = http(
                            addr,
                            "POST",
                            "/api/stock/adjustments",
                            &[("authorization", &auth)],
                            &body.to_string(),
                        )
                        .expect("an answer");
                        if status == 503 {
                            assert!(
                                head.contains("retry-after: "),
                                "503 without Retry-After: {head}"
                            );
                        }
                        assert!(status != 500, "500: {text}");
                        statuses.push(status);
                    }
                    statuses
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("client"))
            .collect()
    })
}

#[test]
fn thirty_two_clients_sell_the_last_100_units_exactly_once_each() {
    last_100_units(&[]);
}

#[test]
fn without_group_commit_too_the_last_100_units_sell_exactly_once() {
    if skip_unless_sqlite("group commit (--group-max) is SQLite's writer; PostgreSQL has none") {
        return;
    }
    last_100_units(&[("STOCKFLOW_GROUP_MAX", "1")]);
}

fn last_100_units(env: &[(&str, &str)]) {
    let (sf, t) = shop(100);
    let server = Server::start(&sf, env);
    let statuses = sell(&server.addr, &t, 32, 400);
    let (code, log) = server.stop();
    assert_eq!(code, 0, "{log}");
    assert_eq!(statuses.iter().filter(|s| **s == 201).count(), 100);
    assert_eq!(statuses.iter().filter(|s| **s == 409).count(), 300);
    assert_eq!(sf.stock("P", 1), 0);
    sf.run(&["check"]).ok();
    assert_eq!(
        log.lines()
            .filter(|l| l.contains("path=/api/stock/adjustments"))
            .count(),
        400
    );
    assert!(!log.contains(&t), "the log never shows a token");
}

#[test]
fn api_sales_next_to_a_cli_batch_wait_or_get_503_never_500() {
    let (sf, t) = shop(100);
    sf.product(1, "BULK", &["--warehouse", "1", "--quantity", "0"]);
    let mut csv = String::from("sku,warehouse_id,delta,reason\n");
    for _ in 0..60_000 {
        csv.push_str("BULK,1,1,receipt\n");
    }
    let file = sf.file("batch.csv", &csv);
    let server = Server::start(&sf, &[("STOCKFLOW_BUSY_TIMEOUT_MS", "300")]);
    let statuses = std::thread::scope(|s| {
        let batch = s.spawn(|| sf.run(&["stock", "adjust", "--file", &file]));
        let statuses = sell(&server.addr, &t, 32, 400);
        batch.join().expect("batch").ok();
        statuses
    });
    let (code, log) = server.stop();
    assert_eq!(code, 0, "{log}");
    let sold = statuses.iter().filter(|s| **s == 201).count();
    assert!(
        statuses.iter().all(|s| [201, 409, 503].contains(s)),
        "{statuses:?}"
    );
    assert_eq!(
        sf.stock("P", 1),
        100 - sold as i64,
        "every 201 and only they sold a unit"
    );
    assert_eq!(sf.stock("BULK", 1), 60_000);
    sf.run(&["check"]).ok();
}

#[test]
fn sigterm_finishes_requests_in_flight_and_only_2xx_are_in_the_ledger() {
    let (sf, t) = shop(1_000_000);
    let server = Server::start(&sf, &[]);
    let auth = format!("Bearer {t}");
    let answered = std::thread::scope(|s| {
        let clients: Vec<_> = (0..16)
            .map(|client| {
                let (addr, auth) = (server.addr.clone(), auth.clone());
                s.spawn(move || {
                    let mut seen = Vec::new();
                    for i in 0.. {
                        let reference = format!("c{client}-{i}");
                        let body = json!({"sku": "P", "warehouse_id": 1, "delta": -1, "reason": "sale", "reference": reference});
                        let answer = http(&addr, "POST", "/api/stock/adjustments", &[("authorization", &auth)], &body.to_string());
                        let stop = answer.is_none();
                        seen.push((reference, answer.map(|a| a.0)));
                        if stop {
                            break;
                        }
                    }
                    seen
                })
            })
            .collect();
        std::thread::sleep(std::time::Duration::from_millis(500));
        let (code, log) = server.stop();
        assert_eq!(code, 0, "{log}");
        clients
            .into_iter()
            .flat_map(|c| c.join().expect("client"))
            .collect::<Vec<_>>()
    });
    let ok: BTreeSet<String> = answered
        .iter()
        .filter(|(_, s)| s.is_some_and(|s| (200..300).contains(&s)))
        .map(|(r, _)| r.clone())
        .collect();
    assert!(ok.len() > 16, "requests were made: {}", ok.len());
    let ledger: BTreeSet<String> = sf
        .json(&["stock", "history", "--sku", "P"])
        .as_array()
        .expect("history")
        .iter()
        .filter_map(|m| m["reference"].as_str().map(str::to_owned))
        .collect();
    assert_eq!(ledger, ok, "the ledger holds exactly the answered sales");
    sf.run(&["check"]).ok();
}

#[test]
fn the_same_post_and_key_five_times_at_once_writes_once() {
    let (sf, t) = shop(10);
    let server = Server::start(&sf, &[]);
    let auth = format!("Bearer {t}");
    let body =
        json!({"sku": "P", "warehouse_id": 1, "delta": -1, "reason": "sale", "reference": "once"})
            .to_string();
    let answers: Vec<(u16, String)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..5)
            .map(|_| {
                s.spawn(|| {
                    let (status, _, text) = http(
                        &server.addr,
                        "POST",
                        "/api/stock/adjustments",
                        &[("authorization", &auth), ("idempotency-key", "k-1")],
                        &body,
                    )
                    .expect("answer");
                    (status, text)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("client"))
            .collect()
    });
    server.stop();
    assert!(
        answers.iter().all(|a| a == &answers[0] && a.0 == 201),
        "{answers:?}"
    );
    assert_eq!(sf.stock("P", 1), 9);
    assert_eq!(sf.ledger_rows(), 2);
}

#[test]
fn a_body_over_16_mib_is_413_and_a_bad_database_exits_7() {
    let (sf, t) = shop(1);
    let server = Server::start(&sf, &[]);
    let big = "x".repeat((16 << 20) + 1);
    let (status, _, text) = http(
        &server.addr,
        "POST",
        "/api/products",
        &[("authorization", &format!("Bearer {t}"))],
        &big,
    )
    .expect("answer");
    assert_eq!(status, 413, "{text}");
    let body: Value = serde_json::from_str(&text).expect("json");
    assert_eq!(body["error"]["kind"], "too_large");
    server.stop();
    let missing = Sf::bare();
    missing
        .run(&["serve", "--listen", "127.0.0.1:0"])
        .fails(7, "stockflow init");
    sf.run(&["serve", "--listen", "nowhere"])
        .fails(3, "nowhere");
}

#[test]
fn alerts_worked_example_is_the_same_through_both_doors() {
    let sf = Sf::new();
    let c = sf.company("Acme");
    let w = sf.warehouse(c, "Main Warehouse");
    let s = sf.supplier(c, "Supplier Corp", "orders@supplier.com");
    sf.product(
        c,
        "WID-001",
        &argv(&format!("--threshold 20 --warehouse {w} --quantity 35")),
    );
    sf.run(&argv(&format!(
        "supplier link --sku WID-001 --supplier {s} --primary"
    )))
    .ok();
    sf.adjust("WID-001", w, -30, "sale", "2026-01-05T10:00:00Z");
    sf.product(
        c,
        "OK-1",
        &["--warehouse", &w.to_string(), "--quantity", "50"],
    );
    sf.adjust("OK-1", w, -1, "sale", "2026-01-05T10:00:00Z");
    let t = token(&sf, c);
    let cli = sf.json(&argv(&format!(
        "alerts low-stock --company {c} --as-of 2026-01-15"
    )));
    assert_eq!(cli["total_alerts"], 1);
    assert_eq!(cli["alerts"][0]["current_stock"], 5);
    // SPEC 11: the pair's first movement is the sale on 01-05T10:00, so its
    // window is ceil(9.58 days) = 10 days, not 30: floor(5 × 10 / 30) = 1.
    assert_eq!(cli["alerts"][0]["window_days"], 10);
    assert_eq!(cli["alerts"][0]["days_until_stockout"], 1);
    assert_eq!(
        cli["alerts"][0]["supplier"]["contact_email"],
        "orders@supplier.com"
    );
    let server = Server::start(&sf, &[]);
    let path = format!("/api/companies/{c}/alerts/low-stock?as_of=2026-01-15");
    let (status, _, text) = http(
        &server.addr,
        "GET",
        &path,
        &[("authorization", &format!("Bearer {t}"))],
        "",
    )
    .expect("answer");
    server.stop();
    assert_eq!(status, 200, "{text}");
    let http_body: Value = serde_json::from_str(&text).expect("json");
    assert_eq!(http_body, cli);
}

#[test]
fn serve_listens_where_stockflow_listen_says() {
    let (sf, _) = shop(1);
    let server = Server::start_with(&sf, &["serve"], &[("STOCKFLOW_LISTEN", "127.0.0.1:0")]);
    let addr = server.addr.as_str();
    assert!(
        addr.starts_with("127.0.0.1:") && !addr.ends_with(":0"),
        "{addr}"
    );
    let (status, _, body) = http(addr, "GET", "/api/health", &[], "").expect("answer");
    assert_eq!((status, body.as_str()), (200, r#"{"status":"ok"}"#));
    let (code, log) = server.stop_with("-INT");
    assert_eq!(code, 0, "SIGINT stops it cleanly: {log}");
}

/// A signal right after `listening on` already stops the server cleanly:
/// its handlers are in place before it says it listens.
#[test]
fn a_signal_right_after_listening_is_a_clean_stop() {
    let (sf, _) = shop(1);
    for signal in ["-TERM", "-INT"].repeat(10) {
        let server = Server::start_with(&sf, &["serve"], &[("STOCKFLOW_LISTEN", "127.0.0.1:0")]);
        let (code, log) = server.stop_with(signal);
        assert_eq!(code, 0, "{signal} right after listening: {log}");
    }
}

#[test]
fn array_adjustments_in_opposite_orders_queue_and_never_deadlock() {
    let (sf, t) = shop(10_000);
    sf.product(1, "Q", &["--warehouse", "1", "--quantity", "10000"]);
    let server = Server::start(&sf, &[]);
    let auth = format!("Bearer {t}");
    let line = |sku: &str| json!({"sku": sku, "warehouse_id": 1, "delta": -1, "reason": "sale"});
    // Ten units of one, then one of the other: a wide window between the
    // two rows' locks.
    let order = |first: &str, second: &str| {
        let mut lines = vec![line(first); 10];
        lines.push(line(second));
        Value::Array(lines).to_string()
    };
    let bodies = [order("P", "Q"), order("Q", "P")];
    let answers: Vec<(u16, String, String)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..16)
            .map(|client| {
                let (addr, auth, bodies) = (&server.addr, &auth, &bodies);
                s.spawn(move || {
                    (0..25)
                        .map(|i| {
                            let body = &bodies[(client + i) % 2];
                            let path = "/api/stock/adjustments";
                            http(addr, "POST", path, &[("authorization", auth)], body)
                                .expect("an answer")
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("client"))
            .collect()
    });
    let (code, log) = server.stop();
    assert_eq!(code, 0, "{log}");
    // Every pair is locked in one fixed order: they queue, none deadlocks.
    for (status, _, text) in &answers {
        assert_eq!(*status, 201, "{text}");
    }
    // 200 bodies of each order: 10 + 1 units of each product per pair.
    assert_eq!((sf.stock("P", 1), sf.stock("Q", 1)), (7_800, 7_800));
    sf.run(&["check"]).ok();
}

#[test]
fn a_deadlock_with_another_writer_is_503_with_retry_after_never_500() {
    if skip_unless_postgres() {
        return;
    }
    let (sf, t) = shop(10);
    sf.product(1, "Q", &["--warehouse", "1", "--quantity", "10"]);
    // Past PostgreSQL's deadlock_timeout (1 s): the deadlock is found first.
    let server = Server::start(&sf, &[("STOCKFLOW_BUSY_TIMEOUT_MS", "5000")]);
    let auth = format!("Bearer {t}");
    let line = |sku: &str| json!({"sku": sku, "warehouse_id": 1, "delta": -1, "reason": "sale"});
    let body = json!([line("P"), line("Q")]).to_string();
    let lock = |sku: &str| {
        format!(
            "SELECT i.quantity FROM inventory i JOIN product p ON p.id = i.product_id
             WHERE p.sku = '{sku}' FOR UPDATE OF i"
        )
    };
    let (status, head, text) = sf.with_pg(|pg| {
        let mut other = pg.transaction().expect("begin");
        other.execute(&lock("Q"), &[]).expect("lock Q");
        std::thread::scope(|s| {
            let request = s.spawn(|| {
                let path = "/api/stock/adjustments";
                http(
                    &server.addr,
                    "POST",
                    path,
                    &[("authorization", &auth)],
                    &body,
                )
                .expect("an answer")
            });
            // Once the request holds P and waits for Q, take P: a deadlock,
            // which the request (waiting longest) finds and is chosen for.
            wait_for_lock_waiter(&sf);
            other.execute(&lock("P"), &[]).expect("lock P");
            let answer = request.join().expect("request");
            other.rollback().expect("rollback");
            answer
        })
    });
    assert_eq!(status, 503, "{text}");
    assert!(head.contains("retry-after: 1"), "{head}");
    let body: Value = serde_json::from_str(&text).expect("json");
    assert_eq!(body["error"]["kind"], "busy", "{text}");
    let message = body["error"]["message"].as_str().expect("message");
    for secret in [
        "deadlock detected",
        "SELECT",
        "inventory",
        "stockflow:",
        "/",
    ] {
        assert!(!message.contains(secret), "{message}");
    }
    let again = http(
        &server.addr,
        "POST",
        "/api/stock/adjustments",
        &[("authorization", &auth)],
        &json!([line("P"), line("Q")]).to_string(),
    )
    .expect("an answer");
    assert_eq!(again.0, 201, "a retry goes through: {}", again.2);
    let (code, log) = server.stop();
    assert_eq!(code, 0, "{log}");
    assert_eq!((sf.stock("P", 1), sf.stock("Q", 1)), (9, 9));
    sf.run(&["check"]).ok();
}

#[test]
fn sixty_four_clients_share_a_small_pool_of_connections() {
    if skip_unless_postgres() {
        return;
    }
    let (sf, t) = shop(1_000);
    // The CLI's sessions are gone: every other session is the server's.
    sf.wait_until_alone();
    let server = Server::start(&sf, &[]);
    let done = std::sync::atomic::AtomicBool::new(false);
    let (statuses, most) = std::thread::scope(|s| {
        let watch = s.spawn(|| {
            sf.with_pg(|pg| {
                // Clients only: an autovacuum worker may visit the database.
                let sessions = "SELECT count(*) FROM pg_stat_activity
                                WHERE datname = current_database() AND pid <> pg_backend_pid()
                                  AND backend_type = 'client backend'";
                let mut most = 0;
                while !done.load(Ordering::SeqCst) {
                    let n: i64 = pg.query_one(sessions, &[]).expect("sessions").get(0);
                    most = most.max(n);
                }
                most
            })
        });
        let statuses = sell(&server.addr, &t, 64, 1_000);
        done.store(true, Ordering::SeqCst);
        (statuses, watch.join().expect("watch"))
    });
    let (code, log) = server.stop();
    assert_eq!(code, 0, "{log}");
    assert!(statuses.iter().all(|s| *s == 201), "{statuses:?}");
    assert_eq!(sf.stock("P", 1), 0);
    assert!(
        (1..=16).contains(&most),
        "the server opened {most} connections for 64 clients"
    );
}

#[test]
fn sessions_the_server_ended_are_never_handed_out_and_requests_go_on() {
    if skip_unless_postgres() {
        return;
    }
    let (sf, t) = shop(10);
    let server = Server::start(&sf, &[]);
    let auth = format!("Bearer {t}");
    let list = || {
        http(
            &server.addr,
            "GET",
            "/api/stock",
            &[("authorization", &auth)],
            "",
        )
    };
    // Several connections in the pool, then every one ended by the server.
    std::thread::scope(|s| {
        for _ in 0..8 {
            s.spawn(|| assert_eq!(list().expect("answer").0, 200));
        }
    });
    sf.with_pg(|pg| {
        pg.batch_execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
             WHERE datname = current_database() AND pid <> pg_backend_pid()",
        )
        .expect("terminate")
    });
    let answers: Vec<(u16, String, String)> = (0..20).map(|_| list().expect("answer")).collect();
    let (code, log) = server.stop();
    assert_eq!(code, 0, "{log}");
    for (status, head, text) in &answers {
        assert!(
            *status == 200 || (*status == 503 && head.contains("retry-after: ")),
            "after the server ended the sessions: {status} {text}"
        );
    }
    assert!(
        answers.iter().all(|a| a.0 == 200),
        "a live connection is checked out, so none of them is even 503: {answers:?}"
    );
}
