//! The `stockflow` binary: parse, build the context, run, map to an exit code.

mod cli;

use std::ffi::OsString;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use stockflow::render::Format;
use stockflow::{Ctx, Exit, Kind, model::Timestamp, store};

fn main() -> ExitCode {
    install_panic_report();
    // A panic is a bug: the hook has printed its one line; exit 1, not 101.
    std::panic::catch_unwind(run)
        .unwrap_or(Exit::Failed(Kind::Internal))
        .into()
}

fn run() -> Exit {
    let args: Vec<OsString> = std::env::args_os().collect();
    match cli::parse(&args) {
        Ok(cli) => {
            let format: Format = cli.format.into();
            let app = match app(&cli) {
                Ok(app) => app,
                Err(e) => return cli::report(&e, format),
            };
            JSON_ERRORS.store(
                matches!(format, Format::Json | Format::Jsonl),
                Ordering::Relaxed,
            );
            debug_panic();
            cli::run(cli.command, &app).unwrap_or_else(|e| cli::report(&e, format))
        }
        Err(e) => cli::clap_error(&e, &args),
    }
}

/// Whether errors are also printed as JSON (`--format json` or `jsonl`), for
/// the panic hook, which runs outside the command.
static JSON_ERRORS: AtomicBool = AtomicBool::new(false);

/// A panic prints one line asking for a report; with `RUST_BACKTRACE` set,
/// color-eyre's full report follows it, without colour (for whoever fixes
/// the bug).
#[allow(clippy::disallowed_methods)]
fn install_panic_report() {
    let detailed = std::env::var_os("RUST_BACKTRACE").is_some_and(|v| v != "0");
    let full = color_eyre::config::HookBuilder::default()
        .theme(color_eyre::config::Theme::new())
        .display_env_section(false)
        .try_into_hooks()
        .ok()
        .map(|(panic, _)| panic);
    std::panic::set_hook(Box::new(move |info| {
        let what = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        let place = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let message = stockflow::error::one_line(&format!(
            "internal error: {what}{place}; please report it (stockflow {})",
            env!("CARGO_PKG_VERSION")
        ));
        eprintln!("error: {message}");
        if JSON_ERRORS.load(Ordering::Relaxed) {
            let json = serde_json::json!({"error": {"kind": Kind::Internal, "message": message}});
            eprintln!("{json}");
        }
        if let Some(full) = full.as_ref().filter(|_| detailed) {
            eprintln!("{}", full.panic_report(info));
        }
    }));
}

/// Lets the tests drive the panic report end to end; debug builds only.
#[cfg(debug_assertions)]
#[allow(clippy::disallowed_methods)]
fn debug_panic() {
    if std::env::var_os("STOCKFLOW_TEST_PANIC").is_some() {
        panic!("a test asked for a panic");
    }
}

#[cfg(not(debug_assertions))]
fn debug_panic() {}

/// Reads the clock and the environment, once, for the whole command.
#[allow(clippy::disallowed_methods)]
fn app(cli: &cli::Cli) -> stockflow::Result<cli::App> {
    let actor = std::env::var("STOCKFLOW_ACTOR")
        .ok()
        .filter(|a| !a.is_empty())
        .or_else(|| std::env::var("USER").ok().filter(|a| !a.is_empty()))
        .or_else(|| std::env::var("LOGNAME").ok().filter(|a| !a.is_empty()))
        .or_else(login_name)
        .unwrap_or_else(|| "unknown".to_owned());
    let busy_timeout = match std::env::var_os("STOCKFLOW_BUSY_TIMEOUT_MS") {
        Some(ms) if !ms.is_empty() => busy_timeout(&ms.to_string_lossy())?,
        _ => store::DEFAULT_BUSY_TIMEOUT,
    };
    Ok(cli::App {
        db: cli::db_path(cli.db.clone(), std::env::var_os("STOCKFLOW_DB")),
        format: cli.format.into(),
        color: cli::want_color(
            cli.color,
            std::env::var_os("NO_COLOR").as_deref(),
            std::env::var_os("TERM").as_deref(),
        ),
        width: cli::terminal_width(),
        stderr_tty: cli::stderr_is_tty(),
        ctx: Ctx {
            now: Timestamp::from_datetime(chrono::Utc::now()),
            actor,
        },
        busy_timeout,
        output_failed: std::cell::Cell::new(false),
    })
}

/// The login user's name when neither `$USER` nor `$LOGNAME` is set (cron,
/// containers): the `/etc/passwd` entry of the process's user id.
#[cfg(unix)]
fn login_name() -> Option<String> {
    use std::os::unix::fs::MetadataExt;
    let uid = std::fs::metadata("/proc/self").ok()?.uid().to_string();
    let passwd = std::fs::read_to_string("/etc/passwd").ok()?;
    passwd.lines().find_map(|line| {
        let mut fields = line.split(':');
        let name = fields.next()?;
        (fields.nth(1)? == uid && !name.is_empty()).then(|| name.to_owned())
    })
}

#[cfg(not(unix))]
fn login_name() -> Option<String> {
    None
}

/// `STOCKFLOW_BUSY_TIMEOUT_MS`: whole milliseconds SQLite can count (a C int).
fn busy_timeout(ms: &str) -> stockflow::Result<Duration> {
    let digits = !ms.is_empty() && ms.bytes().all(|b| b.is_ascii_digit());
    match ms.parse::<u32>() {
        Ok(n) if digits && i32::try_from(n).is_ok() => Ok(Duration::from_millis(n.into())),
        _ => Err(stockflow::Error::invalid(format!(
            "invalid STOCKFLOW_BUSY_TIMEOUT_MS {ms:?}: expected whole milliseconds, 0 to {}",
            i32::MAX
        ))),
    }
}
