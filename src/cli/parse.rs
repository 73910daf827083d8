//! From argv to [`Cli`]: any bytes in, clap's derive types out, with the
//! rules every flag shares applied once here rather than on each field.

use std::ffi::{OsStr, OsString};

use clap::builder::{TypedValueParser, ValueParser};
use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Arg, CommandFactory, FromArgMatches, ValueEnum};
use stockflow::render::Format;

use super::Cli;

/// `--format`: clap's side of the library's [`Format`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// A table for people
    Table,
    /// Pretty JSON
    Json,
    /// JSON Lines
    Jsonl,
    /// CSV with a header row
    Csv,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Self {
        match f {
            FormatArg::Table => Self::Table,
            FormatArg::Json => Self::Json,
            FormatArg::Jsonl => Self::Jsonl,
            FormatArg::Csv => Self::Csv,
        }
    }
}

/// The command line, with two rules for every flag that takes a value: a
/// negative number is a value (so `--warehouse -1` gets stockflow's own
/// message and exit 3, not a usage error), and free text must be UTF-8, with
/// an error naming the flag (paths are `PathBuf` and take any bytes).
pub fn command() -> clap::Command {
    with_text_parser(Cli::command(), &ValueParser::new(Utf8Text))
}

fn with_text_parser(cmd: clap::Command, text: &ValueParser) -> clap::Command {
    cmd.mut_args(|arg| {
        if !arg.get_action().takes_values() {
            return arg;
        }
        let arg = arg.allow_negative_numbers(true);
        let is_text = arg.get_value_parser().type_id() == std::any::TypeId::of::<String>()
            && arg.get_possible_values().is_empty();
        if is_text {
            arg.value_parser(text.clone())
        } else {
            arg
        }
    })
    .mut_subcommands(|sub| with_text_parser(sub, text))
}

/// Parses the command line (any bytes) into [`Cli`]. A flag on the command
/// line beats its environment variable, wherever it stands (clap would
/// still check `STOCKFLOW_FORMAT` for a subcommand when `--format` came
/// before it, and refuse a bad value there).
pub fn parse(args: &[OsString]) -> std::result::Result<Cli, clap::Error> {
    let given = given_flags(args);
    let mut cmd = without_env(command(), &given);
    let matches = cmd.try_get_matches_from_mut(args).map_err(escaped)?;
    Cli::from_arg_matches(&matches).map_err(|e| escaped(e.with_cmd(&cmd)))
}

/// The long flags (`format` for `--format json` or `--format=json`) on the
/// command line, before any `--`.
pub fn given_flags(args: &[OsString]) -> Vec<String> {
    args.iter()
        .skip(1)
        .filter_map(|a| a.to_str())
        .take_while(|w| *w != "--")
        .filter_map(|w| w.strip_prefix("--"))
        .map(|w| w.split('=').next().unwrap_or(w).to_owned())
        .collect()
}

fn without_env(cmd: clap::Command, given: &[String]) -> clap::Command {
    cmd.mut_args(|arg| {
        let on_the_line = arg.get_long().is_some_and(|l| given.iter().any(|g| g == l));
        if on_the_line && arg.get_env().is_some() {
            arg.env(Option::<&'static str>::None)
        } else {
            arg
        }
    })
    .mut_subcommands(|sub| without_env(sub, given))
}

/// The error with every value it quotes from the command line escaped, so
/// that clap's message cannot carry a raw newline (a forged `error:` line) or
/// a terminal escape.
fn escaped(mut err: clap::Error) -> clap::Error {
    let values: Vec<(ContextKind, ContextValue)> = err
        .context()
        .map(|(kind, value)| (kind, value.clone()))
        .collect();
    for (kind, value) in values {
        let safe = match value {
            ContextValue::String(s) => ContextValue::String(stockflow::error::one_line(&s)),
            ContextValue::Strings(v) => {
                ContextValue::Strings(v.iter().map(|s| stockflow::error::one_line(s)).collect())
            }
            other => other,
        };
        err.insert(kind, safe);
    }
    err
}

/// The `--format` asked for, when the command line as a whole did not parse:
/// clap reads what it can of it (and `STOCKFLOW_FORMAT`).
pub fn requested_format(args: &[OsString]) -> Format {
    // Clap stops at an unknown subcommand (`stockflow frob --format json`), so
    // an explicit `--format` is first looked for in the words themselves.
    if let Some(format) = format_word(args) {
        return format;
    }
    // Any bytes pass as text here, so a bad value elsewhere does not hide `--format`.
    with_text_parser(Cli::command(), &ValueParser::os_string())
        .ignore_errors(true)
        .try_get_matches_from(args)
        .ok()
        .and_then(|m| m.try_get_one::<FormatArg>("format").ok().flatten().copied())
        .map_or(Format::Table, Format::from)
}

/// The last `--format F` or `--format=F` before `--`, when F is a format.
fn format_word(args: &[OsString]) -> Option<Format> {
    let words: Vec<&str> = args
        .iter()
        .skip(1)
        .map(|a| a.to_str().unwrap_or(""))
        .take_while(|w| *w != "--")
        .collect();
    let mut found = None;
    for (i, word) in words.iter().enumerate() {
        let value = match word.strip_prefix("--format") {
            Some("") => words.get(i + 1).copied(),
            Some(rest) => rest.strip_prefix('='),
            None => None,
        };
        if let Some(format) = value.and_then(Format::parse) {
            found = Some(format);
        }
    }
    found
}

/// A text value: UTF-8, or a value error naming the flag (exit 3).
#[derive(Debug, Clone, Copy)]
struct Utf8Text;

impl TypedValueParser for Utf8Text {
    type Value = String;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&Arg>,
        value: &OsStr,
    ) -> std::result::Result<String, clap::Error> {
        value.to_str().map(str::to_owned).ok_or_else(|| {
            let mut err = clap::Error::new(ErrorKind::ValueValidation).with_cmd(cmd);
            if let Some(arg) = arg {
                err.insert(
                    ContextKind::InvalidArg,
                    ContextValue::String(arg.to_string()),
                );
            }
            err.insert(
                ContextKind::InvalidValue,
                ContextValue::String(value.to_string_lossy().into_owned()),
            );
            err.insert(
                ContextKind::Custom,
                ContextValue::String("text must be UTF-8".to_owned()),
            );
            err
        })
    }
}
