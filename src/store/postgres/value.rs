//! The store's values ([`Value`]) on the PostgreSQL wire: `BIGINT`,
//! `BOOLEAN`, `TEXT` and `BYTEA`, bound as whatever type the server inferred
//! for a parameter and read by the column's type, exactly or refused.

use postgres::types::{IsNull, ToSql as PgToSql, Type, to_sql_checked};

use crate::error::Result;
use crate::store::{Col, Params, Value};

/// A store value bound to a PostgreSQL parameter.
#[derive(Debug)]
pub(super) struct Bind<'a>(pub(super) Value<'a>);

/// The parameters of a statement, bound; text with a NUL is refused.
pub(super) fn binds<'a>(params: Params<'a>) -> Result<Vec<Bind<'a>>> {
    params
        .iter()
        .map(|p| {
            let value = p.to_value();
            if let Value::Text(t) = value {
                storable_text("text", t)?;
            }
            Ok(Bind(value))
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

pub(super) type BoxError = Box<dyn std::error::Error + Sync + Send>;

/// Writes `value` as a `ty` on the wire: an integer fits a narrower integer
/// or is refused, a boolean is stored in an integer column as 0 or 1 (and an
/// integer in a boolean one as non-zero), text goes to text only.
pub(super) fn to_wire(
    value: Value<'_>,
    ty: &Type,
    out: &mut postgres::types::private::BytesMut,
) -> Result<IsNull, BoxError> {
    match value {
        Value::Null => Ok(IsNull::Yes),
        Value::Int(i) => match *ty {
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
        Value::Bool(b) => match *ty {
            Type::BOOL => PgToSql::to_sql(&b, ty, out),
            Type::INT8 => PgToSql::to_sql(&i64::from(b), ty, out),
            Type::INT4 => PgToSql::to_sql(&i32::from(b), ty, out),
            Type::INT2 => PgToSql::to_sql(&i16::from(b), ty, out),
            _ => Err(format!("cannot store a boolean in a {ty} column").into()),
        },
        Value::Text(t) => match *ty {
            Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME | Type::UNKNOWN => {
                PgToSql::to_sql(&t, &Type::TEXT, out)
            }
            _ => Err(format!("cannot store text in a {ty} column").into()),
        },
        Value::Blob(b) => match *ty {
            Type::BYTEA => PgToSql::to_sql(&b, ty, out),
            _ => Err(format!("cannot store bytes in a {ty} column").into()),
        },
    }
}

impl PgToSql for Bind<'_> {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut postgres::types::private::BytesMut,
    ) -> Result<IsNull, BoxError> {
        to_wire(self.0, ty, out)
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    to_sql_checked!();
}

/// One row of a result.
#[derive(Debug, Clone, Copy)]
pub struct Row<'r>(pub(super) &'r postgres::Row);

impl<'r> Row<'r> {
    /// The position of a column, if the row has it.
    pub fn index(self, column: Col<'_>) -> Option<usize> {
        match column {
            Col::At(i) => (i < self.0.len()).then_some(i),
            Col::Named(name) => self.0.columns().iter().position(|c| c.name() == name),
        }
    }

    /// The name of column `i`.
    pub fn name(self, i: usize) -> &'r str {
        self.0.columns().get(i).map_or("?", |c| c.name())
    }

    /// Column `i` (a valid position) as the store's value, by its type.
    pub fn value(self, i: usize) -> std::result::Result<Value<'r>, String> {
        let row = self.0;
        let ty = row.columns()[i].type_();
        match *ty {
            Type::INT8 => row
                .try_get::<_, Option<i64>>(i)
                .map(|v| v.map_or(Value::Null, Value::Int)),
            Type::INT4 => row
                .try_get::<_, Option<i32>>(i)
                .map(|v| v.map_or(Value::Null, |v| Value::Int(v.into()))),
            Type::INT2 => row
                .try_get::<_, Option<i16>>(i)
                .map(|v| v.map_or(Value::Null, |v| Value::Int(v.into()))),
            Type::BOOL => row
                .try_get::<_, Option<bool>>(i)
                .map(|v| v.map_or(Value::Null, Value::Bool)),
            Type::BYTEA => row
                .try_get::<_, Option<&[u8]>>(i)
                .map(|v| v.map_or(Value::Null, Value::Blob)),
            _ => row
                .try_get::<_, Option<&str>>(i)
                .map(|v| v.map_or(Value::Null, Value::Text)),
        }
        .map_err(|e| e.to_string())
    }
}
