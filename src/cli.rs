//! The command line: clap's types live here and never enter the library.
//! Flag values are taken as text and parsed into the library's newtypes, so a
//! bad value gets stockflow's own one-line message and exit 3.

mod alerts;
mod catalog;
mod product;
mod progress;
#[cfg(feature = "serve")]
mod serve;
mod stock;
mod token;

use std::io::{BufWriter, IsTerminal, StdoutLock, Write};
use std::path::PathBuf;
use std::time::Duration;

use clap::{Parser, Subcommand};
use stockflow::Ctx;
use stockflow::db::Db;
use stockflow::error::Result;
use stockflow::render::{Format, Out};

/// Inventory administration for small B2B businesses, on one SQLite file.
#[derive(Debug, Parser)]
#[command(name = "stockflow", version, about, max_term_width = 100)]
#[command(after_help = "Examples:
  stockflow init
  stockflow company create --name Acme
  stockflow alerts low-stock --company 1 --format csv > alerts.csv

Exit codes: 0 ok, 1 internal, 2 usage, 3 invalid input, 4 not found,
5 conflict, 6 busy (retry), 7 database, 10 alerts found (--exit-code).")]
pub struct Cli {
    /// The database file
    #[arg(
        long,
        global = true,
        env = "STOCKFLOW_DB",
        default_value = "stockflow.db"
    )]
    pub db: PathBuf,
    /// Output format
    #[arg(long, global = true, env = "STOCKFLOW_FORMAT", default_value = "table",
          value_parser = ["table", "json", "jsonl", "csv"])]
    pub format: String,
    #[command(subcommand)]
    pub command: Command,
}

/// Every command group.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create the database, or upgrade it to this version's schema (safe to repeat)
    Init,
    /// Companies (tenants)
    #[command(subcommand)]
    Company(catalog::CompanyCmd),
    /// Warehouses of a company
    #[command(subcommand)]
    Warehouse(catalog::WarehouseCmd),
    /// Suppliers of a company, and which products they supply
    #[command(subcommand)]
    Supplier(catalog::SupplierCmd),
    /// Products: create, list, show, update, archive
    #[command(subcommand)]
    Product(product::ProductCmd),
    /// Bundles: products made of other products
    #[command(subcommand)]
    Bundle(product::BundleCmd),
    /// Low-stock thresholds
    #[command(subcommand)]
    Threshold(product::ThresholdCmd),
    /// Stock movements and levels
    #[command(subcommand)]
    Stock(stock::StockCmd),
    /// Low-stock alerts: what to reorder, from whom, how many days are left
    #[command(subcommand)]
    Alerts(alerts::AlertsCmd),
    /// Bulk imports from CSV
    #[command(subcommand)]
    Import(product::ImportCmd),
    /// Verify the database: integrity, foreign keys, stock == sum of ledger
    Check,
    /// Serve the HTTP API on this database (plain HTTP, tokens from `token create`)
    #[cfg(feature = "serve")]
    Serve(serve::ServeArgs),
    /// API tokens: each acts for one company
    #[command(subcommand)]
    Token(token::TokenCmd),
    /// Print a shell completion script
    Completions {
        /// bash, zsh, fish, elvish or powershell
        shell: clap_complete::Shell,
    },
}

/// What every command needs: where the database is, how to print, and the context.
#[derive(Debug)]
pub struct App {
    /// The database file.
    pub db: PathBuf,
    /// The output format.
    pub format: Format,
    /// Colour on stdout.
    pub color: bool,
    /// Whether stderr is a terminal (progress bars).
    pub stderr_tty: bool,
    /// Now and the actor.
    pub ctx: Ctx,
    /// How long to wait for another writer.
    pub busy_timeout: Duration,
}

impl App {
    /// Opens the existing database.
    pub fn open(&self) -> Result<Db> {
        Db::open(&self.db, self.busy_timeout)
    }

    /// The renderer on buffered stdout.
    pub fn out(&self) -> Out<BufWriter<StdoutLock<'static>>> {
        Out::new(
            BufWriter::new(std::io::stdout().lock()),
            self.format,
            self.color,
        )
    }
}

/// Runs one command; returns the exit code on success (0, or 10 for alerts found).
pub fn run(command: Command, app: &App) -> Result<i32> {
    match command {
        Command::Init => {
            let (_, report) = Db::init(&app.db, app.busy_timeout)?;
            let mut out = app.out();
            match app.format {
                Format::Table | Format::Csv if report.from_version == report.version => {
                    out.line(&format!(
                        "{} is up to date (schema {})",
                        app.db.display(),
                        report.version
                    ))?
                }
                Format::Table | Format::Csv => out.line(&format!(
                    "{} initialised (schema {} -> {})",
                    app.db.display(),
                    report.from_version,
                    report.version
                ))?,
                Format::Json | Format::Jsonl => out.json_value(&report)?,
            }
            out.finish()?;
            Ok(0)
        }
        Command::Company(cmd) => catalog::company(cmd, app),
        Command::Warehouse(cmd) => catalog::warehouse(cmd, app),
        Command::Supplier(cmd) => catalog::supplier(cmd, app),
        Command::Product(cmd) => product::product(cmd, app),
        Command::Bundle(cmd) => product::bundle(cmd, app),
        Command::Threshold(cmd) => product::threshold(cmd, app),
        Command::Import(cmd) => product::import(cmd, app),
        Command::Stock(cmd) => stock::run(cmd, app),
        Command::Alerts(cmd) => alerts::run(cmd, app),
        #[cfg(feature = "serve")]
        Command::Serve(args) => serve::run(args, app),
        Command::Token(cmd) => token::run(cmd, app),
        Command::Check => {
            let report = stockflow::ops::check::run(&mut app.open()?)?;
            let mut out = app.out();
            match app.format {
                Format::Json | Format::Jsonl => out.json_value(&report)?,
                Format::Table | Format::Csv if report.ok => out.line("ok: no problems found")?,
                Format::Table | Format::Csv => {
                    for p in &report.problems {
                        out.line(p)?;
                    }
                }
            }
            out.finish()?;
            if report.ok {
                Ok(0)
            } else {
                Err(stockflow::Error::database(format!(
                    "check found {} problem(s) in {}",
                    report.problems.len(),
                    app.db.display()
                )))
            }
        }
        Command::Completions { shell } => {
            let mut stdout = std::io::stdout().lock();
            let mut cmd = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(shell, &mut cmd, "stockflow", &mut stdout);
            stdout.flush()?;
            Ok(0)
        }
    }
}

/// Whether stdout gets colour: a terminal, and no `NO_COLOR`.
pub fn want_color(no_color: bool) -> bool {
    !no_color && std::io::stdout().is_terminal()
}

/// Whether stderr is a terminal.
pub fn stderr_is_tty() -> bool {
    std::io::stderr().is_terminal()
}

/// Parses an optional flag value with `parse`.
fn opt<T>(value: Option<&str>, parse: impl Fn(&str) -> Result<T>) -> Result<Option<T>> {
    value.map(parse).transpose()
}

/// Runs `f` on the file at `path` (with its size, for progress), or on
/// standard input for `-`.
fn with_input<T>(
    path: &str,
    f: impl FnOnce(Box<dyn std::io::Read>, Option<u64>) -> Result<T>,
) -> Result<T> {
    if path == "-" {
        return f(Box::new(std::io::stdin().lock()), None);
    }
    let file = std::fs::File::open(path)
        .map_err(|e| stockflow::Error::invalid(format!("cannot read {path}: {e}")))?;
    let size = file.metadata().ok().map(|m| m.len()).filter(|n| *n > 0);
    f(
        Box::new(std::io::BufReader::with_capacity(1 << 16, file)),
        size,
    )
}
