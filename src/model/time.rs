//! Timestamps: whole UTC seconds, parsed from RFC 3339 or a date.

use std::fmt;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Serialize, Serializer};

use crate::error::{Error, Result};

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

    /// A time as stored: seconds since the Unix epoch.
    pub fn from_unix_seconds(secs: i64) -> Self {
        Self(secs)
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
