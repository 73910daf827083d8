//! Quantities and deltas: whole numbers of units, range-checked before any arithmetic.

use std::str::FromStr;

use serde::Serialize;

use crate::error::{Error, Result};

/// Largest quantity or delta stockflow accepts (10^12 units).
pub const MAX_UNITS: i64 = 1_000_000_000_000;

/// Parses a whole number with an optional sign and ASCII digits (no spaces),
/// range-checked against `MAX_UNITS` before any arithmetic touches it.
fn parse_units(what: &str, text: &str) -> Result<i64> {
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::invalid(format!(
            "{what} must be a whole number: {text}"
        )));
    }
    match text.parse::<i64>() {
        Ok(n) if (-MAX_UNITS..=MAX_UNITS).contains(&n) => Ok(n),
        _ => Err(Error::invalid(format!(
            "{what} must be at most {MAX_UNITS} in size: {text}"
        ))),
    }
}

/// A count of units: a whole number >= 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct Quantity(i64);

impl Quantity {
    /// `n` units, if it is a quantity (0 to [`MAX_UNITS`]).
    pub fn new(n: i64) -> Option<Self> {
        (0..=MAX_UNITS).contains(&n).then_some(Self(n))
    }

    /// The number of units.
    pub fn get(self) -> i64 {
        self.0
    }

    /// Parses `text` as a quantity; `what` names the field in the message.
    pub fn parse(what: &str, text: &str) -> Result<Self> {
        let n = parse_units(what, text)?;
        if n < 0 {
            return Err(Error::invalid(format!(
                "{what} must not be negative: {text}"
            )));
        }
        Ok(Self(n))
    }

    /// Like `parse`, but zero is refused too.
    pub fn parse_positive(what: &str, text: &str) -> Result<Self> {
        let q = Self::parse(what, text)?;
        if q.0 == 0 {
            return Err(Error::invalid(format!(
                "{what} must be greater than 0: {text}"
            )));
        }
        Ok(q)
    }
}

/// A signed, non-zero change of stock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Delta(i64);

impl Delta {
    /// A change of `n` units, if it is one (non-zero, at most [`MAX_UNITS`] in size).
    pub fn new(n: i64) -> Option<Self> {
        (n != 0 && (-MAX_UNITS..=MAX_UNITS).contains(&n)).then_some(Self(n))
    }

    /// The signed number of units.
    pub fn get(self) -> i64 {
        self.0
    }

    /// Parses a signed whole number other than zero.
    pub fn parse(text: &str) -> Result<Self> {
        match parse_units("delta", text)? {
            0 => Err(Error::invalid("delta must not be 0")),
            n => Ok(Self(n)),
        }
    }
}

/// A quantity as text, as [`Quantity::parse`] reads it (clap's value parser).
impl FromStr for Quantity {
    type Err = Error;

    fn from_str(text: &str) -> Result<Self> {
        Self::parse("quantity", text)
    }
}

/// A delta as text, as [`Delta::parse`] reads it.
impl FromStr for Delta {
    type Err = Error;

    fn from_str(text: &str) -> Result<Self> {
        Self::parse(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::*;

    #[test]
    fn numbers_are_range_checked_before_any_arithmetic() {
        for text in [
            "-9223372036854775808",
            "9223372036854775807",
            "-1000000000001",
        ] {
            assert_eq!(Delta::parse(text).unwrap_err().exit_code(), 3, "{text}");
        }
        assert_eq!(
            Delta::parse("-1000000000000").unwrap(),
            Delta::new(-MAX_UNITS).unwrap()
        );
        assert_eq!(Delta::new(0), None);
        assert_eq!(Delta::new(MAX_UNITS + 1), None);
        assert_eq!(Quantity::new(-1), None);
        assert_eq!("12".parse::<Quantity>().unwrap().get(), 12);
        for text in [
            " 1",
            "1 ",
            "+1",
            "1.0",
            "0",
            "-1",
            "9223372036854775808",
            "١",
        ] {
            assert!(CompanyId::parse(text).is_err(), "{text:?}");
        }
        assert_eq!(CompanyId::parse("007").unwrap(), CompanyId::new(7).unwrap());
    }

    #[test]
    fn quantities_and_deltas() {
        assert_eq!(Quantity::parse("quantity", "12").unwrap().get(), 12);
        assert!(
            Quantity::parse("quantity", "-3")
                .unwrap_err()
                .to_string()
                .contains("negative")
        );
        assert!(Quantity::parse("quantity", "3.5").is_err());
        assert!(Quantity::parse("quantity", "1000000000001").is_err());
        assert!(Quantity::parse_positive("quantity", "0").is_err());
        assert_eq!(Delta::parse("-5").unwrap().get(), -5);
        assert_eq!(Delta::parse("+5").unwrap().get(), 5);
        assert!(Delta::parse("0").is_err());
        assert!(Delta::parse("five").is_err());
    }
}
