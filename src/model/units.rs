//! Quantities and deltas: whole numbers of units, range-checked before any arithmetic.

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
pub struct Quantity(pub i64);

impl Quantity {
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
pub struct Delta(pub i64);

impl Delta {
    /// Parses a signed whole number other than zero.
    pub fn parse(text: &str) -> Result<Self> {
        match parse_units("delta", text)? {
            0 => Err(Error::invalid("delta must not be 0")),
            n => Ok(Self(n)),
        }
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
        assert_eq!(Delta::parse("-1000000000000").unwrap(), Delta(-MAX_UNITS));
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
        assert_eq!(CompanyId::parse("007").unwrap(), CompanyId(7));
    }

    #[test]
    fn quantities_and_deltas() {
        assert_eq!(Quantity::parse("quantity", "12").unwrap(), Quantity(12));
        assert!(
            Quantity::parse("quantity", "-3")
                .unwrap_err()
                .to_string()
                .contains("negative")
        );
        assert!(Quantity::parse("quantity", "3.5").is_err());
        assert!(Quantity::parse("quantity", "1000000000001").is_err());
        assert!(Quantity::parse_positive("quantity", "0").is_err());
        assert_eq!(Delta::parse("-5").unwrap(), Delta(-5));
        assert_eq!(Delta::parse("+5").unwrap(), Delta(5));
        assert!(Delta::parse("0").is_err());
        assert!(Delta::parse("five").is_err());
    }
}
