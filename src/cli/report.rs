//! How a failure reaches the user: one line on stderr (and a JSON line for
//! json/jsonl), and its exit. clap's own errors are classified from their
//! kind and context, never from their rendered text.

use std::ffi::OsString;

use clap::error::{ContextKind, ContextValue, ErrorKind};
use stockflow::render::Format;
use stockflow::{Error, Exit, Kind};

/// Prints an error on stderr (one line; and as JSON for json/jsonl) and returns its exit.
pub fn report(err: &Error, format: Format) -> Exit {
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
pub fn clap_error(err: &clap::Error, args: &[OsString]) -> Exit {
    let format = super::requested_format(args);
    match err.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let _ = err.print();
            Exit::Success
        }
        ErrorKind::InvalidValue | ErrorKind::ValueValidation | ErrorKind::InvalidUtf8 => {
            report(&Error::invalid(value_message(err, args)), format)
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
/// from the error's context rather than its rendered text; for a value that
/// came from the environment, `invalid STOCKFLOW_FORMAT "xml": expected one
/// of: table, json`, naming the variable the user has to fix.
fn value_message(err: &clap::Error, args: &[OsString]) -> String {
    let value = context_string(err, ContextKind::InvalidValue).unwrap_or_default();
    let arg = context_string(err, ContextKind::InvalidArg).unwrap_or_default();
    if let Some(var) = from_env(&arg, args) {
        let why = match err.get(ContextKind::ValidValue) {
            Some(ContextValue::Strings(valid)) if !valid.is_empty() => {
                format!("expected one of: {}", valid.join(", "))
            }
            _ => std::error::Error::source(err)
                .map(ToString::to_string)
                .or_else(|| context_string(err, ContextKind::Custom))
                .unwrap_or_else(|| "not a valid value".to_owned()),
        };
        return format!("invalid {var} {value:?}: {why}");
    }
    let mut message = if value.is_empty() {
        format!("a value is required for '{arg}'")
    } else {
        format!("invalid value '{value}' for '{arg}'")
    };
    let valid = match err.get(ContextKind::ValidValue) {
        Some(ContextValue::Strings(valid)) => valid.as_slice(),
        _ => &[],
    };
    if !valid.is_empty() {
        message.push_str(&format!(" (expected one of: {})", valid.join(", ")));
    }
    if let Some(source) = std::error::Error::source(err) {
        message.push_str(&format!(": {source}"));
    } else if let Some(why) = context_string(err, ContextKind::Custom) {
        message.push_str(&format!(": {why}"));
    }
    message
}

/// The environment variable that gave flag `arg` (`--format <FORMAT>`) its
/// value, when the flag is not on the command line but has a variable.
fn from_env(arg: &str, args: &[OsString]) -> Option<String> {
    let long = arg.strip_prefix("--")?.split([' ', '=']).next()?;
    if super::parse::given_flags(args).iter().any(|g| g == long) {
        return None;
    }
    env_of(&super::command(), long)
}

/// The variable of the first flag `--long` in `cmd` or its subcommands that has one.
fn env_of(cmd: &clap::Command, long: &str) -> Option<String> {
    cmd.get_arguments()
        .filter(|a| a.get_long() == Some(long))
        .find_map(|a| a.get_env())
        .map(|v| v.to_string_lossy().into_owned())
        .or_else(|| cmd.get_subcommands().find_map(|s| env_of(s, long)))
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
