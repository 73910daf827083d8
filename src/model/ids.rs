//! Integer ids of the tenants and what they own: positive, parsed from ASCII digits only.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize};

use crate::error::{Error, Result};

macro_rules! id_type {
    ($name:ident, $what:literal) => {
        #[doc = concat!("The integer id of a ", $what, ".")]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
        #[serde(transparent)]
        pub struct $name(i64);

        impl $name {
            /// The id `n`, which must be positive; the message names the value.
            pub fn new(n: i64) -> Result<Self> {
                if n > 0 {
                    Ok(Self(n))
                } else {
                    Err(Error::invalid(format!(
                        concat!($what, " id must be a positive integer: {}"),
                        n
                    )))
                }
            }

            /// The integer.
            pub fn get(self) -> i64 {
                self.0
            }

            /// Parses a positive integer id; the message names the value.
            pub fn parse(text: &str) -> Result<Self> {
                parse_id(concat!($what, " id"), text).map(Self)
            }
        }

        /// From a JSON integer (an API body), checked as [`Self::parse`] checks text.
        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
                Self::new(i64::deserialize(d)?).map_err(serde::de::Error::custom)
            }
        }

        /// Text, as [`Self::parse`] reads it (clap's value parser).
        impl FromStr for $name {
            type Err = Error;

            fn from_str(text: &str) -> Result<Self> {
                Self::parse(text)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

id_type!(CompanyId, "company");
id_type!(WarehouseId, "warehouse");
id_type!(SupplierId, "supplier");
id_type!(ProductId, "product");
id_type!(OrderId, "purchase order");

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_in_json_are_positive_integers_as_in_text() {
        let id: WarehouseId = serde_json::from_str("7").unwrap();
        assert_eq!(id.get(), 7);
        assert_eq!("7".parse::<WarehouseId>().unwrap(), id);
        assert_eq!(WarehouseId::new(0).unwrap_err().exit_code(), 3);
        for (bad, shown) in [("0", "0"), ("-3", "-3")] {
            let err = serde_json::from_str::<WarehouseId>(bad).unwrap_err();
            assert!(
                err.to_string()
                    .starts_with(&format!("warehouse id must be a positive integer: {shown}")),
                "{err}"
            );
        }
        for bad in ["1.5", "\"7\"", "null"] {
            assert!(serde_json::from_str::<WarehouseId>(bad).is_err(), "{bad}");
        }
    }
}
