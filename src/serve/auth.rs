//! `Authorization: Bearer TOKEN`: the extractor every `/api/` route but
//! health and the OpenAPI document takes. Whatever is wrong with the token
//! (missing, malformed, unknown, revoked, expired) the answer is the same
//! 401, so a caller learns nothing about which tokens exist.

use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;

use super::error::ApiError;
use super::state::{Auth, State, blocking, now};
use crate::ops::token;

impl FromRequestParts<Arc<State>> for Auth {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<State>,
    ) -> Result<Self, Self::Rejection> {
        let mut headers = parts.headers.get_all(header::AUTHORIZATION).iter();
        let header = headers
            .next()
            .ok_or_else(|| ApiError::unauthorized("an Authorization: Bearer token is required"))?;
        if headers.next().is_some() {
            // Which one would a proxy in front have checked? Neither is taken.
            return Err(ApiError::unauthorized(
                "two Authorization headers: send exactly one (Bearer TOKEN)",
            ));
        }
        let secret = header
            .to_str()
            .ok()
            .and_then(bearer)
            .map(str::to_owned)
            .ok_or_else(|| {
                ApiError::unauthorized("the Authorization header must be: Bearer TOKEN")
            })?;
        let found = blocking(state, move |s| {
            s.with_db(|db| db.read(|tx| token::authenticate(tx, &secret, now())))
        })
        .await?;
        let t = found
            .ok_or_else(|| ApiError::unauthorized("the token is unknown, revoked or expired"))?;
        Ok(Self {
            company: t.company_id,
            token: t.id,
        })
    }
}

/// The token of `Bearer TOKEN`; the scheme is case-insensitive (RFC 9110).
fn bearer(header: &str) -> Option<&str> {
    let (scheme, token) = header.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}
