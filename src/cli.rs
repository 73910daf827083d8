//! The command line: clap's types live here and never enter the library.
//! Flag values are taken as text and parsed into the library's newtypes, so a
//! bad value gets stockflow's own one-line message and exit 3.

mod alerts;
mod catalog;
mod order;
mod parse;
mod plan;
mod product;
mod progress;
mod report;
#[cfg(feature = "serve")]
mod serve;
mod stock;
mod token;

pub use parse::{FormatArg, command, parse, requested_format};
pub use report::{clap_error, report};

use std::cell::Cell;
use std::ffi::OsStr;
use std::io::{BufRead, BufWriter, IsTerminal, StdoutLock, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::builder::{PossibleValue, TypedValueParser};
use clap::{Parser, Subcommand, ValueEnum, ValueHint};
use stockflow::error::Result;
use stockflow::render::color::{self, Facts, When};
use stockflow::render::{Format, Initialised, Out};
use stockflow::store::Db;
use stockflow::{Ctx, Error, Exit};

/// Inventory administration for small B2B businesses, on a SQLite file or a PostgreSQL database.
#[derive(Debug, Parser)]
#[command(name = "stockflow", version, about, max_term_width = 100)]
#[command(after_help = "Examples:
  stockflow init
  stockflow company create --name Acme
  stockflow alerts low-stock --company 1 --format csv > alerts.csv

Exit codes: 0 ok, 1 internal, 2 usage, 3 invalid input, 4 not found,
5 conflict, 6 busy (retry), 7 database, 10 alerts found (--exit-code).")]
pub struct Cli {
    /// The database: a SQLite file, or a PostgreSQL URL (postgresql://...) [env: STOCKFLOW_DB] [default: stockflow.db]
    // STOCKFLOW_DB is read by `main`, not by clap: clap lists an argument
    // taken from the environment in its usage line as if the user had to give it.
    #[arg(long, global = true, value_name = "PATH|URL", value_hint = ValueHint::FilePath)]
    pub db: Option<PathBuf>,
    /// Output format
    #[arg(
        long,
        global = true,
        env = "STOCKFLOW_FORMAT",
        default_value = "table",
        value_enum
    )]
    pub format: FormatArg,
    /// When tables get colour: auto (a terminal without NO_COLOR or TERM=dumb), always, never
    #[arg(
        long,
        global = true,
        env = "STOCKFLOW_COLOR",
        value_enum,
        default_value_t = ColorWhen::Auto,
        value_name = "WHEN"
    )]
    pub color: ColorWhen,
    #[command(subcommand)]
    pub command: Command,
}

/// `--color`: clap's convention (as in ripgrep, cargo, ls).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    /// Colour on a terminal, unless NO_COLOR is set or TERM is dumb
    Auto,
    /// Colour even into a pipe (e.g. `less -R`)
    Always,
    /// Never colour
    Never,
}

impl From<ColorWhen> for When {
    fn from(c: ColorWhen) -> Self {
        match c {
            ColorWhen::Auto => When::Auto,
            ColorWhen::Always => When::Always,
            ColorWhen::Never => When::Never,
        }
    }
}

/// Every command group.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create the database, or upgrade it to this version's schema (safe to repeat)
    #[command(
        after_help = "Examples:\n  stockflow init\n  stockflow --db postgresql://stockflow@db.example/stock init"
    )]
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
    /// Purchase orders: create, list, show, receive, close
    #[command(subcommand)]
    Order(order::OrderCmd),
    /// Reordering: what to order from whom, as draft purchase orders
    #[command(subcommand)]
    Reorder(plan::ReorderCmd),
    /// Bulk imports from CSV
    #[command(subcommand)]
    Import(product::ImportCmd),
    /// Verify the database: integrity, foreign keys, stock == sum of ledger
    #[command(after_help = "Example:\n  stockflow check && echo clean")]
    Check,
    /// Copy the whole database (every company, id and movement) into a new SQLite file or an empty database
    #[command(
        after_help = "The target is a SQLite file that does not exist yet (or an empty stockflow
database), or the URL of an empty PostgreSQL database. The copy is one
transaction on the target, checked before it commits: all or nothing.

Examples:
  stockflow --db stock.db copy --to backup-2026-11-24.db
  stockflow --db stock.db copy --to postgresql://stockflow@db.example/stock"
    )]
    Copy {
        /// The target: a new SQLite file, or an empty database (a file or a PostgreSQL URL)
        #[arg(long, value_name = "PATH|URL", value_hint = ValueHint::FilePath)]
        to: PathBuf,
    },
    /// Serve the HTTP API on this database (plain HTTP, tokens from `token create`)
    #[cfg(feature = "serve")]
    Serve(serve::ServeArgs),
    /// API tokens: each acts for one company
    #[command(subcommand)]
    Token(token::TokenCmd),
    /// Print a shell completion script
    #[command(
        after_help = "Examples:\n  stockflow completions bash > /etc/bash_completion.d/stockflow\n  stockflow completions zsh > ~/.zfunc/_stockflow"
    )]
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
    /// The terminal's width in columns, when stdout is one (tables fit it).
    pub width: Option<usize>,
    /// Whether stderr is a terminal (progress bars).
    pub stderr_tty: bool,
    /// Now and the actor.
    pub ctx: Ctx,
    /// How long to wait for another writer.
    pub busy_timeout: Duration,
    /// Whether writing stdout failed: for a write command, that failure
    /// came after its commit (see [`run`]).
    pub output_failed: Cell<bool>,
}

impl App {
    /// Opens the existing database.
    pub fn open(&self) -> Result<Db> {
        Db::open(&self.db, self.busy_timeout)
    }

    /// The renderer on buffered stdout; on a terminal, its notes (what the
    /// terminal's width and row cap left out) go to stderr after the results.
    pub fn out(&self) -> Out<Stdout<'_>> {
        let stdout = BufWriter::new(Tracked {
            w: std::io::stdout().lock(),
            failed: &self.output_failed,
        });
        let out = Out::new(stdout, self.format, self.color).width(self.width);
        if self.width.is_some() {
            out.notes(Box::new(std::io::stderr()))
        } else {
            out
        }
    }
}

/// Buffered stdout that remembers a failure to write it, so that [`run`]
/// can tell a result that could not be printed from a command that failed.
/// The buffer is outside: results are copied into it at full speed, and
/// only its writes to stdout are watched.
pub type Stdout<'a> = BufWriter<Tracked<'a>>;

/// Stdout, remembering whether a write to it failed.
#[derive(Debug)]
pub struct Tracked<'a> {
    w: StdoutLock<'static>,
    failed: &'a Cell<bool>,
}

impl Write for Tracked<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.w.write(buf).inspect_err(|_| self.failed.set(true))
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.w.flush().inspect_err(|_| self.failed.set(true))
    }
}

/// Runs one command; returns how it ended (success, or alerts found).
///
/// Every write prints its result only after it committed, so when a write
/// command's stdout fails (a full disk, `> /dev/full`) the change stands:
/// the command succeeds (exit 0) with one line on stderr saying the change
/// was committed and which command shows it, so a script that retries
/// failures does not apply it twice (README: design decisions). A closed
/// pipe says nothing, as for a read; a read whose stdout fails fails.
pub fn run(command: Command, app: &App) -> Result<Exit> {
    let shown_by = written(&command);
    match (dispatch(command, app), shown_by) {
        (Err(e), Some(shown_by)) if app.output_failed.get() => {
            if e.kind() != stockflow::Kind::BrokenPipe {
                eprintln!(
                    "warning: {}",
                    stockflow::error::one_line(&format!(
                        "the change was committed, but its output could not be written ({}); \
                         see it with `{shown_by}`",
                        e.message()
                    ))
                );
            }
            Ok(Exit::Success)
        }
        (result, _) => result,
    }
}

/// For a command that writes, the command that shows what it wrote; `None`
/// for a read. Exhaustive, so a new command must say which it is.
fn written(command: &Command) -> Option<&'static str> {
    use catalog::{CompanyCmd, SupplierCmd, WarehouseCmd};
    use order::OrderCmd;
    use product::{BundleCmd, ImportCmd, ProductCmd, ThresholdCmd};
    use stock::StockCmd;
    use token::TokenCmd;
    match command {
        Command::Init => Some("stockflow check"),
        Command::Company(CompanyCmd::Create { .. }) => Some("stockflow company list"),
        Command::Warehouse(WarehouseCmd::Create { .. }) => Some("stockflow warehouse list"),
        Command::Supplier(SupplierCmd::Create { .. }) => Some("stockflow supplier list"),
        Command::Supplier(SupplierCmd::Link(_)) => Some("stockflow product show SKU"),
        Command::Product(ProductCmd::Create(_) | ProductCmd::Update(_)) => {
            Some("stockflow product show SKU")
        }
        Command::Product(ProductCmd::Archive { .. }) => {
            Some("stockflow product list --include-archived")
        }
        Command::Bundle(BundleCmd::Set { .. }) => Some("stockflow product show BUNDLE_SKU"),
        Command::Threshold(ThresholdCmd::Set { .. }) => {
            Some("stockflow threshold list --company ID")
        }
        Command::Stock(
            StockCmd::Adjust(_) | StockCmd::Transfer { .. } | StockCmd::Count { .. },
        ) => Some("stockflow stock history"),
        Command::Import(ImportCmd::Products { .. }) => Some("stockflow product list"),
        Command::Order(OrderCmd::Create(_) | OrderCmd::Receive(_) | OrderCmd::Close { .. }) => {
            Some("stockflow order show ID")
        }
        Command::Copy { .. } => Some("stockflow --db TARGET check"),
        Command::Token(TokenCmd::Create { .. }) => Some(
            "stockflow token list`; its secret is not stored anywhere: revoke it with \
             `stockflow token revoke ID` and create another",
        ),
        Command::Token(TokenCmd::Revoke { .. }) => Some("stockflow token list"),
        Command::Reorder(plan::ReorderCmd::Plan { commit: true, .. }) => {
            Some("stockflow order list --status open")
        }
        Command::Company(CompanyCmd::List)
        | Command::Warehouse(WarehouseCmd::List { .. })
        | Command::Supplier(SupplierCmd::List { .. })
        | Command::Product(ProductCmd::List { .. } | ProductCmd::Show { .. })
        | Command::Threshold(ThresholdCmd::List { .. })
        | Command::Stock(StockCmd::List { .. } | StockCmd::History { .. })
        | Command::Alerts(_)
        | Command::Order(OrderCmd::List { .. } | OrderCmd::Show { .. })
        | Command::Reorder(plan::ReorderCmd::Plan { commit: false, .. })
        | Command::Check
        | Command::Token(TokenCmd::List { .. })
        | Command::Completions { .. } => None,
        #[cfg(feature = "serve")]
        Command::Serve(_) => None,
    }
}

fn dispatch(command: Command, app: &App) -> Result<Exit> {
    match command {
        Command::Init => {
            let (db, report) = Db::init(&app.db, app.busy_timeout)?;
            let shown = db.shown();
            let mut out = app.out();
            out.show(&Initialised {
                shown: &shown,
                report,
            })?;
            out.finish()?;
            Ok(Exit::Success)
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
        Command::Order(cmd) => order::run(cmd, app),
        Command::Reorder(cmd) => plan::run(cmd, app),
        #[cfg(feature = "serve")]
        Command::Serve(args) => serve::run(args, app),
        Command::Token(cmd) => token::run(cmd, app),
        Command::Copy { to } => {
            let copied = stockflow::ops::copy::run(&app.db, &to, app.busy_timeout)?;
            let mut out = app.out();
            out.show(&copied)?;
            out.finish()?;
            Ok(Exit::Success)
        }
        Command::Check => {
            let mut db = app.open()?;
            let report = stockflow::ops::check::run(&mut db)?;
            let mut out = app.out();
            out.show(&report)?;
            out.finish()?;
            if report.ok {
                Ok(Exit::Success)
            } else {
                Err(stockflow::Error::database(format!(
                    "check found {} problem(s) in {}",
                    report.problems.len(),
                    db.shown()
                )))
            }
        }
        Command::Completions { shell } => {
            // Generated in memory (clap_complete panics on a write error),
            // then written like any output: a closed pipe is exit 0, quietly.
            let mut script = Vec::new();
            let mut cmd = no_file_names(self::command());
            clap_complete::generate(shell, &mut cmd, "stockflow", &mut script);
            let mut stdout = BufWriter::new(std::io::stdout().lock());
            stdout.write_all(&script)?;
            stdout.flush()?;
            Ok(Exit::Success)
        }
    }
}

/// The database: `--db`, else a non-empty `STOCKFLOW_DB` (read by `main`),
/// else `stockflow.db`.
pub fn db_path(flag: Option<PathBuf>, env: Option<std::ffi::OsString>) -> PathBuf {
    flag.or_else(|| env.filter(|e| !e.is_empty()).map(PathBuf::from))
        .unwrap_or_else(|| PathBuf::from("stockflow.db"))
}

/// Whether stdout gets colour, given `--color` and the environment's
/// `NO_COLOR` and `TERM` (read by `main`).
pub fn want_color(when: ColorWhen, no_color: Option<&OsStr>, term: Option<&OsStr>) -> bool {
    let facts = Facts {
        stdout_tty: std::io::stdout().is_terminal(),
        no_color,
        term,
    };
    color::wanted(when.into(), facts)
}

/// The terminal's width when stdout is one, whether or not colour is on.
pub fn terminal_width() -> Option<usize> {
    if !std::io::stdout().is_terminal() {
        return None;
    }
    // A pseudo-terminal nobody sized reports 0 columns: no width, then.
    comfy_table::Table::new()
        .width()
        .map(usize::from)
        .filter(|w| *w > 0)
}

/// Whether stderr is a terminal.
pub fn stderr_is_tty() -> bool {
    std::io::stderr().is_terminal()
}

/// Completion offers file names only where a path goes: every other value
/// (ids, SKUs, quantities, times, text) gets `ValueHint::Other` unless it
/// has possible values to offer, here and in every subcommand.
fn no_file_names(cmd: clap::Command) -> clap::Command {
    cmd.mut_args(|a| {
        let pathlike = a
            .get_value_names()
            .is_some_and(|n| n.iter().any(|n| n == "PATH"));
        let free = a.get_action().takes_values()
            && a.get_possible_values().is_empty()
            && a.get_value_hint() == ValueHint::Unknown;
        match (free, pathlike) {
            (true, true) => a.value_hint(ValueHint::FilePath),
            (true, false) => a.value_hint(ValueHint::Other),
            (false, _) => a,
        }
    })
    .mut_subcommands(no_file_names)
}

/// A text value with suggestions: completion and help offer `values`, and
/// any text passes through to the library's own parser (so a wrong value gets
/// stockflow's message and exit 3, not clap's).
#[derive(Debug, Clone, Copy)]
pub struct Suggest(pub &'static [&'static str]);

impl TypedValueParser for Suggest {
    type Value = String;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &OsStr,
    ) -> std::result::Result<String, clap::Error> {
        clap::builder::StringValueParser::new().parse_ref(cmd, arg, value)
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new(self.0.iter().map(PossibleValue::new)))
    }
}

/// The reasons a user may give to `stock adjust`.
pub const REASONS: Suggest = Suggest(&["receipt", "return", "sale", "damage", "correction"]);

/// Parses an optional flag value with `parse`.
fn opt<T>(value: Option<&str>, parse: impl Fn(&str) -> Result<T>) -> Result<Option<T>> {
    value.map(parse).transpose()
}

/// Runs `f` on the file at `path` (with its size, for progress), or on
/// standard input for `-`. A path that cannot be read, a directory, or an
/// input with no bytes at all is a bad value (exit 3) naming the path.
fn with_input<T>(
    path: &Path,
    f: impl FnOnce(Box<dyn std::io::Read>, Option<u64>) -> Result<T>,
) -> Result<T> {
    let shown = path.display();
    let cannot = |e: std::io::Error| Error::invalid(format!("cannot read {shown}: {e}"));
    let (input, size): (Box<dyn std::io::Read>, _) = if path == Path::new("-") {
        (Box::new(std::io::stdin().lock()), None)
    } else {
        let file = std::fs::File::open(path).map_err(cannot)?;
        let meta = file.metadata().map_err(cannot)?;
        if meta.is_dir() {
            return Err(Error::invalid(format!(
                "{shown} is a directory; give a CSV file (or - for standard input)"
            )));
        }
        (Box::new(file), Some(meta.len()).filter(|n| *n > 0))
    };
    let mut input = std::io::BufReader::with_capacity(1 << 16, input);
    if input.fill_buf().map_err(cannot)?.is_empty() {
        let name = if path == Path::new("-") {
            "standard input".to_owned()
        } else {
            shown.to_string()
        };
        return Err(Error::invalid(format!(
            "empty input: {name} has no header row"
        )));
    }
    f(Box::new(input), size)
}
