//! The store's own value currency, the same on both engines: a parameter is
//! bound as a [`Value`] ([`ToValue`]), a column is read from one
//! ([`FromValue`]). Each engine converts between these and its driver's
//! values in its own module (`sqlite::value`, `postgres::value`), exactly or
//! refused; above them nothing names a driver.

use crate::model::{
    CompanyId, Money, OrderId, ProductId, Reason, Sku, SupplierId, Timestamp, WarehouseId,
};

/// A value borrowed from a parameter or a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Value<'a> {
    /// SQL `NULL`.
    Null,
    /// A 64-bit integer (`INTEGER` / `BIGINT`).
    Int(i64),
    /// A boolean (PostgreSQL's `BOOLEAN`; SQLite stores it as 0 or 1).
    Bool(bool),
    /// UTF-8 text.
    Text(&'a str),
    /// Bytes (`BLOB` / `BYTEA`).
    Blob(&'a [u8]),
}

/// A value that owns its text or bytes: a row `copy` moves between engines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Owned {
    /// SQL `NULL`.
    Null,
    /// A 64-bit integer.
    Int(i64),
    /// A boolean.
    Bool(bool),
    /// UTF-8 text.
    Text(String),
    /// Bytes.
    Blob(Vec<u8>),
}

impl Owned {
    /// The value, borrowed.
    pub fn as_value(&self) -> Value<'_> {
        match self {
            Self::Null => Value::Null,
            Self::Int(i) => Value::Int(*i),
            Self::Bool(b) => Value::Bool(*b),
            Self::Text(t) => Value::Text(t),
            Self::Blob(b) => Value::Blob(b),
        }
    }
}

impl Value<'_> {
    /// What kind of value this is, for a message.
    pub fn kind(self) -> &'static str {
        match self {
            Self::Null => "NULL",
            Self::Int(_) => "an integer",
            Self::Bool(_) => "a boolean",
            Self::Text(_) => "text",
            Self::Blob(_) => "bytes",
        }
    }
}

/// A type bound as a query parameter.
pub trait ToValue {
    /// The value to bind.
    fn to_value(&self) -> Value<'_>;
}

/// A type read from a column; the error says why the stored value does not
/// fit (the row names the column).
pub trait FromValue: Sized {
    /// The typed value of a stored one.
    fn from_value(value: Value<'_>) -> Result<Self, String>;
}

/// Query parameters: `params![a, b]`.
pub type Params<'p> = &'p [&'p dyn ToValue];

/// The parameters of one statement, bound in order: `params![company, sku]`.
macro_rules! params {
    ($($p:expr),* $(,)?) => {
        &[$(&$p as &dyn $crate::store::ToValue),*] as $crate::store::Params<'_>
    };
}
pub(crate) use params;

fn unexpected<T>(wanted: &str, value: Value<'_>) -> Result<T, String> {
    Err(format!("expected {wanted}, found {}", value.kind()))
}

impl<T: ToValue + ?Sized> ToValue for &T {
    fn to_value(&self) -> Value<'_> {
        (**self).to_value()
    }
}

impl<T: ToValue> ToValue for Option<T> {
    fn to_value(&self) -> Value<'_> {
        self.as_ref().map_or(Value::Null, ToValue::to_value)
    }
}

impl<T: FromValue> FromValue for Option<T> {
    fn from_value(value: Value<'_>) -> Result<Self, String> {
        match value {
            Value::Null => Ok(None),
            v => T::from_value(v).map(Some),
        }
    }
}

impl ToValue for i64 {
    fn to_value(&self) -> Value<'_> {
        Value::Int(*self)
    }
}

impl FromValue for i64 {
    fn from_value(value: Value<'_>) -> Result<Self, String> {
        match value {
            Value::Int(i) => Ok(i),
            v => unexpected("an integer", v),
        }
    }
}

/// The narrower integers, as 64-bit ones (and read back within their range).
macro_rules! narrow_int {
    ($($t:ty),*) => {$(
        impl ToValue for $t {
            fn to_value(&self) -> Value<'_> {
                Value::Int(i64::from(*self))
            }
        }

        impl FromValue for $t {
            fn from_value(value: Value<'_>) -> Result<Self, String> {
                let i = i64::from_value(value)?;
                <$t>::try_from(i).map_err(|_| format!("{i} is out of range"))
            }
        }
    )*};
}

narrow_int!(i32, u16, u32);

impl ToValue for bool {
    fn to_value(&self) -> Value<'_> {
        Value::Bool(*self)
    }
}

/// A boolean, or an integer as SQLite stores one (any non-zero is true).
impl FromValue for bool {
    fn from_value(value: Value<'_>) -> Result<Self, String> {
        match value {
            Value::Bool(b) => Ok(b),
            Value::Int(i) => Ok(i != 0),
            v => unexpected("a boolean", v),
        }
    }
}

impl ToValue for str {
    fn to_value(&self) -> Value<'_> {
        Value::Text(self)
    }
}

impl ToValue for String {
    fn to_value(&self) -> Value<'_> {
        Value::Text(self)
    }
}

impl FromValue for String {
    fn from_value(value: Value<'_>) -> Result<Self, String> {
        match value {
            Value::Text(t) => Ok(t.to_owned()),
            v => unexpected("text", v),
        }
    }
}

impl ToValue for [u8] {
    fn to_value(&self) -> Value<'_> {
        Value::Blob(self)
    }
}

impl ToValue for Vec<u8> {
    fn to_value(&self) -> Value<'_> {
        Value::Blob(self)
    }
}

impl<const N: usize> ToValue for [u8; N] {
    fn to_value(&self) -> Value<'_> {
        Value::Blob(self)
    }
}

impl FromValue for Vec<u8> {
    fn from_value(value: Value<'_>) -> Result<Self, String> {
        match value {
            Value::Blob(b) => Ok(b.to_vec()),
            v => unexpected("bytes", v),
        }
    }
}

impl FromValue for Owned {
    fn from_value(value: Value<'_>) -> Result<Self, String> {
        Ok(match value {
            Value::Null => Self::Null,
            Value::Int(i) => Self::Int(i),
            Value::Bool(b) => Self::Bool(b),
            Value::Text(t) => Self::Text(t.to_owned()),
            Value::Blob(b) => Self::Blob(b.to_vec()),
        })
    }
}

/// The ids as their integers.
macro_rules! id_value {
    ($($name:ident),*) => {$(
        impl ToValue for $name {
            fn to_value(&self) -> Value<'_> {
                Value::Int(self.get())
            }
        }

        impl FromValue for $name {
            fn from_value(value: Value<'_>) -> Result<Self, String> {
                $name::new(i64::from_value(value)?).map_err(|e| e.message().to_owned())
            }
        }
    )*};
}

id_value!(CompanyId, WarehouseId, SupplierId, ProductId, OrderId);

/// Money as integer cents, in its range.
impl ToValue for Money {
    fn to_value(&self) -> Value<'_> {
        Value::Int(self.cents())
    }
}

impl FromValue for Money {
    fn from_value(value: Value<'_>) -> Result<Self, String> {
        let cents = i64::from_value(value)?;
        Self::from_cents(cents).ok_or_else(|| format!("{cents} cents is out of range"))
    }
}

/// A time as Unix seconds.
impl ToValue for Timestamp {
    fn to_value(&self) -> Value<'_> {
        Value::Int(self.unix_seconds())
    }
}

impl FromValue for Timestamp {
    fn from_value(value: Value<'_>) -> Result<Self, String> {
        i64::from_value(value).map(Timestamp::from_unix_seconds)
    }
}

/// A reason as its name.
impl ToValue for Reason {
    fn to_value(&self) -> Value<'_> {
        Value::Text(self.as_str())
    }
}

impl FromValue for Reason {
    fn from_value(value: Value<'_>) -> Result<Self, String> {
        match value {
            Value::Text(t) => Reason::ALL
                .into_iter()
                .find(|r| r.as_str() == t)
                .ok_or_else(|| format!("not a reason: {t}")),
            v => unexpected("a reason", v),
        }
    }
}

/// A SKU as its text.
impl ToValue for Sku {
    fn to_value(&self) -> Value<'_> {
        Value::Text(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_read_back_as_their_types_or_say_why_not() {
        assert_eq!(i64::from_value(Value::Int(-3)), Ok(-3));
        assert_eq!(bool::from_value(Value::Int(1)), Ok(true));
        assert_eq!(bool::from_value(Value::Int(0)), Ok(false));
        assert_eq!(bool::from_value(Value::Bool(true)), Ok(true));
        assert_eq!(Option::<i64>::from_value(Value::Null), Ok(None));
        assert_eq!(
            i64::from_value(Value::Text("7")),
            Err("expected an integer, found text".to_owned())
        );
        assert_eq!(
            Money::from_value(Value::Int(-1)),
            Err("-1 cents is out of range".to_owned())
        );
        assert_eq!(
            Reason::from_value(Value::Text("gift")),
            Err("not a reason: gift".to_owned())
        );
        assert_eq!(Reason::from_value(Value::Text("sale")), Ok(Reason::Sale));
        let owned = Owned::from_value(Value::Text("x")).unwrap();
        assert_eq!(owned.as_value(), Value::Text("x"));
        assert_eq!(WarehouseId::new(4).ok().to_value(), Value::Int(4));
        assert_eq!(None::<WarehouseId>.to_value(), Value::Null);
    }
}
