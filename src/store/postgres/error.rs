//! The server's failures as the library's [`Error`]: classified by SQLSTATE,
//! never by message text.

use std::error::Error as _;

use crate::error::{Error, Kind};

/// The innermost message of a connection failure (the server's own words
/// for a refused login; the OS's for an unreachable host).
pub(super) fn cause(err: &postgres::Error) -> String {
    if let Some(db) = err.as_db_error() {
        return db.message().to_owned();
    }
    let mut source: Option<&dyn std::error::Error> = err.source();
    let mut last = err.to_string();
    while let Some(s) = source {
        last = s.to_string();
        source = s.source();
    }
    last
}

fn sqlstate(err: &Error) -> Option<&postgres::error::SqlState> {
    std::error::Error::source(err)
        .and_then(|s| s.downcast_ref::<postgres::Error>())
        .and_then(postgres::Error::code)
}

/// Whether a query stopped because a sum passed 64 bits ("bigint out of range").
pub(crate) fn is_overflow(err: &Error) -> bool {
    sqlstate(err) == Some(&postgres::error::SqlState::NUMERIC_VALUE_OUT_OF_RANGE)
}

pub(crate) fn is_undefined_table(err: &Error) -> bool {
    sqlstate(err) == Some(&postgres::error::SqlState::UNDEFINED_TABLE)
}

pub(crate) fn is_retryable(err: &Error) -> bool {
    use postgres::error::SqlState;
    matches!(
        sqlstate(err),
        Some(&SqlState::T_R_DEADLOCK_DETECTED | &SqlState::T_R_SERIALIZATION_FAILURE)
    )
}

impl From<postgres::Error> for Error {
    /// Failures nobody classified at the call site, as for SQLite: a
    /// constraint by its SQLSTATE, a lock wait past the busy timeout (or a
    /// deadlock) is busy, a lost connection is the database's.
    fn from(err: postgres::Error) -> Self {
        use postgres::error::SqlState as S;
        let Some(db) = err.as_db_error() else {
            let message = if err.is_closed() {
                "the connection to the PostgreSQL server was lost".to_owned()
            } else {
                format!("PostgreSQL error: {}", cause(&err))
            };
            let io = err
                .source()
                .is_some_and(|s| s.downcast_ref::<std::io::Error>().is_some());
            let kind = if err.is_closed() || io {
                Kind::Database
            } else {
                Kind::Internal
            };
            return Self::new(kind, message).with_source(err);
        };
        let refused = |kind| {
            let detail = db
                .constraint()
                .map(|c| format!(" ({c})"))
                .unwrap_or_default();
            Self::new(
                kind,
                format!("refused by the database: {}{detail}", db.message()),
            )
        };
        let code = db.code().clone();
        let error = match code {
            S::CHECK_VIOLATION | S::NOT_NULL_VIOLATION => refused(Kind::InvalidInput),
            S::UNIQUE_VIOLATION => refused(Kind::Conflict),
            S::FOREIGN_KEY_VIOLATION => refused(Kind::NotFound),
            S::LOCK_NOT_AVAILABLE | S::QUERY_CANCELED => Self::new(
                Kind::Busy,
                "the database is locked by another writer; gave up waiting, try again",
            ),
            S::T_R_DEADLOCK_DETECTED | S::T_R_SERIALIZATION_FAILURE => Self::new(
                Kind::Busy,
                "the database is busy with other writers (a deadlock or serialization failure, after retries); try again",
            ),
            S::NUMERIC_VALUE_OUT_OF_RANGE => refused(Kind::InvalidInput),
            S::UNDEFINED_TABLE => Self::database(format!(
                "the database has no stockflow schema (run `stockflow init`): {}",
                db.message()
            )),
            S::ADMIN_SHUTDOWN | S::CRASH_SHUTDOWN | S::CANNOT_CONNECT_NOW => {
                Self::database(format!("the PostgreSQL server went away: {}", db.message()))
            }
            S::READ_ONLY_SQL_TRANSACTION | S::INSUFFICIENT_PRIVILEGE => {
                Self::database(format!("cannot write the database: {}", db.message()))
            }
            _ => Self::new(Kind::Internal, format!("database error: {}", db.message())),
        };
        error.with_source(err)
    }
}
