//! The store's values ([`Value`]) as rusqlite's and back: a boolean is
//! stored as 0 or 1, text must be UTF-8 to be read, and a real number
//! (which no stockflow column holds) is refused.

use rusqlite::types::{ToSqlOutput, ValueRef};

use crate::error::Result;
use crate::store::{Params, Value};

/// A store value bound as a rusqlite parameter.
#[derive(Debug, Clone, Copy)]
pub(super) struct Bound<'a>(pub(super) Value<'a>);

impl rusqlite::ToSql for Bound<'_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::Borrowed(match self.0 {
            Value::Null => ValueRef::Null,
            Value::Int(i) => ValueRef::Integer(i),
            Value::Bool(b) => ValueRef::Integer(b.into()),
            Value::Text(t) => ValueRef::Text(t.as_bytes()),
            Value::Blob(b) => ValueRef::Blob(b),
        }))
    }
}

/// The parameters of a statement, bound; text with a NUL character is
/// refused, on SQLite as the PostgreSQL engine does for every value it binds:
/// neither engine stores one ([`crate::model::refuse_nul`]), so every file
/// copies to a server.
pub(super) fn binds<'a>(params: Params<'a>) -> Result<Vec<Bound<'a>>> {
    params
        .iter()
        .map(|p| {
            let value = p.to_value();
            if let Value::Text(t) = value {
                crate::model::refuse_nul("text", t)?;
            }
            Ok(Bound(value))
        })
        .collect()
}

/// A value rusqlite read, as the store's.
pub(super) fn read(value: ValueRef<'_>) -> std::result::Result<Value<'_>, String> {
    match value {
        ValueRef::Null => Ok(Value::Null),
        ValueRef::Integer(i) => Ok(Value::Int(i)),
        ValueRef::Real(f) => Err(format!("a real number ({f}), which no column holds")),
        ValueRef::Text(t) => std::str::from_utf8(t)
            .map(Value::Text)
            .map_err(|e| format!("text that is not valid UTF-8 ({e})")),
        ValueRef::Blob(b) => Ok(Value::Blob(b)),
    }
}
