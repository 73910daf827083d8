//! A tiny harness that drives the real binary: a fresh database per test, a
//! scrubbed environment, and failure messages that show the command, its exit
//! code, stdout and stderr.
//!
//! The engine under test comes from `STOCKFLOW_TEST_ENGINE`: unset (or
//! `sqlite`) gives each test a SQLite file in a temporary directory;
//! `postgres` gives each test a database of its own on the server named by
//! `STOCKFLOW_TEST_PG` (an admin URL, `postgresql://user:pass@host:port/postgres`,
//! of a role that may CREATE DATABASE), dropped when the test ends.

use std::ffi::OsStr;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use postgres::{Client, NoTls};
use serde_json::Value;

pub const BIN: &str = env!("CARGO_BIN_EXE_stockflow");

/// The storage engine a database lives on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

/// The engine this run of the suite tests, from `STOCKFLOW_TEST_ENGINE`.
pub fn engine() -> Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    *ENGINE.get_or_init(|| match std::env::var("STOCKFLOW_TEST_ENGINE").as_deref() {
        Err(_) | Ok("" | "sqlite") => Engine::Sqlite,
        Ok("postgres") => Engine::Postgres,
        Ok(other) => panic!("STOCKFLOW_TEST_ENGINE must be sqlite or postgres, not {other:?}"),
    })
}

/// The admin URL of the test server; a PostgreSQL run without one fails.
pub fn admin_url() -> String {
    std::env::var("STOCKFLOW_TEST_PG").unwrap_or_else(|_| {
        panic!(
            "the PostgreSQL tests need STOCKFLOW_TEST_PG=postgresql://user:pass@host:port/postgres \
             (a role that may CREATE DATABASE)"
        )
    })
}

/// True, after saying so on stderr, when the suite runs on PostgreSQL: the
/// one gate for the few tests about SQLite itself (its file, pragmas,
/// fixtures, bulk path), which the caller then skips.
pub fn skip_unless_sqlite(reason: &str) -> bool {
    let skip = engine() == Engine::Postgres;
    if skip {
        not_run("SQLite-only", reason);
    }
    skip
}

/// True, after saying so on stderr, when the suite runs on SQLite: the gate
/// of the PostgreSQL-only tests (`scripts/test` runs them).
pub fn skip_unless_postgres() -> bool {
    let skip = engine() == Engine::Sqlite;
    if skip {
        not_run(
            "PostgreSQL-only",
            "STOCKFLOW_TEST_ENGINE=postgres STOCKFLOW_TEST_PG=... runs it",
        );
    }
    skip
}

/// Says, past the test harness's output capture (so even a passing run
/// shows it), that this test did not run, with a running count: the last
/// such line of a run tells how many were not run. A skipped test is
/// reported `ok` by the harness; this line is what says it was not.
fn not_run(kind: &str, why: &str) {
    static NOT_RUN: AtomicUsize = AtomicUsize::new(0);
    let n = NOT_RUN.fetch_add(1, Ordering::SeqCst) + 1;
    let test = std::thread::current().name().unwrap_or("a test").to_owned();
    let line = format!("NOT RUN ({n} {kind} tests so far): {test} ({why})\n");
    // Written to the process's stderr itself: `eprintln!` would be captured.
    let _ = std::io::stderr().write_all(line.as_bytes());
}

/// Runs `f` on a thread of its own: the synchronous PostgreSQL client blocks
/// on a runtime of its own, which a thread driving an async test (the API
/// suite's) must not do. A panic in `f` is the caller's.
pub fn off_runtime<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|s| {
        s.spawn(f)
            .join()
            .unwrap_or_else(|p| std::panic::resume_unwind(p))
    })
}

/// Connects to a PostgreSQL URL, or fails the test naming the server.
fn pg_connect(url: &str) -> Client {
    Client::connect(url, NoTls).unwrap_or_else(|e| {
        panic!(
            "cannot reach the PostgreSQL test server at {}: {} \
             (is it running? is STOCKFLOW_TEST_PG right?)",
            without_password(url),
            pg_error(&e)
        )
    })
}

/// The server's own message where there is one (the crate says just "db error").
fn pg_error(e: &postgres::Error) -> String {
    e.as_db_error()
        .map_or_else(|| e.to_string(), ToString::to_string)
}

/// `url` with its database (the path) replaced by `name`.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url.split_once('?').unwrap_or((url, ""));
    let authority = base.find("://").map_or(0, |i| i + 3);
    let path = base[authority..]
        .find('/')
        .map_or(base.len(), |i| authority + i);
    let mut out = format!("{}/{name}", &base[..path]);
    if !query.is_empty() {
        out.push('?');
        out.push_str(query);
    }
    out
}

/// `url` without its password: how stockflow names a server.
pub fn without_password(url: &str) -> String {
    let authority = url.find("://").map_or(0, |i| i + 3);
    let end = url[authority..]
        .find(['/', '?'])
        .map_or(url.len(), |i| authority + i);
    match url[authority..end].rfind('@') {
        Some(at) => {
            let user = &url[authority..authority + at];
            let user = user.split_once(':').map_or(user, |(u, _)| u);
            format!("{}{user}{}", &url[..authority], &url[authority + at..])
        }
        None => url.to_owned(),
    }
}

/// A database of its own on the test server, dropped with it.
struct PgDatabase {
    admin: String,
    name: String,
}

impl PgDatabase {
    fn create() -> Self {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let admin = admin_url();
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let name = format!("sf_{}_{n}", std::process::id());
        off_runtime(|| {
            pg_connect(&admin)
                .batch_execute(&format!("CREATE DATABASE {name}"))
                .unwrap_or_else(|e| panic!("CREATE DATABASE {name}: {}", pg_error(&e)));
        });
        Self { admin, name }
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        // Best effort: a database left behind costs disk, not correctness.
        off_runtime(|| {
            if let Ok(mut admin) = Client::connect(&self.admin, NoTls) {
                let drop = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
                let _ = admin.batch_execute(&drop);
            }
        });
    }
}

/// A stockflow database: a SQLite file in a temporary directory, or a
/// database of its own on the PostgreSQL test server (the directory then
/// holds the test's other files).
pub struct Sf {
    pub dir: tempfile::TempDir,
    /// What `STOCKFLOW_DB` says: the file's path, or the database's URL.
    pub db: PathBuf,
    pg: Option<PgDatabase>,
}

impl Sf {
    /// A new, initialised database on the engine under test.
    pub fn new() -> Self {
        Self::new_on(engine())
    }

    /// Acme (warehouses 1 Main and 2 North) beside another company (its
    /// warehouse 3), and WID-1 with 10 units in Main.
    pub fn two_tenants() -> Self {
        let sf = Self::acme();
        sf.warehouse(1, "North");
        sf.company("Other");
        sf.warehouse(2, "Theirs");
        sf.product(1, "WID-1", &["--warehouse", "1", "--quantity", "10"]);
        sf
    }

    /// A new database with company 1, Acme, and its warehouse 1, Main.
    pub fn acme() -> Self {
        let sf = Self::new();
        sf.company("Acme");
        sf.warehouse(1, "Main");
        sf
    }

    /// A new database with company 1, Acme, its warehouses 1, A, and 2, B,
    /// and product WID holding `units` in each: the ground of the transfer races.
    pub fn two_warehouses(units: i64) -> Self {
        let sf = Self::new();
        sf.company("Acme");
        sf.warehouse(1, "A");
        sf.warehouse(1, "B");
        let n = units.to_string();
        sf.product(1, "WID", &["--warehouse", "1", "--quantity", &n]);
        sf.adjust("WID", 2, units, "receipt", "2026-01-01");
        sf
    }

    /// A database nothing has initialised, on the engine under test: a path
    /// where no file exists yet, or an empty PostgreSQL database.
    pub fn bare() -> Self {
        Self::bare_on(engine())
    }

    /// A new, initialised database on `engine`, whatever the suite tests.
    pub fn new_on(engine: Engine) -> Self {
        let sf = Self::bare_on(engine);
        sf.run(&["init"]).ok();
        sf
    }

    /// Like `bare`, on `engine`, whatever the suite tests.
    pub fn bare_on(engine: Engine) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        match engine {
            Engine::Sqlite => {
                let db = dir.path().join("stock.db");
                Self { dir, db, pg: None }
            }
            Engine::Postgres => {
                let pg = PgDatabase::create();
                let db = PathBuf::from(with_database(&admin_url(), &pg.name));
                let pg = Some(pg);
                Self { dir, db, pg }
            }
        }
    }

    /// Whether this database lives on PostgreSQL.
    pub fn is_postgres(&self) -> bool {
        self.pg.is_some()
    }

    /// The database as `--db` takes it.
    pub fn url(&self) -> &str {
        self.db.to_str().expect("a UTF-8 database path")
    }

    /// How stockflow names this database in a message: the path, or the URL
    /// without its password.
    pub fn shown(&self) -> String {
        if self.is_postgres() {
            without_password(self.url())
        } else {
            self.db.display().to_string()
        }
    }

    /// Whether a command made the database: the file exists, or the
    /// PostgreSQL database holds a table.
    pub fn created(&self) -> bool {
        if !self.is_postgres() {
            return self.db.exists();
        }
        let tables: i64 = self.with_pg(|pg| {
            pg.query_one(
                "SELECT count(*) FROM information_schema.tables
                 WHERE table_schema NOT IN ('pg_catalog', 'information_schema')",
                &[],
            )
            .expect("count tables")
            .get(0)
        });
        tables > 0
    }

    /// Waits until no other session is on this PostgreSQL database: the
    /// server has seen a killed client go and ended its transaction.
    pub fn wait_until_alone(&self) {
        let mut conn = self.pg();
        let others = "SELECT count(*) FROM pg_stat_activity
                      WHERE datname = current_database() AND pid <> pg_backend_pid()";
        for _ in 0..600 {
            let n: i64 = conn.query_one(others, &[]).expect("sessions").get(0);
            if n == 0 {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        panic!("another session stayed on {} for 30 s", self.shown());
    }

    /// A connection to this PostgreSQL database (not for an async test's
    /// thread: see [`Sf::with_pg`]).
    pub fn pg(&self) -> Client {
        pg_connect(self.url())
    }

    /// Runs `f` on a connection to this PostgreSQL database, off any runtime.
    pub fn with_pg<T: Send>(&self, f: impl FnOnce(&mut Client) -> T + Send) -> T {
        off_runtime(|| f(&mut self.pg()))
    }

    /// Runs SQL straight on the database, as damage or a hand edit would;
    /// the database's message when it refuses.
    pub fn execute(&self, sql: &str) -> Result<(), String> {
        if self.is_postgres() {
            self.with_pg(|pg| pg.batch_execute(sql).map_err(|e| pg_error(&e)))
        } else {
            rusqlite::Connection::open(&self.db)
                .and_then(|c| c.execute_batch(sql))
                .map_err(|e| e.to_string())
        }
    }

    /// A command against this database; `--db` comes from the environment.
    pub fn cmd(&self, args: &[&str]) -> Run {
        let os: Vec<&OsStr> = args.iter().map(OsStr::new).collect();
        self.cmd_os(&os)
    }

    /// Like `cmd`, with arguments that may be any bytes.
    pub fn cmd_os(&self, args: &[&OsStr]) -> Run {
        let mut cmd = Command::new(BIN);
        cmd.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("STOCKFLOW_DB", &self.db)
            .env("STOCKFLOW_ACTOR", "tester")
            .current_dir(self.dir.path())
            .args(args);
        let shown: Vec<String> = args
            .iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        Run {
            cmd,
            stdin: None,
            stdout: None,
            desc: format!("stockflow {}", shown.join(" ")),
        }
    }

    /// Starts a command without waiting (see [`Run::spawn`]), willing to
    /// queue behind other writers for a minute.
    pub fn spawn(&self, args: &[&str]) -> Child {
        self.cmd(args)
            .env("STOCKFLOW_BUSY_TIMEOUT_MS", PATIENT_MS)
            .spawn()
    }

    /// Runs a command with no input.
    pub fn run(&self, args: &[&str]) -> Out {
        self.cmd(args).output()
    }

    /// Runs a command with `--format json` and expects exit 0 and JSON.
    pub fn json(&self, args: &[&str]) -> Value {
        let mut all = args.to_vec();
        all.extend(["--format", "json"]);
        self.run(&all).ok().json()
    }

    /// Creates a company and returns its id.
    pub fn company(&self, name: &str) -> i64 {
        id(&self.json(&["company", "create", "--name", name]))
    }

    /// Creates a warehouse and returns its id.
    pub fn warehouse(&self, company: i64, name: &str) -> i64 {
        id(&self.json(&[
            "warehouse",
            "create",
            "--company",
            &company.to_string(),
            "--name",
            name,
        ]))
    }

    /// Creates a supplier with an e-mail and returns its id.
    pub fn supplier(&self, company: i64, name: &str, email: &str) -> i64 {
        let c = company.to_string();
        id(&self.json(&[
            "supplier",
            "create",
            "--company",
            &c,
            "--name",
            name,
            "--email",
            email,
        ]))
    }

    /// Creates a product (named by its sku, price 1.00) plus `extra` flags
    /// and returns its id.
    pub fn product(&self, company: i64, sku: &str, extra: &[&str]) -> i64 {
        let c = company.to_string();
        id(&self.json(&product_create(&c, sku, sku, "1.00", extra)))
    }

    /// Records an adjustment (with `--at`) and expects success.
    pub fn adjust(&self, sku: &str, warehouse: i64, delta: i64, reason: &str, at: &str) {
        let (w, d) = (warehouse.to_string(), delta.to_string());
        self.run(&[
            "stock",
            "adjust",
            "--sku",
            sku,
            "--warehouse",
            &w,
            "--delta",
            &d,
            "--reason",
            reason,
            "--at",
            at,
        ])
        .ok();
    }

    /// The quantity of a product in a warehouse, read through `stock list`.
    pub fn stock(&self, sku: &str, warehouse: i64) -> i64 {
        let rows = self.json(&["stock", "list", "--sku", sku]);
        rows.as_array()
            .expect("array")
            .iter()
            .find(|r| r["warehouse_id"] == warehouse)
            .map_or(0, |r| r["quantity"].as_i64().expect("quantity"))
    }

    /// Every row of every table, sorted: equal snapshots mean an unchanged
    /// database (of one engine: each writes its rows as it stores them).
    pub fn snapshot(&self) -> Vec<String> {
        let mut rows = if self.is_postgres() {
            off_runtime(|| self.pg_rows())
        } else {
            self.sqlite_rows()
        };
        rows.sort();
        rows
    }

    fn sqlite_rows(&self) -> Vec<String> {
        let conn = rusqlite::Connection::open(&self.db).expect("open");
        let tables: Vec<String> = conn
            .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
            .expect("prepare")
            .query_map([], |r| r.get(0))
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("tables");
        let mut rows = Vec::new();
        for t in tables {
            let mut stmt = conn
                .prepare(&format!("SELECT * FROM \"{t}\""))
                .expect("select");
            let n = stmt.column_count();
            let mut q = stmt.query([]).expect("query");
            while let Some(r) = q.next().expect("row") {
                let cells: Vec<String> = (0..n)
                    .map(|i| format!("{:?}", r.get_ref(i).expect("cell")))
                    .collect();
                rows.push(format!("{t}: {}", cells.join(" | ")));
            }
        }
        rows
    }

    fn pg_rows(&self) -> Vec<String> {
        let mut conn = self.pg();
        let tables = conn
            .query(
                "SELECT format('%I.%I', table_schema, table_name), table_name
                 FROM information_schema.tables
                 WHERE table_type = 'BASE TABLE'
                   AND table_schema NOT IN ('pg_catalog', 'information_schema')",
                &[],
            )
            .expect("tables");
        let mut rows = Vec::new();
        for t in tables {
            let (qualified, name): (String, String) = (t.get(0), t.get(1));
            let select = format!("SELECT r::text FROM {qualified} r");
            for r in conn.query(&select, &[]).expect("select") {
                rows.push(format!("{name}: {}", r.get::<_, String>(0)));
            }
        }
        rows
    }

    /// Every table, index and trigger definition of the SQLite file, by name.
    pub fn schema(&self) -> Vec<String> {
        let conn = rusqlite::Connection::open(&self.db).expect("open");
        let mut stmt = conn
            .prepare("SELECT sql FROM sqlite_schema WHERE sql IS NOT NULL ORDER BY name")
            .expect("prepare");
        stmt.query_map([], |r| r.get(0))
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("schema")
    }

    /// How many movements the ledger holds.
    pub fn ledger_rows(&self) -> i64 {
        let count = "SELECT count(*) FROM movement";
        if self.is_postgres() {
            self.with_pg(|pg| pg.query_one(count, &[]).expect("count").get(0))
        } else {
            let conn = rusqlite::Connection::open(&self.db).expect("open");
            conn.query_row(count, [], |r| r.get(0)).expect("count")
        }
    }

    /// Writes a file in the test directory and returns its path.
    pub fn file(&self, name: &str, text: &str) -> String {
        let path = self.dir.path().join(name);
        std::fs::write(&path, text).expect("write file");
        path.to_string_lossy().into_owned()
    }
}

/// How long a test's writers may queue behind each other (ms): long enough
/// that none of them gives up as busy.
const PATIENT_MS: &str = "60000";

/// `procs` shell loops started at once, each running `runs` times
/// `stockflow ARGS` (`args(p)` for loop `p`) and printing each exit code on a
/// line of its own; returns every exit code and all the commands said on stderr.
pub fn shell_loops(
    sf: &Sf,
    procs: usize,
    runs: usize,
    args: impl Fn(usize) -> String,
) -> (Vec<i32>, String) {
    let children: Vec<Child> = (0..procs)
        .map(|p| {
            Command::new("sh")
                .arg("-c")
                .arg(format!(
                    "for i in $(seq {runs}); do {BIN} {} >/dev/null; echo $?; done",
                    args(p)
                ))
                .env_clear()
                .env("PATH", std::env::var_os("PATH").unwrap_or_default())
                .env("STOCKFLOW_DB", &sf.db)
                .env("STOCKFLOW_ACTOR", "worker")
                .env("STOCKFLOW_BUSY_TIMEOUT_MS", PATIENT_MS)
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("spawn sh")
        })
        .collect();
    let (mut codes, mut stderr) = (Vec::new(), String::new());
    for child in children {
        let out = child.wait_with_output().expect("wait");
        assert!(out.status.success(), "a shell loop failed: {out:?}");
        let text = String::from_utf8_lossy(&out.stdout);
        codes.extend(
            text.lines()
                .map(|l| l.parse::<i32>().expect("an exit code")),
        );
        stderr.push_str(&String::from_utf8_lossy(&out.stderr));
    }
    (codes, stderr)
}

/// Waits for each child; returns its exit code and stderr.
pub fn wait_all(children: Vec<Child>) -> Vec<(i32, String)> {
    children
        .into_iter()
        .map(|c| {
            let out = c.wait_with_output().expect("wait");
            (
                out.status.code().unwrap_or(-1),
                String::from_utf8_lossy(&out.stderr).into_owned(),
            )
        })
        .collect()
}

/// How many of `codes` are `code`.
pub fn count(codes: &[i32], code: i32) -> usize {
    codes.iter().filter(|c| **c == code).count()
}

/// The arguments of `product create`: `sku`, called `name`, at `price`, in
/// `company`, then `extra` flags.
pub fn product_create<'a>(
    company: &'a str,
    sku: &'a str,
    name: &'a str,
    price: &'a str,
    extra: &[&'a str],
) -> Vec<&'a str> {
    let mut args = vec![
        "product",
        "create",
        "--company",
        company,
        "--sku",
        sku,
        "--name",
        name,
        "--price",
        price,
    ];
    args.extend(extra);
    args
}

/// A `stockflow serve` process on a free loopback port.
pub struct Server {
    pub child: Child,
    pub addr: String,
    pub log: std::thread::JoinHandle<String>,
}

impl Server {
    /// Starts the real binary on `sf`'s database with `--listen 127.0.0.1:0`.
    pub fn start(sf: &Sf, env: &[(&str, &str)]) -> Self {
        Self::start_with(sf, &["serve", "--listen", "127.0.0.1:0"], env)
    }

    /// Starts `stockflow ARGS` on `sf`'s database, with `env` added to an
    /// empty environment, and waits for its `listening on` line.
    pub fn start_with(sf: &Sf, args: &[&str], env: &[(&str, &str)]) -> Self {
        let mut cmd = Command::new(BIN);
        cmd.env_clear()
            .env("STOCKFLOW_DB", &sf.db)
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("spawn serve");
        let mut first = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut first)
            .expect("read address");
        let addr = first
            .trim()
            .strip_prefix("listening on http://")
            .unwrap_or_else(|| panic!("unexpected first line {first:?}"))
            .to_owned();
        let mut stderr = child.stderr.take().expect("stderr");
        let log = std::thread::spawn(move || {
            let mut text = String::new();
            let _ = stderr.read_to_string(&mut text);
            text
        });
        Self { child, addr, log }
    }

    /// Sends SIGTERM and waits; returns the exit code and the request log.
    pub fn stop(self) -> (i32, String) {
        self.stop_with("-TERM")
    }

    /// Sends `signal` (`-TERM`, `-INT`) and waits; returns the exit code and
    /// everything it said on stderr.
    pub fn stop_with(mut self, signal: &str) -> (i32, String) {
        Command::new("kill")
            .args([signal, &self.child.id().to_string()])
            .status()
            .expect("kill");
        let status = self.child.wait().expect("wait");
        (status.code().unwrap_or(-1), self.log.join().expect("log"))
    }
}

/// Starts `stock adjust --file PATH --progress plain` on `sf`'s database
/// and SIGKILLs it `delay` after its stderr says `progress: PHASE` (the
/// plain progress line of that phase). Returns whether the phase was
/// reached, and whether the batch was still running when killed.
pub fn kill_at(sf: &Sf, path: &str, phase: &str, delay: std::time::Duration) -> (bool, bool) {
    let mut child = sf
        .cmd(&["stock", "adjust", "--file", path, "--progress", "plain"])
        .spawn();
    let stderr = child.stderr.take().expect("stderr");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let want = format!("progress: {phase}");
    let reached = rx.iter().any(|line| line == want);
    std::thread::sleep(delay);
    let running = child.try_wait().expect("try_wait").is_none();
    let _ = child.kill(); // SIGKILL
    let _ = child.wait();
    (reached, running)
}

/// A command line written as one string, split at spaces: `argv("stock
/// list --sku WID-1")` for the arguments a test would otherwise list one a line.
pub fn argv(line: &str) -> Vec<&str> {
    line.split(' ').collect()
}

/// A command line with holes: `argv_with("stock adjust --sku {} --note {}",
/// &[sku, note])` splits as `argv` does, and each word `{}` is the next
/// value, whole, so a value with a space in it, or an empty one, stays one
/// argument (and a value `{}` is passed as it is). For values that are not
/// known to be plain words: a test's odd inputs, a path, a name; where every
/// value is a plain word (an id, a SKU the test wrote beside it),
/// `argv(&format!(...))` reads better.
pub fn argv_with<'a>(line: &'a str, values: &[&'a str]) -> Vec<&'a str> {
    let mut values = values.iter();
    let args = line
        .split(' ')
        .map(|word| match word {
            "{}" => *values
                .next()
                .unwrap_or_else(|| panic!("more holes than values in {line:?}")),
            _ => word,
        })
        .collect();
    assert!(
        values.next().is_none(),
        "more values than holes in {line:?}"
    );
    args
}

#[test]
fn argv_with_keeps_each_value_one_argument_exactly() {
    let args = argv_with("--note {} --reference {} {}", &["two words", "", "{}"]);
    assert_eq!(args, ["--note", "two words", "--reference", "", "{}"]);
}

#[test]
#[should_panic(expected = "more holes than values")]
fn argv_with_refuses_a_hole_without_a_value() {
    argv_with("--sku {} --note {}", &["A"]);
}

#[test]
#[should_panic(expected = "more values than holes")]
fn argv_with_refuses_a_value_without_a_hole() {
    argv_with("--sku {}", &["A", "B"]);
}

/// The `id` of a JSON object.
pub fn id(v: &Value) -> i64 {
    v["id"].as_i64().unwrap_or_else(|| panic!("no id in {v}"))
}

/// A command about to run.
pub struct Run {
    cmd: Command,
    stdin: Option<Vec<u8>>,
    stdout: Option<Stdio>,
    desc: String,
}

impl Run {
    /// Sets an environment variable.
    pub fn env(mut self, key: &str, value: &str) -> Self {
        self.cmd.env(key, value);
        self
    }

    /// Removes an environment variable the harness sets (`STOCKFLOW_ACTOR`).
    pub fn env_remove(mut self, key: &str) -> Self {
        self.cmd.env_remove(key);
        self
    }

    /// Feeds `text` on standard input.
    pub fn stdin(mut self, text: &str) -> Self {
        self.stdin = Some(text.as_bytes().to_vec());
        self
    }

    /// Sends standard output somewhere else than the captured pipe.
    pub fn stdout(mut self, to: impl Into<Stdio>) -> Self {
        self.stdout = Some(to.into());
        self
    }

    /// Starts it without waiting: no input, stdout discarded, stderr captured.
    pub fn spawn(mut self) -> Child {
        self.cmd
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn stockflow")
    }

    /// Runs it to completion.
    pub fn output(mut self) -> Out {
        self.cmd
            .stdin(if self.stdin.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(self.stdout.take().unwrap_or_else(Stdio::piped))
            .stderr(Stdio::piped());
        let mut child = self.cmd.spawn().expect("spawn stockflow");
        if let Some(input) = self.stdin.take() {
            let mut pipe = child.stdin.take().expect("stdin");
            std::thread::spawn(move || {
                let _ = pipe.write_all(&input);
            });
        }
        let out = child.wait_with_output().expect("wait");
        Out {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            desc: self.desc,
        }
    }
}

/// A finished command.
#[derive(Debug)]
pub struct Out {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    pub desc: String,
}

impl Out {
    /// Expects exit `code`, returning self for more checks.
    #[track_caller]
    pub fn code(self, code: i32) -> Self {
        assert_eq!(self.code, code, "exit code of {}", self.explain());
        self
    }

    /// Expects exit 0 and nothing on stderr: a success that warned or
    /// half-failed is not a success.
    #[track_caller]
    pub fn ok(self) -> Self {
        let this = self.code(0);
        assert!(
            this.stderr.is_empty(),
            "expected an empty stderr from {}",
            this.explain()
        );
        this
    }
    /// Expects a failure with `code` and a one-line `error: ` message containing `part`.
    #[track_caller]
    pub fn fails(self, code: i32, part: &str) -> Self {
        let this = self.code(code);
        let first = this.stderr.lines().next().unwrap_or_default();
        assert!(
            first.starts_with("error: ") && first.contains(part),
            "expected `error: ...{part}...` as the first stderr line of {}",
            this.explain()
        );
        this
    }

    /// Stdout parsed as JSON.
    #[track_caller]
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}) in {}", self.explain()))
    }

    /// Stdout parsed as CSV: the header, then the records.
    #[track_caller]
    pub fn csv(&self) -> (Vec<String>, Vec<Vec<String>>) {
        let mut reader = csv::Reader::from_reader(self.stdout.as_bytes());
        let header = reader
            .headers()
            .unwrap_or_else(|e| panic!("bad CSV header ({e}) in {}", self.explain()))
            .iter()
            .map(str::to_owned)
            .collect();
        let rows = reader
            .records()
            .map(|r| r.expect("CSV record").iter().map(str::to_owned).collect())
            .collect();
        (header, rows)
    }

    /// The command and everything it printed, for failure messages.
    pub fn explain(&self) -> String {
        format!(
            "`{}`\n  exit: {}\n  stdout: {}\n  stderr: {}",
            self.desc, self.code, self.stdout, self.stderr
        )
    }
}
