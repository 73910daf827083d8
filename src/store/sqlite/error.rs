//! SQLite's failures as the library's [`Error`]: classified by error code,
//! never by message text.

use rusqlite::ErrorCode;

use crate::error::{Error, Kind};

impl From<rusqlite::Error> for Error {
    /// Failures nobody classified at the call site: busy and damaged files
    /// have kinds of their own, stored data that cannot be read is damage, a
    /// constraint is classified by its extended code (the message keeps
    /// SQLite's), everything else is unexpected.
    fn from(err: rusqlite::Error) -> Self {
        use rusqlite::Error as E;
        if let E::FromSqlConversionFailure(..)
        | E::InvalidColumnType(..)
        | E::IntegralValueOutOfRange(..)
        | E::Utf8Error(..) = err
        {
            return Self::database(format!(
                "stored data cannot be read (run `stockflow check`): {err}"
            ))
            .with_source(err);
        }
        if let E::SqliteFailure(e, _) = &err {
            if let Some(kind) = constraint_kind(e.extended_code) {
                return Self::new(kind, format!("refused by the database: {err}")).with_source(err);
            }
        }
        let code = err.sqlite_error_code();
        match code {
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => Self::new(
                Kind::Busy,
                "the database is locked by another writer; try again",
            ),
            Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt) => Self::database(format!(
                "the database file is damaged or not a database: {err}"
            )),
            Some(ErrorCode::DiskFull | ErrorCode::ReadOnly | ErrorCode::CannotOpen) => {
                Self::database(format!("cannot write the database: {err}"))
            }
            Some(ErrorCode::SystemIoFailure | ErrorCode::PermissionDenied) => {
                Self::database(format!("cannot read or write the database file: {err}"))
            }
            _ => Self::new(Kind::Internal, format!("database error: {err}")).with_source(err),
        }
    }
}

/// Whether a query stopped because a sum passed 64 bits (SQLite's "integer
/// overflow", which has no code of its own).
pub(crate) fn is_overflow(err: &Error) -> bool {
    std::error::Error::source(err)
        .and_then(|s| s.downcast_ref::<rusqlite::Error>())
        .is_some_and(|e| e.sqlite_error_code() == Some(ErrorCode::Unknown))
}

/// The kind of a constraint failure nobody classified at the call site:
/// a CHECK is a value breaking a rule, a UNIQUE or PRIMARY KEY a duplicate,
/// a FOREIGN KEY something that does not exist.
fn constraint_kind(extended_code: std::ffi::c_int) -> Option<Kind> {
    use rusqlite::ffi;
    match extended_code {
        ffi::SQLITE_CONSTRAINT_CHECK | ffi::SQLITE_CONSTRAINT_NOTNULL => Some(Kind::InvalidInput),
        ffi::SQLITE_CONSTRAINT_UNIQUE | ffi::SQLITE_CONSTRAINT_PRIMARYKEY => Some(Kind::Conflict),
        ffi::SQLITE_CONSTRAINT_FOREIGNKEY => Some(Kind::NotFound),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unclassified_constraint_failures_map_by_extended_code() {
        use rusqlite::ffi;
        for (extended, code) in [
            (ffi::SQLITE_CONSTRAINT_CHECK, 3),
            (ffi::SQLITE_CONSTRAINT_NOTNULL, 3),
            (ffi::SQLITE_CONSTRAINT_UNIQUE, 5),
            (ffi::SQLITE_CONSTRAINT_PRIMARYKEY, 5),
            (ffi::SQLITE_CONSTRAINT_FOREIGNKEY, 4),
            (ffi::SQLITE_CONSTRAINT_TRIGGER, 1),
        ] {
            let sqlite = rusqlite::Error::SqliteFailure(
                ffi::Error::new(extended),
                Some("constraint failed: t.x".to_owned()),
            );
            let err = Error::from(sqlite);
            assert_eq!(err.exit_code(), code, "extended code {extended}");
            assert!(err.message().contains("constraint failed: t.x"), "{err}");
            let source = std::error::Error::source(&err).expect("the SQLite error is kept");
            assert!(source.to_string().contains("constraint failed"), "{source}");
        }
    }

    #[test]
    fn stored_data_that_cannot_be_read_is_a_database_error() {
        let bad =
            rusqlite::Error::InvalidColumnType(0, "note".to_owned(), rusqlite::types::Type::Blob);
        assert_eq!(Error::from(bad).exit_code(), 7);
    }

    #[test]
    fn sqlite_busy_is_busy() {
        let busy = rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY),
            None,
        );
        assert_eq!(Error::from(busy).exit_code(), 6);
    }
}
