//! The `stockflow` binary: parse, build the context, run, map to an exit code.

mod cli;

use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use clap::error::ErrorKind;
use stockflow::render::Format;
use stockflow::{Ctx, Error, Kind, db, model::Timestamp};

fn main() -> ExitCode {
    // Panics become a readable report (exit 101 from the runtime is replaced below).
    let _ = color_eyre::install();
    let args: Vec<String> = std::env::args().collect();
    let code = match cli::Cli::try_parse_from(&args) {
        Ok(cli) => {
            let app = app(&cli);
            let format = app.format;
            cli::run(cli.command, &app).unwrap_or_else(|e| report(&e, format))
        }
        Err(e) => clap_error(&e, &args),
    };
    ExitCode::from(u8::try_from(code).unwrap_or(1))
}

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
        db: cli::db_path(cli.db.clone(), std::env::var_os("STOCKFLOW_DB")),
        format: Format::parse(&cli.format).unwrap_or(Format::Table),
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
        busy_timeout: busy_ms,
    }
}

/// Prints an error on stderr (one line; and as JSON for json/jsonl) and returns its exit code.
fn report(err: &Error, format: Format) -> i32 {
    if err.kind() == Kind::BrokenPipe {
        return 0;
    }
    eprintln!("error: {}", err.message());
    if matches!(format, Format::Json | Format::Jsonl) {
        let json = serde_json::json!({"error": {"kind": err.kind(), "message": err.message()}});
        eprintln!("{json}");
    }
    err.exit_code()
}

/// clap's own errors: help and version print normally; a bad value is exit 3,
/// anything else about the command line is exit 2.
fn clap_error(err: &clap::Error, args: &[String]) -> i32 {
    let text = err.render().to_string();
    let first = text.lines().next().unwrap_or_default();
    let message = first.strip_prefix("error: ").unwrap_or(first);
    match err.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let _ = err.print();
            0
        }
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => {
            let hint = text
                .lines()
                .find_map(|l| l.trim().strip_prefix("[possible values: "))
                .map(|v| format!(" (expected one of: {})", v.trim_end_matches(']')))
                .unwrap_or_default();
            report(
                &Error::invalid(format!("{message}{hint}")),
                requested_format(args),
            )
        }
        _ => {
            let _ = err.print();
            if matches!(requested_format(args), Format::Json | Format::Jsonl) {
                // The first paragraph on one line: the message and its values.
                let paragraph: Vec<&str> = text
                    .lines()
                    .take_while(|l| !l.is_empty())
                    .map(str::trim)
                    .collect();
                let joined = paragraph.join(" ");
                let message = joined.strip_prefix("error: ").unwrap_or(&joined);
                let json = serde_json::json!({"error": {"kind": Kind::Usage, "message": message}});
                eprintln!("{json}");
            }
            Error::new(Kind::Usage, message).exit_code()
        }
    }
}

/// The format asked for, read from raw arguments when clap could not parse them.
#[allow(clippy::disallowed_methods)]
fn requested_format(args: &[String]) -> Format {
    let from_args = args
        .iter()
        .enumerate()
        .find_map(|(i, a)| match a.strip_prefix("--format") {
            Some("") => args.get(i + 1).cloned(),
            Some(v) => v.strip_prefix('=').map(str::to_owned),
            None => None,
        });
    from_args
        .or_else(|| std::env::var("STOCKFLOW_FORMAT").ok())
        .and_then(|f| Format::parse(&f))
        .unwrap_or(Format::Table)
}
