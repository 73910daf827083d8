//! `Idempotency-Key` on POSTs. The key, a hash of the request and the
//! response are stored in the same transaction as the request's writes, so
//! either both are durable or neither: a retry after a lost answer gets the
//! stored answer and writes nothing; the same key with another request is 409.
//! Only successful answers are stored (a refused request wrote nothing, so
//! running it again is safe). Keys older than 24 hours are removed by the
//! next keyed write of the same company.

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use rusqlite::params;
use serde::Serialize;

use super::error::ApiError;
use crate::error::{Error, Result};
use crate::model::{CompanyId, Timestamp};
use crate::store::Tx;

/// How long a key is kept, at least.
const KEEP_DAYS: i64 = 1;

/// A validated key: 1–255 visible ASCII characters.
#[derive(Debug, Clone)]
pub(crate) struct Key(String);

/// The `Idempotency-Key` header, if present.
pub(crate) fn key(headers: &HeaderMap) -> Result<Option<Key>, ApiError> {
    let mut all = headers.get_all("idempotency-key").iter();
    let Some(value) = all.next() else {
        return Ok(None);
    };
    if all.next().is_some() {
        return Err(ApiError::invalid("Idempotency-Key must be given once"));
    }
    let bytes = value.as_bytes();
    if bytes.is_empty() || bytes.len() > 255 || !bytes.iter().all(|b| (0x21..=0x7e).contains(b)) {
        return Err(ApiError::invalid(format!(
            "Idempotency-Key must be 1-255 visible ASCII characters: {:?}",
            String::from_utf8_lossy(bytes)
        )));
    }
    Ok(Some(Key(String::from_utf8_lossy(bytes).into_owned())))
}

/// A successful answer to a write, as stored and replayed.
#[derive(Debug, Clone)]
pub(crate) struct Reply {
    status: u16,
    body: String,
    location: Option<String>,
}

impl Reply {
    /// `value` as JSON under `status`.
    pub fn json<T: Serialize>(status: StatusCode, value: &T) -> Result<Self> {
        Ok(Self {
            status: status.as_u16(),
            body: serde_json::to_string(value)?,
            location: None,
        })
    }

    /// With a `Location` header.
    pub fn located(self, location: String) -> Self {
        Self {
            location: Some(location),
            ..self
        }
    }
}

impl IntoResponse for Reply {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::OK);
        let mut response = (
            status,
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            )],
            self.body,
        )
            .into_response();
        if let Some(loc) = self.location.and_then(|l| HeaderValue::try_from(l).ok()) {
            response.headers_mut().insert(header::LOCATION, loc);
        }
        response
    }
}

/// Runs `write` once per key: inside the caller's transaction `tx`, a known
/// key replays its stored reply, a new one stores `write`'s reply.
pub(crate) fn once(
    tx: &Tx<'_>,
    company: CompanyId,
    key: Option<&Key>,
    request: Option<[u8; 32]>,
    now: Timestamp,
    write: impl FnOnce() -> Result<Reply>,
) -> Result<Reply> {
    let (Some(Key(key)), Some(request)) = (key, request) else {
        return write();
    };
    // Requests with one key queue here, so the second sees the first's reply.
    tx.lock_key(&format!("idempotency {company} {key}"))?;
    let stored = tx.query_opt(
        "SELECT request_hash, status, body, location FROM idempotency_key
         WHERE company_id = ?1 AND key = ?2",
        params![company, key],
        |r| {
            Ok((
                r.get::<Vec<u8>>(0)?,
                Reply {
                    status: r.get(1)?,
                    body: r.get(2)?,
                    location: r.get(3)?,
                },
            ))
        },
    )?;
    if let Some((hash, reply)) = stored {
        if hash == request {
            return Ok(reply);
        }
        return Err(Error::conflict(format!(
            "Idempotency-Key {key} was already used for another request"
        )));
    }
    tx.execute(
        "DELETE FROM idempotency_key WHERE company_id = ?1 AND created_at < ?2",
        params![company, now.plus_days(-KEEP_DAYS)],
    )?;
    let reply = write()?;
    tx.execute(
        "INSERT INTO idempotency_key (company_id, key, request_hash, status, body, location, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            company,
            key,
            request.as_slice(),
            reply.status,
            reply.body,
            reply.location,
            now
        ],
    )?;
    Ok(reply)
}
