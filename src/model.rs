//! Validated newtypes. Text from the command line or a CSV file becomes one of
//! these at the edge, so the rest of the library never sees an invalid SKU, a
//! rounded price or a local time. Each binds straight to SQL.

use std::fmt;

use caseless::Caseless;
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::ToSql;
use rusqlite::types::{FromSql, FromSqlResult, ToSqlOutput, ValueRef};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::{Serialize, Serializer};
use unicode_normalization::UnicodeNormalization;

use crate::error::{Error, Result};

pub mod record;

/// Largest quantity or delta stockflow accepts (10^12 units).
pub const MAX_UNITS: i64 = 1_000_000_000_000;
const MAX_CENTS: i64 = 9_999_999_999;

macro_rules! id_type {
    ($name:ident, $what:literal) => {
        #[doc = concat!("The integer id of a ", $what, ".")]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl $name {
            /// Parses a positive integer id; the message names the value.
            pub fn parse(text: &str) -> Result<Self> {
                parse_id(concat!($what, " id"), text).map(Self)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl ToSql for $name {
            fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
                self.0.to_sql()
            }
        }

        impl FromSql for $name {
            fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
                i64::column_result(value).map(Self)
            }
        }
    };
}

id_type!(CompanyId, "company");
id_type!(WarehouseId, "warehouse");
id_type!(SupplierId, "supplier");
id_type!(ProductId, "product");

/// Parses ASCII digits only (no sign, no space, no `1.0`), positive, within `i64`.
fn parse_id(what: &str, text: &str) -> Result<i64> {
    let digits = !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
    match text.parse::<i64>() {
        Ok(n) if digits && n > 0 => Ok(n),
        _ => Err(Error::invalid(format!(
            "{what} must be a positive integer: {text}"
        ))),
    }
}

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

impl ToSql for Money {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        self.0.to_sql()
    }
}

impl FromSql for Money {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        let cents = i64::column_result(value)?;
        Self::from_cents(cents).ok_or(rusqlite::types::FromSqlError::OutOfRange(cents))
    }
}

/// A stock-keeping unit: 1–64 characters, no whitespace, control or invisible
/// characters, not starting with a spreadsheet formula sign (`= + - @`).
/// Two SKUs are the same when their keys (NFKC case folding, see `key`) are equal.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Sku(String);

impl Sku {
    /// Validates `text` as a SKU.
    pub fn parse(text: &str) -> Result<Self> {
        let len = text.chars().count();
        if len == 0 {
            return Err(Error::invalid("sku must not be empty"));
        }
        if len > 64 {
            return Err(Error::invalid(format!(
                "sku must be at most 64 characters ({len} given): {text}"
            )));
        }
        if text.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(Error::invalid(format!(
                "sku must not contain whitespace or control characters: {text:?}"
            )));
        }
        if let Some(c) = text.chars().find(|c| invisible(*c)) {
            return Err(Error::invalid(format!(
                "sku must not contain invisible or bidirectional characters (U+{:04X}): {text:?}",
                u32::from(c)
            )));
        }
        if text.starts_with(['=', '+', '-', '@']) {
            return Err(Error::invalid(format!(
                "sku must not start with =, +, - or @ (a spreadsheet would read it as a formula): {text}"
            )));
        }
        Ok(Self(text.to_owned()))
    }

    /// The SKU as given.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The form that uniqueness and look-ups compare: Unicode compatibility
    /// caseless matching (UAX #15 / Unicode ch. 3.13, D146) composed to NFKC,
    /// so `ß`/`SS`, `ς`/`Σ`, `Å`/`A`+ring and full-width `ＡＢ`/`AB` are one SKU.
    pub fn key(&self) -> String {
        sku_key(&self.0)
    }
}

impl fmt::Display for Sku {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The key of a SKU as text (see [`Sku::key`]); for re-keying stored SKUs,
/// which may predate today's rules and so not parse as a [`Sku`].
pub fn sku_key(text: &str) -> String {
    text.nfd()
        .default_case_fold()
        .nfkd()
        .default_case_fold()
        .nfkc()
        .collect()
}

/// Unicode's default-ignorable code points (DerivedCoreProperties.txt): the
/// zero-width, bidirectional, soft-hyphen, variation-selector and filler
/// characters that render as nothing, so two SKUs that look alike would differ.
fn invisible(c: char) -> bool {
    matches!(u32::from(c),
        0x00AD | 0x034F | 0x061C | 0x115F..=0x1160 | 0x17B4..=0x17B5 | 0x180B..=0x180F
        | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x206F | 0x3164 | 0xFE00..=0xFE0F
        | 0xFEFF | 0xFFA0 | 0xFFF0..=0xFFF8 | 0x1BCA0..=0x1BCA3 | 0x1D173..=0x1D17A
        | 0xE0000..=0xE0FFF)
}

/// A point in time, in whole seconds since the Unix epoch, UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(i64);

impl Timestamp {
    /// Parses RFC 3339 (any offset) or a bare date (midnight UTC). Fractions of a second are dropped.
    pub fn parse(text: &str) -> Result<Self> {
        if let Ok(t) = DateTime::parse_from_rfc3339(text) {
            return Self::checked(t.timestamp(), text);
        }
        if let Ok(d) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            if let Some(t) = d.and_hms_opt(0, 0, 0) {
                return Self::checked(t.and_utc().timestamp(), text);
            }
        }
        Err(Error::invalid(format!(
            "time must be RFC 3339 (2026-01-15T10:00:00Z) or a date (2026-01-15): {text}"
        )))
    }

    fn checked(secs: i64, text: &str) -> Result<Self> {
        // Keep four-digit years so the printed form stays fixed-width and sortable.
        const MAX: i64 = 253_402_300_799; // 9999-12-31T23:59:59Z
        if (0..=MAX).contains(&secs) {
            Ok(Self(secs))
        } else {
            Err(Error::invalid(format!(
                "time must be between 1970-01-01 and 9999-12-31: {text}"
            )))
        }
    }

    /// The current time of a `DateTime<Utc>` clock reading.
    pub fn from_datetime(t: DateTime<Utc>) -> Self {
        Self(t.timestamp())
    }

    /// Seconds since the Unix epoch, as stored.
    pub fn unix_seconds(self) -> i64 {
        self.0
    }

    /// This time moved by whole days (negative goes back).
    pub fn plus_days(self, days: i64) -> Self {
        Self(self.0.saturating_add(days.saturating_mul(86_400)))
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match DateTime::from_timestamp(self.0, 0) {
            Some(t) => write!(f, "{}", t.format("%Y-%m-%dT%H:%M:%SZ")),
            None => write!(f, "@{}", self.0),
        }
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl ToSql for Timestamp {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        self.0.to_sql()
    }
}

impl FromSql for Timestamp {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        i64::column_result(value).map(Self)
    }
}

/// Why stock moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// Opening stock written by `product create` or `import products`.
    Initial,
    /// Goods received (delta > 0).
    Receipt,
    /// Goods returned by a customer (delta > 0).
    Return,
    /// Goods sold (delta < 0).
    Sale,
    /// Goods damaged or lost (delta < 0).
    Damage,
    /// A manual correction (either sign).
    Correction,
    /// The leaving half of a transfer.
    TransferOut,
    /// The arriving half of a transfer.
    TransferIn,
    /// The difference found by a cycle count.
    Count,
}

impl Reason {
    /// The stored and printed name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Initial => "initial",
            Self::Receipt => "receipt",
            Self::Return => "return",
            Self::Sale => "sale",
            Self::Damage => "damage",
            Self::Correction => "correction",
            Self::TransferOut => "transfer_out",
            Self::TransferIn => "transfer_in",
            Self::Count => "count",
        }
    }

    pub(crate) const ALL: [Reason; 9] = [
        Self::Initial,
        Self::Receipt,
        Self::Return,
        Self::Sale,
        Self::Damage,
        Self::Correction,
        Self::TransferOut,
        Self::TransferIn,
        Self::Count,
    ];

    /// Parses a reason a user may give to `stock adjust`.
    pub fn parse_user(text: &str) -> Result<Self> {
        match Self::ALL.into_iter().find(|r| r.as_str() == text) {
            Some(
                r @ (Self::Receipt | Self::Return | Self::Sale | Self::Damage | Self::Correction),
            ) => Ok(r),
            Some(r) => Err(Error::invalid(format!(
                "reason {} is written by stockflow itself; use receipt, return, sale, damage or correction",
                r.as_str()
            ))),
            None => Err(Error::invalid(match Self::near(text) {
                Some(near) => format!("unknown reason {text:?} (did you mean {near:?}?)"),
                None => format!(
                    "unknown reason {text:?} (use receipt, return, sale, damage or correction)"
                ),
            })),
        }
    }

    /// The user reason `text` was most likely meant to be: the same but for
    /// case, or at most two edits away (a transposition is one edit).
    fn near(text: &str) -> Option<&'static str> {
        let users = ["receipt", "return", "sale", "damage", "correction"];
        let lower = text.to_lowercase();
        users
            .into_iter()
            .map(|r| (edits(&lower, r), r))
            .filter(|(d, _)| *d <= 2)
            .min_by_key(|(d, _)| *d)
            .map(|(_, r)| r)
    }

    /// Checks the sign rule of this reason for `delta`.
    pub fn check_sign(self, delta: Delta) -> Result<()> {
        let ok = match self {
            Self::Initial | Self::Receipt | Self::Return | Self::TransferIn => delta.0 > 0,
            Self::Sale | Self::Damage | Self::TransferOut => delta.0 < 0,
            Self::Correction | Self::Count => true,
        };
        if ok {
            Ok(())
        } else {
            let sign = if delta.0 > 0 { "negative" } else { "positive" };
            Err(Error::invalid(format!(
                "a {} needs a {sign} delta: {}",
                self.as_str(),
                delta.0
            )))
        }
    }
}

impl ToSql for Reason {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.as_str()))
    }
}

impl FromSql for Reason {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        let s = value.as_str()?;
        Self::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or(rusqlite::types::FromSqlError::InvalidType)
    }
}

/// Edits (insertions, deletions, substitutions, transpositions of two
/// neighbours) between two short words: optimal string alignment distance.
fn edits(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = best;
        }
    }
    d[a.len()][b.len()]
}

/// Most characters a movement's `note` or `reference` may have (SPEC section 5).
pub const MAX_NOTE: usize = 1000;

/// Checks a movement's free text (`note`, `reference`): at most
/// [`MAX_NOTE`] characters and no NUL character (which PostgreSQL cannot
/// store, so neither engine takes it); the message names the field.
pub fn free_text(what: &str, text: Option<&str>) -> Result<()> {
    let Some(text) = text else {
        return Ok(());
    };
    let len = text.chars().count();
    if len > MAX_NOTE {
        return Err(Error::invalid(format!(
            "{what} must be at most {MAX_NOTE} characters ({len} given)"
        )));
    }
    refuse_nul(what, text)
}

/// Refuses text with a NUL character on either engine (PostgreSQL's `TEXT`
/// cannot hold one, and a file must copy to a server): invalid input naming
/// `what` and the value.
pub fn refuse_nul(what: &str, text: &str) -> Result<()> {
    if text.contains('\0') {
        return Err(Error::invalid(format!(
            "{what} cannot contain a NUL character: {text:?}"
        )));
    }
    Ok(())
}

/// Validates a required free-text field (a name): not blank, at most 200 characters.
pub fn name(what: &str, text: &str) -> Result<String> {
    if text.trim().is_empty() {
        return Err(Error::invalid(format!("{what} must not be blank")));
    }
    refuse_nul(what, text)?;
    if text.chars().count() > 200 {
        return Err(Error::invalid(format!(
            "{what} must be at most 200 characters: {text}"
        )));
    }
    Ok(text.to_owned())
}

/// Validates a product type: 1–64 characters, not blank, no control characters.
pub fn product_type(text: &str) -> Result<String> {
    if text.trim().is_empty() || text.chars().count() > 64 || text.chars().any(char::is_control) {
        return Err(Error::invalid(format!(
            "type must be 1-64 characters without control characters: {text:?}"
        )));
    }
    Ok(text.to_owned())
}

/// Validates an e-mail address loosely: `local@domain`, no whitespace.
pub fn email(text: &str) -> Result<String> {
    let ok = match text.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.is_empty()
                && !domain.contains('@')
                && !text.chars().any(|c| c.is_whitespace() || c.is_control())
        }
        None => false,
    };
    if ok {
        Ok(text.to_owned())
    } else {
        Err(Error::invalid(format!(
            "email must look like local@domain: {text}"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn an_unknown_reason_suggests_the_near_one() {
        let message = |t: &str| Reason::parse_user(t).unwrap_err().message().to_owned();
        assert_eq!(
            message("reciept"),
            "unknown reason \"reciept\" (did you mean \"receipt\"?)"
        );
        assert!(message("Sale").ends_with("(did you mean \"sale\"?)"));
        assert!(message("damge").ends_with("(did you mean \"damage\"?)"));
        assert!(message("retrun").ends_with("(did you mean \"return\"?)"));
        assert_eq!(
            message("gift"),
            "unknown reason \"gift\" (use receipt, return, sale, damage or correction)"
        );
        assert_eq!(edits("correction", "correction"), 0);
        assert_eq!(edits("ab", "ba"), 1);
        assert_eq!(edits("", "sale"), 4);
    }

    #[test]
    fn free_text_is_at_most_1000_characters_without_nul() {
        assert!(free_text("note", None).is_ok());
        assert!(free_text("note", Some(&"é".repeat(1000))).is_ok());
        let long = free_text("reference", Some(&"x".repeat(1001))).unwrap_err();
        assert_eq!(long.exit_code(), 3);
        assert_eq!(
            long.message(),
            "reference must be at most 1000 characters (1001 given)"
        );
        let nul = free_text("note", Some("a\0b")).unwrap_err();
        assert!(
            nul.message()
                .starts_with("note cannot contain a NUL character")
        );
        assert!(name("name", "a\0").is_err());
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

    #[test]
    fn sku_rules_and_case_folding() {
        assert!(Sku::parse("WID-001").is_ok());
        assert!(Sku::parse(&"x".repeat(64)).is_ok());
        assert!(
            Sku::parse(&"é".repeat(64)).is_ok(),
            "64 characters, not bytes"
        );
        for bad in ["", "A B", " A", "A\tB", "A\u{7}", "A\nB", &"x".repeat(65)] {
            assert_eq!(Sku::parse(bad).unwrap_err().exit_code(), 3, "{bad:?}");
        }
        assert_eq!(Sku::parse("Wid-Ä1").unwrap().key(), "wid-ä1");
    }

    #[test]
    fn sku_keys_are_nfkc_case_folds() {
        let key = |s: &str| Sku::parse(s).unwrap().key();
        assert_eq!(key("STRASSE"), key("straße"));
        assert_eq!(key("BOXΣ"), key("boxς"));
        assert_eq!(key("BOXΣ"), key("boxσ"));
        assert_eq!(key("\u{c5}1"), key("A\u{30a}1"));
        assert_eq!(key("ＷＩＤ-１"), "wid-1");
        assert_eq!(key("ﬁ"), "fi");
        assert_ne!(key("ıd"), key("ID"), "dotless i is its own letter");
        assert_eq!(key("Wid-Ä1"), "wid-ä1");
        let k = key("\u{1e9e}X");
        assert_eq!(
            k,
            k.to_lowercase(),
            "a key is its own lower case (schema CHECK)"
        );
    }

    #[test]
    fn skus_refuse_invisible_characters_and_formula_signs() {
        for bad in [
            "A\u{200b}B",
            "A\u{202e}B",
            "A\u{ad}B",
            "A\u{2060}B",
            "A\u{feff}B",
            "A\u{e0041}B",
            "=A",
            "+A",
            "-A",
            "@A",
        ] {
            assert_eq!(Sku::parse(bad).unwrap_err().exit_code(), 3, "{bad:?}");
        }
        assert!(Sku::parse("A-=+@1").is_ok());
    }

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

    #[test]
    fn timestamps_are_utc_seconds() {
        let t = Timestamp::parse("2026-01-15T12:00:00+02:00").unwrap();
        assert_eq!(t.to_string(), "2026-01-15T10:00:00Z");
        assert_eq!(
            Timestamp::parse("2026-01-15").unwrap().to_string(),
            "2026-01-15T00:00:00Z"
        );
        assert_eq!(
            Timestamp::parse("2026-01-15T10:00:00.9Z")
                .unwrap()
                .to_string(),
            "2026-01-15T10:00:00Z"
        );
        for bad in [
            "yesterday",
            "2026-13-01",
            "2026-01-15 10:00",
            "15/01/2026",
            "",
        ] {
            assert!(Timestamp::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn reason_sign_rules() {
        assert!(Reason::Sale.check_sign(Delta(-1)).is_ok());
        assert!(Reason::Sale.check_sign(Delta(1)).is_err());
        assert!(Reason::Receipt.check_sign(Delta(-1)).is_err());
        assert!(Reason::Correction.check_sign(Delta(-1)).is_ok());
        assert!(Reason::parse_user("initial").is_err());
        assert!(Reason::parse_user("gift").is_err());
        assert_eq!(Reason::parse_user("damage").unwrap(), Reason::Damage);
    }

    #[test]
    fn emails() {
        assert!(email("orders@supplier.com").is_ok());
        for bad in ["orders", "@x", "x@", "a b@c", "a@b@c"] {
            assert!(email(bad).is_err(), "{bad}");
        }
    }

    proptest! {
        #[test]
        fn sku_keys_are_stable_and_lower_case(text in "\\PC{1,64}") {
            if let Ok(sku) = Sku::parse(&text) {
                let key = sku.key();
                prop_assert_eq!(sku_key(&key), key.clone(), "folding a key changes nothing");
                prop_assert!(!key.chars().any(|c| c.is_ascii_uppercase()), "schema CHECK lower(): {}", key);
            }
        }

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
