//! A tiny harness that drives the real binary: a fresh temporary database per
//! test, a scrubbed environment, and failure messages that show the command,
//! its exit code, stdout and stderr.

use std::ffi::OsStr;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;

pub const BIN: &str = env!("CARGO_BIN_EXE_stockflow");

/// A stockflow database in a temporary directory.
pub struct Sf {
    pub dir: tempfile::TempDir,
    pub db: PathBuf,
}

impl Sf {
    /// A new, initialised database.
    pub fn new() -> Self {
        let sf = Self::bare();
        sf.run(&["init"]).ok();
        sf
    }

    /// A path for a database that does not exist yet.
    pub fn bare() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join("stock.db");
        Self { dir, db }
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

    /// Creates a product (price 1.00) plus `extra` flags and returns its id.
    pub fn product(&self, company: i64, sku: &str, extra: &[&str]) -> i64 {
        let c = company.to_string();
        let mut args = vec![
            "product",
            "create",
            "--company",
            &c,
            "--sku",
            sku,
            "--name",
            sku,
        ];
        args.extend(["--price", "1.00"]);
        args.extend(extra);
        id(&self.json(&args))
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

    /// Every row of every table, sorted: equal snapshots mean an unchanged database.
    pub fn snapshot(&self) -> Vec<String> {
        snapshot(&self.db)
    }

    /// Every table, index and trigger definition, by name.
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
        let conn = rusqlite::Connection::open(&self.db).expect("open");
        conn.query_row("SELECT count(*) FROM movement", [], |r| r.get(0))
            .expect("count")
    }

    /// Writes a file in the test directory and returns its path.
    pub fn file(&self, name: &str, text: &str) -> String {
        let path = self.dir.path().join(name);
        std::fs::write(&path, text).expect("write file");
        path.to_string_lossy().into_owned()
    }
}

/// Every row of every table of the database at `path`, as sorted text.
pub fn snapshot(path: &Path) -> Vec<String> {
    let conn = rusqlite::Connection::open(path).expect("open");
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
    rows.sort();
    rows
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
