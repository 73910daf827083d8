//! Calls into the API: in-process through `tower::ServiceExt::oneshot`, or
//! over TCP to a `stockflow serve` process with a tiny HTTP/1.1 client.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use serde_json::Value;
use stockflow::serve::{Limits, State, app, app_with};
use tower::ServiceExt;

use crate::support::{Sf, off_runtime};

/// A database with one company ("Acme", its warehouse "Main") and a token for it.
pub struct Api {
    pub sf: Sf,
    pub company: i64,
    pub warehouse: i64,
    pub token: String,
    router: axum::Router,
}

/// An answer: status, headers and the body as JSON (`Null` when empty).
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
}

impl Answer {
    /// Expects `status`, returning the body.
    #[track_caller]
    pub fn expect(self, status: u16) -> Value {
        assert_eq!(self.status.as_u16(), status, "{self:?}");
        self.body
    }

    /// Expects an error answer of `status` and `kind`, returning its message.
    #[track_caller]
    pub fn error(self, status: u16, kind: &str) -> String {
        let body = self.expect(status);
        assert_eq!(body["error"]["kind"], kind, "{body}");
        body["error"]["message"]
            .as_str()
            .expect("message")
            .to_owned()
    }
}

/// Creates a token for `company` through the CLI and returns its secret.
pub fn token(sf: &Sf, company: i64) -> String {
    let t = sf.json(&["token", "create", "--company", &company.to_string()]);
    t["token"].as_str().expect("token").to_owned()
}

impl Api {
    pub fn new() -> Self {
        Self::with_busy_timeout(Duration::from_secs(5))
    }

    /// Like `new`, with the server's busy timeout set.
    pub fn with_busy_timeout(busy: Duration) -> Self {
        Self::with_timeouts(busy, None)
    }

    /// Like `new`, with the busy timeout and (if given) the request timeout set.
    pub fn with_timeouts(busy: Duration, request: Option<Duration>) -> Self {
        let sf = Sf::new();
        let company = sf.company("Acme");
        let warehouse = sf.warehouse(company, "Main");
        let token = token(&sf, company);
        // Off the test's runtime: opening connects to PostgreSQL synchronously.
        let state =
            off_runtime(|| State::open(&sf.db, busy, stockflow::serve::GROUP_MAX)).expect("open");
        Self {
            router: match request {
                Some(request_timeout) => app_with(
                    state,
                    Limits {
                        request_timeout,
                        ..Limits::default()
                    },
                ),
                None => app(state),
            },
            sf,
            company,
            warehouse,
            token,
        }
    }

    /// A request with this API's token.
    pub async fn call(&self, method: &str, path: &str, body: Option<&str>) -> Answer {
        let token = self.token.clone();
        self.send(
            method,
            path,
            body,
            &[("authorization", &format!("Bearer {token}"))],
        )
        .await
    }

    /// A request with exactly `headers`.
    pub async fn send(
        &self,
        method: &str,
        path: &str,
        body: Option<&str>,
        headers: &[(&str, &str)],
    ) -> Answer {
        let mut req = Request::builder().method(method).uri(path);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let req = req
            .body(body.map_or_else(Body::empty, |b| Body::from(b.to_owned())))
            .expect("request");
        self.raw(req).await
    }

    /// Sends a built request.
    pub async fn raw(&self, req: Request<Body>) -> Answer {
        let res = self.router.clone().oneshot(req).await.expect("infallible");
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
            .await
            .expect("body");
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes)
                .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&bytes)))
        };
        Answer {
            status,
            headers,
            body,
        }
    }

    /// Creates a product with `qty` units in the main warehouse.
    pub async fn product(&self, sku: &str, qty: i64) -> Value {
        let body = serde_json::json!({
            "name": sku, "sku": sku, "price": "1.00",
            "warehouse_id": self.warehouse, "initial_quantity": qty
        });
        self.call("POST", "/api/products", Some(&body.to_string()))
            .await
            .expect(201)
    }
}

/// The first column of every row `sql` returns, as text, on either engine.
pub fn strings(sf: &Sf, sql: &str) -> Vec<String> {
    if sf.is_postgres() {
        return sf.with_pg(|pg| {
            let rows = pg.query(sql, &[]).unwrap_or_else(|e| panic!("{sql}: {e}"));
            rows.iter().map(|r| r.get(0)).collect()
        });
    }
    let conn = rusqlite::Connection::open(&sf.db).expect("open");
    let mut stmt = conn.prepare(sql).expect("prepare");
    stmt.query_map([], |r| r.get(0))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows")
}

/// Waits until a session on `sf`'s PostgreSQL database waits for a lock.
pub fn wait_for_lock_waiter(sf: &Sf) {
    sf.with_pg(|pg| {
        let waiting = "SELECT count(*) FROM pg_stat_activity
                       WHERE datname = current_database() AND wait_event_type = 'Lock'";
        for _ in 0..600 {
            let n: i64 = pg.query_one(waiting, &[]).expect("sessions").get(0);
            if n > 0 {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("no session waited for a lock within 12 s");
    });
}

/// Another writer holding the database until dropped, as a CLI batch would:
/// SQLite's write lock (`BEGIN IMMEDIATE`), or on PostgreSQL every stockflow
/// table locked against writes (reads go on), on a thread of its own.
pub struct Holder {
    release: Option<std::sync::mpsc::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Holder {
    pub fn new(sf: &Sf) -> Self {
        let (db, postgres) = (sf.db.clone(), sf.is_postgres());
        let (locked, is_locked) = std::sync::mpsc::channel();
        let (release, released) = std::sync::mpsc::channel::<()>();
        let thread = std::thread::spawn(move || {
            if postgres {
                let url = db.to_str().expect("url");
                let mut pg = postgres::Client::connect(url, postgres::NoTls).expect("connect");
                let mut tx = pg.transaction().expect("begin");
                let tables: Vec<String> = tx
                    .query(
                        "SELECT quote_ident(tablename) FROM pg_tables WHERE schemaname = current_schema()",
                        &[],
                    )
                    .expect("tables")
                    .iter()
                    .map(|r| r.get(0))
                    .collect();
                let lock = format!("LOCK TABLE {} IN EXCLUSIVE MODE", tables.join(", "));
                tx.batch_execute(&lock).expect("lock");
                locked.send(()).expect("locked");
                let _ = released.recv();
                tx.rollback().expect("rollback");
            } else {
                let conn = rusqlite::Connection::open(&db).expect("open");
                conn.execute_batch("BEGIN IMMEDIATE").expect("lock");
                locked.send(()).expect("locked");
                let _ = released.recv();
                conn.execute_batch("ROLLBACK").expect("unlock");
            }
        });
        is_locked.recv().expect("the holder took the lock");
        Self {
            release: Some(release),
            thread: Some(thread),
        }
    }
}

impl Drop for Holder {
    fn drop(&mut self) {
        drop(self.release.take());
        if let Some(thread) = self.thread.take() {
            let done = thread.join();
            if !std::thread::panicking() {
                done.expect("the holder released the lock");
            }
        }
    }
}

/// One HTTP/1.1 request on a new connection; `None` when the connection
/// failed or closed before a whole answer arrived.
pub fn http(
    addr: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> Option<(u16, String, String)> {
    let mut stream = TcpStream::connect(addr).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .ok()?;
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nhost: {addr}\r\nconnection: close\r\ncontent-type: application/json\r\ncontent-length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    req.push_str(body);
    stream.write_all(req.as_bytes()).ok()?;
    let mut raw = String::new();
    stream.read_to_string(&mut raw).ok()?;
    let (head, rest) = raw.split_once("\r\n\r\n")?;
    let status = head.split(' ').nth(1)?.parse().ok()?;
    let length: usize = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-length: ")
                .map(str::to_owned)
        })?
        .trim()
        .parse()
        .ok()?;
    (rest.len() == length).then(|| (status, head.to_ascii_lowercase(), rest.to_owned()))
}
