//! The transport's rules (SPEC section 9, "Transport") on a real socket,
//! through the real binary: header and body timeouts, the connection cap,
//! early 413, a stop that does not wait for slow clients, cancelled
//! database work, and the edges a hostile client probes.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::harness::{Api, http, token};
use crate::support::{Server, Sf};

/// A database with company 1, its warehouse 1 and a token for it.
fn shop() -> (Sf, String) {
    let sf = Sf::new();
    let c = sf.company("Acme");
    sf.warehouse(c, "Main");
    let t = token(&sf, c);
    (sf, t)
}

/// A connection that has sent `bytes` and waits.
fn half_sent(addr: &str, bytes: &str) -> TcpStream {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream.write_all(bytes.as_bytes()).expect("send");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .expect("timeout");
    stream
}

/// Everything the server sends until it closes the connection (a reset
/// counts as closed), and how long that took.
fn until_closed(stream: &mut TcpStream) -> (String, Duration) {
    let started = Instant::now();
    let mut got = Vec::new();
    let mut buf = [0; 4096];
    loop {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => got.extend_from_slice(&buf[..n]),
        }
    }
    (
        String::from_utf8_lossy(&got).into_owned(),
        started.elapsed(),
    )
}

/// The status and JSON body of a raw answer.
fn answer(raw: &str) -> (u16, Value) {
    let (head, body) = raw.split_once("\r\n\r\n").expect("a whole answer");
    let status = head
        .split(' ')
        .nth(1)
        .expect("status")
        .parse()
        .expect("code");
    (status, serde_json::from_str(body).expect("a JSON body"))
}

#[test]
fn a_connection_without_a_whole_head_within_the_header_timeout_is_closed() {
    let (sf, _) = shop();
    let server = Server::start(&sf, &[("STOCKFLOW_HEADER_TIMEOUT_MS", "500")]);
    let mut slow = half_sent(&server.addr, "GET /api/health HTTP/1.1\r\nhost: x\r\n");
    let (got, took) = until_closed(&mut slow);
    assert!(got.is_empty(), "answered a half-sent head: {got:?}");
    assert!(
        took >= Duration::from_millis(400) && took < Duration::from_secs(5),
        "closed after {took:?}, not the 500 ms header timeout"
    );
    let (code, log) = server.stop();
    assert_eq!(code, 0, "{log}");
    assert!(log.contains("no whole request head within 500 ms"), "{log}");
}

/// "Keeps answering at the cap": connections past the cap wait in the
/// listen backlog; the header timeout frees the slots half-sent clients
/// hold, so another client is answered within one header timeout.
#[test]
fn at_the_connection_cap_half_sent_clients_delay_others_by_one_header_timeout_at_most() {
    let (sf, _) = shop();
    let server = Server::start(
        &sf,
        &[
            ("STOCKFLOW_MAX_CONNECTIONS", "4"),
            ("STOCKFLOW_HEADER_TIMEOUT_MS", "1000"),
        ],
    );
    let mut holders: Vec<TcpStream> = (0..4)
        .map(|_| half_sent(&server.addr, "GET /api/hea"))
        .collect();
    // Let the server accept all four before the next client arrives.
    std::thread::sleep(Duration::from_millis(200));
    let started = Instant::now();
    let (status, _, body) = http(&server.addr, "GET", "/api/health", &[], "").expect("an answer");
    let waited = started.elapsed();
    assert_eq!(status, 200, "{body}");
    assert!(
        waited >= Duration::from_millis(500),
        "answered after {waited:?}: the four half-sent connections did not hold the cap"
    );
    assert!(
        waited < Duration::from_secs(3),
        "answered only after {waited:?}, not within one header timeout"
    );
    for holder in &mut holders {
        assert!(until_closed(holder).0.is_empty());
    }
    let (code, log) = server.stop();
    assert_eq!(code, 0, "{log}");
}

#[test]
fn sigterm_closes_half_sent_connections_at_once_and_exits_0() {
    let (sf, t) = shop();
    let server = Server::start(&sf, &[]);
    let mut head = half_sent(&server.addr, "POST /api/warehouses HTTP/1.1\r\nhost: x\r\n");
    let mut body = half_sent(
        &server.addr,
        &format!(
            "POST /api/warehouses HTTP/1.1\r\nhost: x\r\nauthorization: Bearer {t}\r\n\
             content-type: application/json\r\ncontent-length: 100\r\n\r\n{{\"name\":"
        ),
    );
    let idle = TcpStream::connect(&server.addr).expect("connect");
    std::thread::sleep(Duration::from_millis(300));
    let started = Instant::now();
    let (code, log) = server.stop();
    let took = started.elapsed();
    assert_eq!(code, 0, "{log}");
    assert!(
        took < Duration::from_secs(3),
        "exited {took:?} after SIGTERM with half-sent clients"
    );
    assert!(until_closed(&mut head).0.is_empty());
    assert!(until_closed(&mut body).0.is_empty());
    drop(idle);
    assert_eq!(
        sf.json(&["warehouse", "list"]).as_array().map(Vec::len),
        Some(1),
        "the half-sent request wrote nothing"
    );
}

#[test]
fn a_declared_body_over_16_mib_is_413_at_once_without_100_continue() {
    let (sf, t) = shop();
    let server = Server::start(&sf, &[]);
    let mut client = half_sent(
        &server.addr,
        &format!(
            "POST /api/products HTTP/1.1\r\nhost: x\r\nauthorization: Bearer {t}\r\n\
             content-type: application/json\r\ncontent-length: 17000000\r\nexpect: 100-continue\r\n\r\n"
        ),
    );
    let (raw, took) = until_closed(&mut client);
    assert!(took < Duration::from_secs(2), "answered after {took:?}");
    assert!(!raw.contains("100 Continue"), "{raw}");
    let (status, body) = answer(&raw);
    assert_eq!(status, 413, "{raw}");
    assert_eq!(body["error"]["kind"], "too_large", "{raw}");
    let (code, log) = server.stop();
    assert_eq!(code, 0, "{log}");
}

#[test]
fn a_body_that_stops_arriving_is_408_with_the_error_body() {
    let (sf, t) = shop();
    let server = Server::start(&sf, &[("STOCKFLOW_BODY_TIMEOUT_MS", "300")]);
    let mut client = half_sent(
        &server.addr,
        &format!(
            "POST /api/warehouses HTTP/1.1\r\nhost: x\r\nauthorization: Bearer {t}\r\n\
             content-type: application/json\r\ncontent-length: 100\r\n\r\n{{\"name\":"
        ),
    );
    let (raw, took) = until_closed(&mut client);
    assert!(
        took >= Duration::from_millis(250) && took < Duration::from_secs(3),
        "answered after {took:?}, not the 300 ms body timeout"
    );
    let (status, body) = answer(&raw);
    assert_eq!(status, 408, "{raw}");
    assert_eq!(body["error"]["kind"], "timeout", "{raw}");
    let (code, log) = server.stop();
    assert_eq!(code, 0, "{log}");
    assert!(log.contains("status=408"), "{log}");
    assert_eq!(
        sf.json(&["warehouse", "list"]).as_array().map(Vec::len),
        Some(1)
    );
}

/// A ledger long enough that reading all of it takes a while.
fn long_ledger(sf: &Sf, rows: usize) {
    sf.product(1, "WID", &["--warehouse", "1", "--quantity", "1"]);
    let csv = format!(
        "sku,warehouse_id,delta,reason,note\n{}",
        "WID,1,1,receipt,a note of some length to read and serialise\n".repeat(rows)
    );
    let path = sf.file("ledger.csv", &csv);
    sf.run(&["stock", "adjust", "--file", &path]).ok();
}

/// The milliseconds in the log's "stopped N ms after the cancel" line.
fn stopped_after(log: &str) -> Option<u128> {
    let line = log
        .lines()
        .find(|l| l.contains("the cancelled database work stopped"))?;
    let tail = line.split("stopped ").nth(1)?;
    tail.split(' ').next()?.parse().ok()
}

/// How long after its cancel a read of the 300,000 movements may run on:
/// uncancelled, it runs on for most of a second (longer in a debug build).
const PROMPT_MS: u128 = 150;

#[test]
fn a_request_past_its_deadline_cancels_its_database_work() {
    let (sf, t) = shop();
    long_ledger(&sf, 300_000);
    let auth = format!("Bearer {t}");
    let server = Server::start(&sf, &[("STOCKFLOW_REQUEST_TIMEOUT_MS", "100")]);
    let (status, head, body) = http(
        &server.addr,
        "GET",
        "/api/stock/history?limit=100000000",
        &[("authorization", &auth)],
        "",
    )
    .expect("an answer");
    assert_eq!(status, 503, "{body}");
    assert!(head.contains("retry-after: "), "{head}");
    std::thread::sleep(Duration::from_millis(300));
    let (code, log) = server.stop();
    assert_eq!(code, 0, "{log}");
    assert!(log.contains("its database work is cancelled"), "{log}");
    let stopped = stopped_after(&log).unwrap_or_else(|| panic!("not stopped: {log}"));
    assert!(
        stopped < PROMPT_MS,
        "the read ran on {stopped} ms after its cancel"
    );
}

#[test]
fn a_client_that_leaves_cancels_its_read_and_sigterm_exits_at_once() {
    let (sf, t) = shop();
    long_ledger(&sf, 300_000);
    let server = Server::start(&sf, &[]);
    let client = half_sent(
        &server.addr,
        &format!(
            "GET /api/stock/history?limit=100000000 HTTP/1.1\r\nhost: x\r\n\
             authorization: Bearer {t}\r\n\r\n"
        ),
    );
    std::thread::sleep(Duration::from_millis(150));
    drop(client);
    std::thread::sleep(Duration::from_millis(300));
    let started = Instant::now();
    let (code, log) = server.stop();
    assert_eq!(code, 0, "{log}");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "SIGTERM took {:?} after the client left",
        started.elapsed()
    );
    assert!(log.contains("its database work is cancelled"), "{log}");
    let stopped = stopped_after(&log).unwrap_or_else(|| panic!("not stopped: {log}"));
    assert!(
        stopped < PROMPT_MS,
        "the read ran on {stopped} ms after its cancel"
    );
}

/// A request still running when the drain ends is closed and its
/// database work cancelled: a slow request never holds up a stop.
#[test]
fn sigterm_bounds_the_drain_and_cancels_what_still_runs() {
    let (sf, t) = shop();
    long_ledger(&sf, 300_000);
    let server = Server::start(&sf, &[("STOCKFLOW_DRAIN_MS", "200")]);
    let mut client = half_sent(
        &server.addr,
        &format!(
            "GET /api/stock/history?limit=100000000 HTTP/1.1\r\nhost: x\r\n\
             authorization: Bearer {t}\r\n\r\n"
        ),
    );
    std::thread::sleep(Duration::from_millis(100));
    let started = Instant::now();
    let (code, log) = server.stop();
    let took = started.elapsed();
    assert_eq!(code, 0, "{log}");
    assert!(
        took < Duration::from_secs(3),
        "exited {took:?} after SIGTERM"
    );
    assert!(
        log.contains("1 requests were still running after 200 ms"),
        "{log}"
    );
    assert!(log.contains("its database work is cancelled"), "{log}");
    let (got, _) = until_closed(&mut client);
    assert!(got.is_empty(), "answered: {}", &got[..got.len().min(200)]);
}

#[test]
fn serve_on_a_busy_port_is_exit_3_naming_the_address() {
    let (sf, _) = shop();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = taken.local_addr().expect("addr").to_string();
    sf.run(&["serve", "--listen", &addr]).fails(
        3,
        &format!("cannot listen on {addr}: the address is in use"),
    );
}

#[test]
fn controls_and_bidi_overrides_in_a_path_reach_the_log_escaped() {
    let (sf, _) = shop();
    let server = Server::start(&sf, &[]);
    let mut client = TcpStream::connect(&server.addr).expect("connect");
    client
        .write_all(
            "GET /api/x\u{202e}gnp\u{85} HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n"
                .as_bytes(),
        )
        .expect("send");
    let (raw, _) = until_closed(&mut client);
    assert_eq!(answer(&raw).0, 404, "{raw}");
    let (code, log) = server.stop();
    assert_eq!(code, 0, "{log}");
    assert!(
        !log.contains('\u{202e}') && !log.contains('\u{85}'),
        "{log:?}"
    );
    assert!(log.contains("/api/x\\u{202e}gnp\\u{85}"), "{log}");
}

/// hyper answers a request it cannot parse itself (400, empty body), before
/// any route: the server cannot give it the JSON body, but logs it.
#[test]
fn a_request_hyper_refuses_is_400_and_logged() {
    let (sf, _) = shop();
    let server = Server::start(&sf, &[]);
    let mut client = TcpStream::connect(&server.addr).expect("connect");
    client.write_all(b"NOT HTTP AT ALL\r\n\r\n").expect("send");
    let (raw, _) = until_closed(&mut client);
    assert!(raw.starts_with("HTTP/1.1 400"), "{raw}");
    let (code, log) = server.stop();
    assert_eq!(code, 0, "{log}");
    assert!(log.contains("refused a request from 127.0.0.1:"), "{log}");
}

#[tokio::test]
async fn two_authorization_headers_are_401_even_when_the_first_is_good() {
    let api = Api::new();
    let good = format!("Bearer {}", api.token);
    for headers in [
        [
            ("authorization", good.as_str()),
            ("authorization", "Bearer nope"),
        ],
        [
            ("authorization", "Bearer nope"),
            ("authorization", good.as_str()),
        ],
        [
            ("authorization", good.as_str()),
            ("authorization", good.as_str()),
        ],
    ] {
        let answer = api.send("GET", "/api/warehouses", None, &headers).await;
        assert!(
            answer.headers.contains_key("www-authenticate"),
            "{answer:?}"
        );
        let message = answer.error(401, "unauthorized");
        assert!(message.contains("two Authorization headers"), "{message}");
    }
    api.call("GET", "/api/warehouses", None).await.expect(200);
}

#[tokio::test]
async fn the_location_of_a_dot_or_dot_dot_sku_encodes_its_dots() {
    let api = Api::new();
    for (sku, location) in [
        (".", "/api/products/%2E"),
        ("..", "/api/products/%2E%2E"),
        ("A.B", "/api/products/A.B"),
    ] {
        let body = serde_json::json!({"name": "Dot", "sku": sku, "price": "1.00"});
        let answer = api
            .call("POST", "/api/products", Some(&body.to_string()))
            .await;
        assert_eq!(answer.headers["location"], location, "{answer:?}");
        let shown = api.call("GET", location, None).await.expect(200);
        assert_eq!(shown["sku"], sku, "{shown}");
    }
}

#[test]
fn a_limit_out_of_range_is_exit_3_naming_the_variable_and_the_value() {
    let (sf, _) = shop();
    sf.cmd(&["serve", "--listen", "127.0.0.1:0"])
        .env("STOCKFLOW_MAX_CONNECTIONS", "0")
        .output()
        .fails(3, "invalid STOCKFLOW_MAX_CONNECTIONS \"0\"");
    sf.cmd(&["serve", "--listen", "127.0.0.1:0"])
        .env("STOCKFLOW_HEADER_TIMEOUT_MS", "3600001")
        .output()
        .fails(3, "invalid STOCKFLOW_HEADER_TIMEOUT_MS \"3600001\"");
}
