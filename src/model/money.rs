//! Money: integer cents with an exact two-place decimal face, never a float.

use std::fmt;

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::{Serialize, Serializer};

use crate::error::{Error, Result};

const MAX_CENTS: i64 = 9_999_999_999;

/// An amount of money, held as integer cents; its face is a `Decimal` with two places.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Money(i64);

impl Money {
    /// Parses a non-negative decimal with at most two places and at most 99999999.99.
    /// Nothing is ever rounded: anything else is refused with a message naming `what`.
    pub fn parse(what: &str, text: &str) -> Result<Self> {
        let bad = |why: &str| Error::invalid(format!("{what} {why}: {text}"));
        if text.starts_with('-') {
            return Err(bad("must not be negative"));
        }
        let (whole, frac) = text.split_once('.').unwrap_or((text, ""));
        let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty() || !digits(whole) || !digits(frac) || text.ends_with('.') {
            return Err(bad("must be a decimal number such as 19.90"));
        }
        if frac.len() > 2 {
            return Err(bad("must have at most 2 decimal places"));
        }
        if whole.trim_start_matches('0').len() > 8 {
            return Err(bad("must be at most 99999999.99"));
        }
        let value: Decimal = text.parse().map_err(|_| bad("is not a decimal number"))?;
        (value * Decimal::ONE_HUNDRED)
            .to_i64()
            .and_then(Self::from_cents)
            .ok_or_else(|| bad("must be at most 99999999.99"))
    }

    /// Money from integer cents, if within range.
    pub fn from_cents(cents: i64) -> Option<Self> {
        (0..=MAX_CENTS).contains(&cents).then_some(Self(cents))
    }

    /// The amount in integer cents.
    pub fn cents(self) -> i64 {
        self.0
    }

    /// The exact decimal value, always with two places.
    pub fn to_decimal(self) -> Decimal {
        Decimal::new(self.0, 2)
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.to_decimal().fmt(f)
    }
}

impl Serialize for Money {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// A sum of money past one price's range (an order line's or an order's
/// total), in integer cents; its face is an exact two-place decimal string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Amount(i128);

impl Amount {
    /// `quantity` units at `unit` each (a quantity is at most `MAX_UNITS`,
    /// so the product fits an `i128` with room for many lines).
    pub fn of(quantity: i64, unit: Money) -> Self {
        Self(i128::from(quantity) * i128::from(unit.cents()))
    }

    /// The sum, or `None` past `i128`.
    pub fn checked_add(self, other: Self) -> Option<Self> {
        self.0.checked_add(other.0).map(Self)
    }
}

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        write!(f, "{sign}{}.{:02}", abs / 100, abs % 100)
    }
}

impl Serialize for Amount {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use rust_decimal::Decimal;

    use super::*;

    #[test]
    fn amount_multiplies_and_prints_exact_cents() {
        let price = Money::parse("cost", "11.20").unwrap();
        assert_eq!(Amount::of(48, price).to_string(), "537.60");
        assert_eq!(Amount::of(0, price).to_string(), "0.00");
        // 10^12 units at 99999999.99: 9999999999 × 10^12 cents, past i64.
        let top = Money::parse("cost", "99999999.99").unwrap();
        assert_eq!(
            Amount::of(1_000_000_000_000, top).to_string(),
            "99999999990000000000.00"
        );
        let sum =
            Amount::of(1, price).checked_add(Amount::of(2, Money::parse("c", "0.05").unwrap()));
        assert_eq!(sum.unwrap().to_string(), "11.30");
    }

    #[test]
    fn money_keeps_exact_cents() {
        for (text, shown) in [
            ("0.10", "0.10"),
            ("0.3", "0.30"),
            ("5", "5.00"),
            ("99999999.99", "99999999.99"),
            ("007.50", "7.50"),
            ("0", "0.00"),
        ] {
            assert_eq!(
                Money::parse("price", text).unwrap().to_string(),
                shown,
                "{text}"
            );
        }
        assert_eq!(Money::parse("price", "19.90").unwrap().cents(), 1990);
    }

    #[test]
    fn money_refuses_rather_than_rounds() {
        for (text, why) in [
            ("19.999", "at most 2 decimal places"),
            ("-1", "must not be negative"),
            ("1e3", "decimal number"),
            ("abc", "decimal number"),
            ("NaN", "decimal number"),
            ("", "decimal number"),
            (".5", "decimal number"),
            ("5.", "decimal number"),
            ("+5", "decimal number"),
            (" 5", "decimal number"),
            ("1,5", "decimal number"),
            ("100000000.00", "at most 99999999.99"),
            ("123456789012345678901234567890", "at most 99999999.99"),
        ] {
            let err = Money::parse("price", text).unwrap_err();
            assert_eq!(err.exit_code(), 3, "{text}");
            assert!(err.to_string().contains(why), "{text}: {err}");
            assert!(err.to_string().starts_with("price "), "{err}");
        }
    }

    proptest! {
        #[test]
        fn any_valid_price_round_trips(whole in 0u64..=99_999_999, frac in proptest::option::of(0u32..100), one_digit in any::<bool>()) {
            let text = match frac {
                None => whole.to_string(),
                Some(f) if one_digit => format!("{whole}.{}", f % 10),
                Some(f) => format!("{whole}.{f:02}"),
            };
            let m = Money::parse("price", &text).unwrap();
            let back: Decimal = text.parse().unwrap();
            prop_assert_eq!(m.to_decimal(), back);
            prop_assert_eq!(Money::parse("price", &m.to_string()).unwrap(), m);
            prop_assert_eq!(m.to_string().split_once('.').unwrap().1.len(), 2);
        }
    }
}
