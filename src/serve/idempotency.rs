//! `Idempotency-Key` on POSTs. The key, a hash of the request and the
//! response are stored in the same transaction as the request's writes, so
//! either both are durable or neither: a retry after a lost answer gets the
//! stored answer and writes nothing; the same key with another request is 409.
//! Only successful answers are stored (a refused request wrote nothing, so
//! running it again is safe). Keys older than 24 hours are removed by the
//! next keyed write of the same company.

use axum::body::Bytes;
use axum::extract::{FromRequest, MatchedPath, Request};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use super::body;
use super::error::ApiError;
use crate::error::{Error, Result};
use crate::model::{CompanyId, Timestamp};
use crate::store::{Tx, idempotency as stored};

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

/// What every POST handler reads the same way (axum's
/// customize-extractor-error pattern): the body's bytes (413 / 400 as
/// [`body::bytes`] says) and its `Idempotency-Key` with the hash of the
/// request it was sent with: method, route (as matched, not as typed by
/// hand) and body. The key's own error is kept, so a handler reports a bad
/// body before a bad key, as before.
#[derive(Debug)]
pub(crate) struct Keyed {
    /// The body.
    pub bytes: Bytes,
    /// The key and the request's hash, if a key was sent.
    pub key: Result<Option<(Key, [u8; 32])>, ApiError>,
}

impl<S: Send + Sync> FromRequest<S> for Keyed {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let route = format!(
            "{} {}",
            req.method(),
            req.extensions()
                .get::<MatchedPath>()
                .map_or_else(|| req.uri().path(), MatchedPath::as_str)
        );
        let sent = key(req.headers());
        let bytes = body::bytes(Bytes::from_request(req, state).await)?;
        let request = crate::ops::token::hash([route.as_bytes(), b"\n", &bytes].concat());
        Ok(Self {
            key: sent.map(|k| k.map(|k| (k, request))),
            bytes,
        })
    }
}

/// A successful answer to a write, as stored and replayed.
#[derive(Debug, Clone)]
pub(crate) struct Reply(stored::Stored);

impl Reply {
    /// `value` as JSON under `status`.
    pub fn json<T: Serialize>(status: StatusCode, value: &T) -> Result<Self> {
        Ok(Self(stored::Stored {
            status: status.as_u16(),
            body: serde_json::to_string(value)?,
            location: None,
        }))
    }

    /// With a `Location` header.
    pub fn located(self, location: String) -> Self {
        Self(stored::Stored {
            location: Some(location),
            ..self.0
        })
    }
}

impl IntoResponse for Reply {
    fn into_response(self) -> Response {
        let Self(stored) = self;
        let status = StatusCode::from_u16(stored.status).unwrap_or(StatusCode::OK);
        let mut response = (
            status,
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            )],
            stored.body,
        )
            .into_response();
        if let Some(loc) = stored.location.and_then(|l| HeaderValue::try_from(l).ok()) {
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
    stored::lock(tx, company, key)?;
    if let Some((hash, answer)) = stored::find(tx, company, key)? {
        if hash == request {
            return Ok(Reply(answer));
        }
        return Err(Error::conflict(format!(
            "Idempotency-Key {key} was already used for another request"
        )));
    }
    stored::forget_before(tx, company, now.plus_days(-KEEP_DAYS))?;
    let reply = write()?;
    stored::remember(tx, company, key, &request, &reply.0, now)?;
    Ok(reply)
}
