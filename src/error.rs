//! The one error type. Every failure is classified once, where the value that
//! caused it is known, into a `Kind`; the kind alone decides the exit code
//! (SPEC section 6), so the table below is the only place exit codes live.

use std::fmt;
use std::sync::Arc;

use serde::Serialize;

/// What kind of failure happened; decides the exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A bug or an unexpected failure.
    Internal,
    /// The command line itself is wrong (clap's own errors).
    Usage,
    /// A value is malformed or breaks a rule.
    InvalidInput,
    /// A company, warehouse, product or supplier does not exist (or is another company's).
    NotFound,
    /// A duplicate, or not enough stock.
    Conflict,
    /// The database stayed locked past the busy timeout; safe to retry.
    Busy,
    /// Missing file, not a stockflow database, newer schema, or damage.
    Database,
    /// The reader of stdout went away (`stockflow stock history | head`): not a failure.
    BrokenPipe,
}

/// How a command ended: the one table of exit codes (SPEC section 6), as
/// fd's `ExitCode` — success, `--exit-code` finding alerts, or a failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Done (also help, version, a closed pipe).
    Success,
    /// `alerts low-stock --exit-code` found alerts (exit 10, like `git diff --exit-code`).
    HasResults,
    /// A failure of this kind.
    Failed(Kind),
}

impl Exit {
    /// The process exit status.
    pub fn code(self) -> u8 {
        match self {
            Self::Success | Self::Failed(Kind::BrokenPipe) => 0,
            Self::Failed(Kind::Internal) => 1,
            Self::Failed(Kind::Usage) => 2,
            Self::Failed(Kind::InvalidInput) => 3,
            Self::Failed(Kind::NotFound) => 4,
            Self::Failed(Kind::Conflict) => 5,
            Self::Failed(Kind::Busy) => 6,
            Self::Failed(Kind::Database) => 7,
            Self::HasResults => 10,
        }
    }
}

impl From<Exit> for std::process::ExitCode {
    fn from(exit: Exit) -> Self {
        Self::from(exit.code())
    }
}

/// A failure with its kind and a one-line message naming the value, and the
/// lower-level error it came from when there is one.
#[derive(Debug, Clone)]
pub struct Error {
    kind: Kind,
    message: String,
    source: Option<Arc<dyn std::error::Error + Send + Sync>>,
}

/// Two errors are the same when they say the same thing.
impl PartialEq for Error {
    fn eq(&self, other: &Self) -> bool {
        (self.kind, &self.message) == (other.kind, &other.message)
    }
}

impl Eq for Error {}

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// An error of `kind` with `message`.
    pub fn new(kind: Kind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: one_line(&message.into()),
            source: None,
        }
    }

    /// Keeps `source` as the cause of this error (`std::error::Error::source`).
    pub fn with_source(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.source = Some(Arc::new(source));
        self
    }

    /// A malformed value or broken rule (exit 3).
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(Kind::InvalidInput, message)
    }

    /// Something that does not exist (exit 4).
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(Kind::NotFound, message)
    }

    /// A duplicate or not enough stock (exit 5).
    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(Kind::Conflict, message)
    }

    /// A database that cannot be used (exit 7).
    pub fn database(message: impl Into<String>) -> Self {
        Self::new(Kind::Database, message)
    }

    /// The kind of failure.
    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// The message, without the `error: ` prefix.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The process exit code for this error (SPEC section 6).
    pub fn exit_code(&self) -> i32 {
        Exit::Failed(self.kind).code().into()
    }

    /// Prefixes the message with where in an input the error was found.
    pub fn context(self, place: impl fmt::Display) -> Self {
        Self {
            message: one_line(&format!("{place}: {}", self.message)),
            ..self
        }
    }
}

/// Longest message, in characters; a longer one keeps its start and end.
const MAX_MESSAGE: usize = 400;

/// A message safe for a terminal and a log: control characters (C0, DEL, C1)
/// and bidirectional overrides escaped, so a value can neither move the cursor
/// nor forge a second `error:` line; at most `MAX_MESSAGE` characters, the
/// middle of a longer one replaced by `…`.
pub fn one_line(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' => escaped.push_str("\\n"),
            '\r' => escaped.push_str("\\r"),
            '\t' => escaped.push_str("\\t"),
            c if c.is_control()
                || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}') =>
            {
                escaped.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
            }
            c => escaped.push(c),
        }
    }
    let len = escaped.chars().count();
    if len <= MAX_MESSAGE {
        return escaped;
    }
    let tail = MAX_MESSAGE / 5;
    let head: String = escaped.chars().take(MAX_MESSAGE - tail - 1).collect();
    let end: String = escaped.chars().skip(len - tail).collect();
    format!("{head}…{end}")
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

impl From<csv::Error> for Error {
    fn from(err: csv::Error) -> Self {
        let place = err
            .position()
            .map(|p| format!("line {}", p.line()))
            .unwrap_or_else(|| "csv".to_owned());
        match err.kind() {
            csv::ErrorKind::Io(e) => Self::from(std::io::Error::new(e.kind(), e.to_string())),
            _ => Self::invalid(format!("{place}: malformed CSV: {err}")),
        }
    }
}

impl From<std::io::Error> for Error {
    fn from(err: std::io::Error) -> Self {
        if err.kind() == std::io::ErrorKind::BrokenPipe {
            return Self::new(Kind::BrokenPipe, "broken pipe");
        }
        Self::new(Kind::Internal, format!("i/o error: {err}"))
    }
}

impl From<serde_json::Error> for Error {
    fn from(err: serde_json::Error) -> Self {
        if err.is_io() {
            Self::from(std::io::Error::from(err))
        } else {
            Self::new(Kind::Internal, format!("json error: {err}"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exits_other_than_failures_live_in_the_same_table() {
        assert_eq!(Exit::Success.code(), 0);
        assert_eq!(Exit::HasResults.code(), 10);
        assert_eq!(Exit::Failed(Kind::Database).code(), 7);
        assert_eq!(Exit::Failed(Kind::BrokenPipe).code(), 0);
    }

    #[test]
    fn messages_are_one_escaped_short_line() {
        let e = Error::invalid("bad: a\nerror: forged\x1b]0;t\x07\u{9b}\u{7f}\u{202e}");
        assert_eq!(
            e.message(),
            "bad: a\\nerror: forged\\u{1b}]0;t\\u{7}\\u{9b}\\u{7f}\\u{202e}"
        );
        let long = Error::invalid(format!("name: {}", "é".repeat(10_000)));
        assert_eq!(long.message().chars().count(), MAX_MESSAGE);
        assert!(long.message().starts_with("name: é") && long.message().contains('…'));
        let placed = long.context("line 4");
        assert!(placed.message().starts_with("line 4: name"));
        assert_eq!(placed.message().chars().count(), MAX_MESSAGE);
    }

    proptest::proptest! {
        #[test]
        fn any_message_is_one_short_line_without_control_characters(text in "\\PC*|[\\x00-\\x{a0}\\x{2028}\\x{202e}]{0,600}") {
            let m = Error::invalid(text).message().to_owned();
            proptest::prop_assert!(!m.chars().any(char::is_control), "{m:?}");
            proptest::prop_assert!(m.chars().count() <= MAX_MESSAGE);
        }
    }

    #[test]
    fn exit_code_table_matches_the_spec() {
        for (kind, code) in [
            (Kind::Internal, 1),
            (Kind::Usage, 2),
            (Kind::InvalidInput, 3),
            (Kind::NotFound, 4),
            (Kind::Conflict, 5),
            (Kind::Busy, 6),
            (Kind::Database, 7),
            (Kind::BrokenPipe, 0),
        ] {
            assert_eq!(Error::new(kind, "x").exit_code(), code, "{kind:?}");
        }
    }

    #[test]
    fn kinds_serialize_as_the_spec_names_them() {
        let names: Vec<String> = [Kind::InvalidInput, Kind::NotFound, Kind::Busy]
            .iter()
            .map(|k| serde_json::to_string(k).unwrap())
            .collect();
        assert_eq!(names, ["\"invalid_input\"", "\"not_found\"", "\"busy\""]);
    }

    #[test]
    fn context_keeps_kind() {
        let e = Error::invalid("unknown reason").context("line 4, column reason");
        assert_eq!(e.to_string(), "line 4, column reason: unknown reason");
        assert_eq!(e.exit_code(), 3);
    }
}
