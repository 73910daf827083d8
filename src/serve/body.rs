//! Reading request bodies and query strings into the library's types.
//!
//! A body that is not JSON, or has a key the route does not know, is 400
//! (like an unknown CSV column); a value that breaks a rule is 422 with the
//! CLI's message. Money is read from the JSON text itself (a string
//! `"19.90"` or a number `19.9`), never through a binary float, so `19.999`
//! is refused, not rounded.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::http::StatusCode;

use serde::Deserialize;
use serde::de::{DeserializeOwned, IgnoredAny};
use serde_json::value::RawValue;

use super::error::ApiError;
use crate::error::{Error, Result};
use crate::model::{Money, Quantity, Timestamp};

/// A request body with a fixed set of keys.
pub(crate) trait Body: DeserializeOwned {
    /// Every key the body may carry.
    const KEYS: &'static [&'static str];
}

/// The body's bytes, or 413 / 400.
pub(crate) fn bytes(body: Result<Bytes, BytesRejection>) -> Result<Bytes, ApiError> {
    body.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::too_large()
        } else {
            ApiError::bad_request(format!("cannot read the body: {e}"))
        }
    })
}

/// One JSON object of type `T`.
pub(crate) fn object<T: Body>(bytes: &[u8]) -> Result<T, ApiError> {
    let raw: Box<RawValue> = serde_json::from_slice(bytes)
        .map_err(|e| ApiError::bad_request(format!("the body is not JSON: {e}")))?;
    parse_raw(&raw)
}

/// One JSON object of type `T`, or an array of them.
pub(crate) fn one_or_many<T: Body>(bytes: &[u8]) -> Result<Vec<T>, ApiError> {
    let raw: Box<RawValue> = serde_json::from_slice(bytes)
        .map_err(|e| ApiError::bad_request(format!("the body is not JSON: {e}")))?;
    if !raw.get().starts_with('[') {
        return Ok(vec![parse_raw(&raw)?]);
    }
    let items: Vec<Box<RawValue>> =
        serde_json::from_str(raw.get()).map_err(|e| ApiError::bad_request(e.to_string()))?;
    if items.is_empty() {
        return Err(ApiError::invalid("the array must hold at least one object"));
    }
    items
        .iter()
        .enumerate()
        .map(|(i, item)| parse_raw(item).map_err(|e| e.at(&format!("item {}", i + 1))))
        .collect()
}

fn parse_raw<T: Body>(raw: &RawValue) -> Result<T, ApiError> {
    let keys: HashMap<String, IgnoredAny> = serde_json::from_str(raw.get())
        .map_err(|_| ApiError::invalid("the body must be a JSON object"))?;
    let mut unknown: Vec<&String> = keys
        .keys()
        .filter(|k| !T::KEYS.contains(&k.as_str()))
        .collect();
    unknown.sort();
    if let Some(key) = unknown.first() {
        return Err(ApiError::bad_request(format!(
            "unknown key {key:?} (expected {})",
            T::KEYS.join(", ")
        )));
    }
    let de = &mut serde_json::Deserializer::from_str(raw.get());
    serde_path_to_error::deserialize(de).map_err(|e| {
        let message = serde_message(e.inner());
        match e.path().to_string().as_str() {
            "." => ApiError::invalid(message),
            key => ApiError::invalid(format!("{key}: {message}")),
        }
    })
}

/// serde's message without its " at line 1 column 9" tail.
fn serde_message(e: &serde_json::Error) -> String {
    let text = e.to_string();
    let text = match text.rfind(" at line ") {
        Some(i) => &text[..i],
        None => &text,
    };
    text.replace("expected i64", "expected a whole number")
}

/// Money from its JSON text: a string, or a number read as written.
pub(crate) fn money(what: &str, raw: &RawValue) -> Result<Money> {
    let text = raw.get();
    if text.starts_with('"') {
        let s: String = serde_json::from_str(text)
            .map_err(|_| Error::invalid(format!("{what} must be a decimal number: {text}")))?;
        return Money::parse(what, &s);
    }
    if text.starts_with(|c: char| c == '-' || c.is_ascii_digit()) {
        return Money::parse(what, text);
    }
    Err(Error::invalid(format!(
        "{what} must be a decimal number such as 19.90 or \"19.90\": {text}"
    )))
}

/// A count of units given as a JSON integer, checked like the CLI's.
pub(crate) fn quantity(what: &str, n: i64) -> Result<Quantity> {
    Quantity::parse(what, &n.to_string())
}

/// An optional time, as the CLI reads `--at`.
pub(crate) fn time(text: Option<&str>) -> Result<Option<Timestamp>> {
    text.map(Timestamp::parse).transpose()
}

/// The query string, refusing unknown parameters (400).
pub(crate) fn query<T: DeserializeOwned>(
    q: Result<axum::extract::Query<T>, QueryRejection>,
) -> Result<T, ApiError> {
    q.map(|axum::extract::Query(v)| v).map_err(|e| {
        let text = e.body_text();
        let text = text
            .strip_prefix("Failed to deserialize query string: ")
            .unwrap_or(&text);
        ApiError::bad_request(format!("bad query string: {text}"))
    })
}

/// One path segment as text (`{sku}`, `{company_id}`). A segment that is
/// not UTF-8 once percent-decoded is 400 with the JSON error body, not
/// axum's plain-text rejection.
#[derive(Debug)]
pub(crate) struct Segment(pub String);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for Segment {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> std::result::Result<Self, ApiError> {
        match axum::extract::Path::<String>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(s)) => Ok(Self(s)),
            Err(e) if e.status().is_client_error() => Err(ApiError::bad_request(format!(
                "the path is not valid UTF-8 once decoded: {}",
                parts.uri.path()
            ))),
            Err(e) => Err(ApiError::internal(format!("path: {}", e.body_text()))),
        }
    }
}

/// Deserializes a present key (even `null`) as `Some`, so `Option<Option<T>>`
/// tells "absent" (keep) from `null` (clear).
pub(crate) fn present<'de, D, T>(d: D) -> std::result::Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    T::deserialize(d).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(text: &str) -> Box<RawValue> {
        RawValue::from_string(text.to_owned()).unwrap()
    }

    #[test]
    fn money_is_read_from_its_decimal_text() {
        assert_eq!(money("price", &raw("0.1")).unwrap().cents(), 10);
        assert_eq!(money("price", &raw("\"19.90\"")).unwrap().cents(), 1990);
        assert_eq!(money("price", &raw("19.9")).unwrap().cents(), 1990);
        assert_eq!(
            money("price", &raw("19.999")).unwrap_err().message(),
            "price must have at most 2 decimal places: 19.999"
        );
        for bad in ["1e3", "-1", "true", "null", "\"abc\"", "99999999999"] {
            assert!(money("price", &raw(bad)).is_err(), "{bad}");
        }
    }
}
