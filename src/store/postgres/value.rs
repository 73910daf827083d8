//! Values between the library and the server: rusqlite's value model (the
//! newtypes' `ToSql`/`FromSql`) converted to and from PostgreSQL's `BIGINT`,
//! `BOOLEAN`, `TEXT` and `BYTEA` on the wire, exactly or refused.

use postgres::types::{IsNull, ToSql as PgToSql, Type, to_sql_checked};
use rusqlite::types::{FromSql, ToSqlOutput, ValueRef};

use crate::error::Result;

/// A rusqlite value bound to a PostgreSQL parameter of whatever type the
/// server inferred for it, converted exactly or refused.
/// A parameter whose conversion failed is refused when bound.
#[derive(Debug)]
pub(super) enum Bind<'a> {
    Value(ToSqlOutput<'a>),
    Refused(String),
}

pub(super) fn binds<'a>(params: crate::store::Params<'a>) -> Result<Vec<Bind<'a>>> {
    params
        .iter()
        .map(|p| match p.to_sql() {
            Ok(v) => {
                let bind = Bind::Value(v);
                if let Ok(ValueRef::Text(bytes)) = bind.value() {
                    storable_text("text", &String::from_utf8_lossy(bytes))?;
                }
                Ok(bind)
            }
            Err(e) => Ok(Bind::Refused(e.to_string())),
        })
        .collect()
}

/// Refuses text with a NUL character, which a PostgreSQL `TEXT` value cannot
/// hold (the server would reject the whole statement as an encoding error):
/// the library's rule on both engines ([`crate::model::refuse_nul`]), checked
/// again on every value bound.
pub(crate) fn storable_text(what: &str, text: &str) -> Result<()> {
    crate::model::refuse_nul(what, text)
}

pub(super) fn refs<'b>(binds: &'b [Bind<'_>]) -> Vec<&'b (dyn PgToSql + Sync)> {
    binds.iter().map(|b| b as &(dyn PgToSql + Sync)).collect()
}

type BoxError = Box<dyn std::error::Error + Sync + Send>;

impl Bind<'_> {
    fn value(&self) -> Result<ValueRef<'_>, BoxError> {
        match self {
            Self::Value(ToSqlOutput::Borrowed(v)) => Ok(*v),
            Self::Value(ToSqlOutput::Owned(v)) => Ok(v.into()),
            Self::Value(_) => Err("a parameter of an unsupported kind".into()),
            Self::Refused(e) => Err(e.clone().into()),
        }
    }
}

impl PgToSql for Bind<'_> {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut postgres::types::private::BytesMut,
    ) -> Result<IsNull, BoxError> {
        match self.value()? {
            ValueRef::Null => Ok(IsNull::Yes),
            ValueRef::Integer(i) => match *ty {
                Type::INT8 => PgToSql::to_sql(&i, ty, out),
                Type::INT4 => PgToSql::to_sql(&i32::try_from(i)?, ty, out),
                Type::INT2 => PgToSql::to_sql(&i16::try_from(i)?, ty, out),
                Type::BOOL => PgToSql::to_sql(&(i != 0), ty, out),
                Type::FLOAT8 => PgToSql::to_sql(&(i as f64), ty, out),
                Type::TEXT | Type::VARCHAR | Type::NAME | Type::UNKNOWN => {
                    PgToSql::to_sql(&i.to_string().as_str(), ty, out)
                }
                _ => Err(format!("cannot store an integer in a {ty} column").into()),
            },
            ValueRef::Real(f) => match *ty {
                Type::FLOAT8 => PgToSql::to_sql(&f, ty, out),
                _ => Err(format!("cannot store a real in a {ty} column").into()),
            },
            ValueRef::Text(bytes) => match *ty {
                Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME | Type::UNKNOWN => {
                    PgToSql::to_sql(&std::str::from_utf8(bytes)?, &Type::TEXT, out)
                }
                _ => Err(format!("cannot store text in a {ty} column").into()),
            },
            ValueRef::Blob(bytes) => match *ty {
                Type::BYTEA => PgToSql::to_sql(&bytes, ty, out),
                _ => Err(format!("cannot store bytes in a {ty} column").into()),
            },
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    to_sql_checked!();
}

/// Column `i` of a PostgreSQL row as the rusqlite value it stands for, then
/// converted by `T`'s `FromSql` (so the newtypes' rules apply on both engines).
pub(crate) fn column<T: FromSql>(row: &postgres::Row, i: usize) -> rusqlite::Result<T> {
    let failed =
        |e: BoxError| rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Null, e);
    let ty = row
        .columns()
        .get(i)
        .ok_or(rusqlite::Error::InvalidColumnIndex(i))?
        .type_()
        .clone();
    let value = match ty {
        Type::INT8 => row
            .try_get::<_, Option<i64>>(i)
            .map(|v| v.map_or(ValueRef::Null, ValueRef::Integer)),
        Type::INT4 => row
            .try_get::<_, Option<i32>>(i)
            .map(|v| v.map_or(ValueRef::Null, |v| ValueRef::Integer(v.into()))),
        Type::INT2 => row
            .try_get::<_, Option<i16>>(i)
            .map(|v| v.map_or(ValueRef::Null, |v| ValueRef::Integer(v.into()))),
        Type::BOOL => row
            .try_get::<_, Option<bool>>(i)
            .map(|v| v.map_or(ValueRef::Null, |v| ValueRef::Integer(v.into()))),
        Type::FLOAT8 => row
            .try_get::<_, Option<f64>>(i)
            .map(|v| v.map_or(ValueRef::Null, ValueRef::Real)),
        Type::BYTEA => row
            .try_get::<_, Option<&[u8]>>(i)
            .map(|v| v.map_or(ValueRef::Null, ValueRef::Blob)),
        _ => row
            .try_get::<_, Option<&str>>(i)
            .map(|v| v.map_or(ValueRef::Null, |s| ValueRef::Text(s.as_bytes()))),
    }
    .map_err(|e| failed(Box::new(e)))?;
    T::column_result(value).map_err(|e| failed(Box::new(e)))
}
