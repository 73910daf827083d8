//! SKUs: validated text, compared by their NFKC case-folded key.

use std::fmt;

use caseless::Caseless;
use unicode_normalization::UnicodeNormalization;

use crate::error::{Error, Result};

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

/// Text, as [`Sku::parse`] reads it (clap's value parser).
impl std::str::FromStr for Sku {
    type Err = Error;

    fn from_str(text: &str) -> Result<Self> {
        Self::parse(text)
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

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

    proptest! {
        #[test]
        fn sku_keys_are_stable_and_lower_case(text in "\\PC{1,64}") {
            if let Ok(sku) = Sku::parse(&text) {
                let key = sku.key();
                prop_assert_eq!(sku_key(&key), key.clone(), "folding a key changes nothing");
                prop_assert!(!key.chars().any(|c| c.is_ascii_uppercase()), "schema CHECK lower(): {}", key);
            }
        }
    }
}
