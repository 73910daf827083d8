//! The `stockflow` binary: parse, build the context, run, map to an exit code.

mod cli;

use std::ffi::OsString;
use std::process::ExitCode;
use std::time::Duration;

use clap::error::{ContextKind, ContextValue, ErrorKind};
use stockflow::render::Format;
use stockflow::{Ctx, Error, Exit, Kind, db, model::Timestamp};

fn main() -> ExitCode {
    install_panic_report();
    // A panic is a bug: the hook has printed its one line; exit 1, not 101.
    std::panic::catch_unwind(run)
        .unwrap_or(Exit::Failed(Kind::Internal))
        .into()
}

fn run() -> Exit {
    debug_panic();
    let args: Vec<OsString> = std::env::args_os().collect();
    match cli::parse(&args) {
        Ok(cli) => {
            let app = app(&cli);
            let format = app.format;
            cli::run(cli.command, &app).unwrap_or_else(|e| report(&e, format))
        }
        Err(e) => clap_error(&e, &args),
    }
}

/// A panic prints one line asking for a report; with `RUST_BACKTRACE` set,
/// color-eyre's full report follows it (for whoever fixes the bug).
#[allow(clippy::disallowed_methods)]
fn install_panic_report() {
    let detailed = std::env::var_os("RUST_BACKTRACE").is_some_and(|v| v != "0");
    let full = color_eyre::config::HookBuilder::default()
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
        eprintln!(
            "error: {}",
            stockflow::error::one_line(&format!(
                "internal error: {what}{place}; please report it (stockflow {})",
                env!("CARGO_PKG_VERSION")
            ))
        );
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
fn app(cli: &cli::Cli) -> cli::App {
    let actor = std::env::var("STOCKFLOW_ACTOR")
        .ok()
        .filter(|a| !a.is_empty())
        .or_else(|| std::env::var("USER").ok().filter(|a| !a.is_empty()))
        .or_else(|| std::env::var("LOGNAME").ok().filter(|a| !a.is_empty()))
        .unwrap_or_else(|| "unknown".to_owned());
    let busy_ms = std::env::var("STOCKFLOW_BUSY_TIMEOUT_MS")
        .ok()
        .and_then(|v| v.parse().ok())
        .map_or(db::DEFAULT_BUSY_TIMEOUT, Duration::from_millis);
    cli::App {
        db: cli.db.clone(),
        format: cli.format.into(),
        color: cli::want_color(std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())),
        stderr_tty: cli::stderr_is_tty(),
        ctx: Ctx {
            now: Timestamp::from_datetime(chrono::Utc::now()),
            actor,
        },
        busy_timeout: busy_ms,
        committed: std::cell::RefCell::new(None),
    }
}

/// Prints an error on stderr (one line; and as JSON for json/jsonl) and returns its exit.
fn report(err: &Error, format: Format) -> Exit {
    if err.kind() == Kind::BrokenPipe {
        return Exit::Success;
    }
    eprintln!("error: {}", err.message());
    if matches!(format, Format::Json | Format::Jsonl) {
        let json = serde_json::json!({"error": {"kind": err.kind(), "message": err.message()}});
        eprintln!("{json}");
    }
    Exit::Failed(err.kind())
}

/// clap's own errors: help and version print normally (exit 0); a bad value
/// is exit 3 with a message built from the error's context; anything else
/// about the command line is clap's usage error, exit 2.
fn clap_error(err: &clap::Error, args: &[OsString]) -> Exit {
    let format = cli::requested_format(args);
    match err.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let _ = err.print();
            Exit::Success
        }
        ErrorKind::InvalidValue | ErrorKind::ValueValidation | ErrorKind::InvalidUtf8 => {
            report(&Error::invalid(value_message(err)), format)
        }
        _ => {
            let _ = err.print();
            if matches!(format, Format::Json | Format::Jsonl) {
                let message = stockflow::error::one_line(&usage_message(err));
                let json = serde_json::json!({"error": {"kind": Kind::Usage, "message": message}});
                eprintln!("{json}");
            }
            Exit::Failed(Kind::Usage)
        }
    }
}

/// `invalid value 'xml' for '--format <F>' (expected one of: table, json)`,
/// from the error's context rather than its rendered text.
fn value_message(err: &clap::Error) -> String {
    let value = context_string(err, ContextKind::InvalidValue).unwrap_or_default();
    let mut message = match context_string(err, ContextKind::InvalidArg) {
        Some(arg) => format!("invalid value '{value}' for '{arg}'"),
        None => format!("invalid value '{value}'"),
    };
    if let Some(ContextValue::Strings(valid)) = err.get(ContextKind::ValidValue) {
        message.push_str(&format!(" (expected one of: {})", valid.join(", ")));
    }
    if let Some(source) = std::error::Error::source(err) {
        message.push_str(&format!(": {source}"));
    } else if let Some(why) = context_string(err, ContextKind::Custom) {
        message.push_str(&format!(": {why}"));
    }
    message
}

/// clap's first line of a usage error, from the error's context.
fn usage_message(err: &clap::Error) -> String {
    let arg = context_string(err, ContextKind::InvalidArg);
    let sub = context_string(err, ContextKind::InvalidSubcommand);
    match (err.kind(), arg, sub) {
        (ErrorKind::MissingRequiredArgument, Some(a), _) => {
            format!("the following required arguments were not provided: {a}")
        }
        (ErrorKind::UnknownArgument, Some(a), _) => format!("unexpected argument '{a}' found"),
        (ErrorKind::InvalidSubcommand, _, Some(s)) => format!("unrecognized subcommand '{s}'"),
        (ErrorKind::ArgumentConflict, Some(a), _) => {
            let with = context_string(err, ContextKind::PriorArg).unwrap_or_default();
            format!("the argument '{a}' cannot be used with '{with}'")
        }
        (kind, a, s) => {
            let what = kind.as_str().unwrap_or("invalid command line");
            match a.or(s) {
                Some(detail) => format!("{what}: {detail}"),
                None => what.to_owned(),
            }
        }
    }
}

fn context_string(err: &clap::Error, kind: ContextKind) -> Option<String> {
    match err.get(kind)? {
        ContextValue::String(s) => Some(s.clone()),
        ContextValue::Strings(s) => Some(s.join(", ")),
        other => Some(other.to_string()),
    }
}
