//! Library errors as HTTP answers (SPEC 9): the CLI's body
//! `{"error": {"kind": ..., "message": ...}}` under the status of its kind.
//! Failures nobody classified are logged in full and answered with a
//! generic message, so no SQL, path or stack ever reaches a client.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::{Error, Kind};

/// An error answer.
#[derive(Debug)]
pub(crate) struct ApiError {
    status: StatusCode,
    kind: &'static str,
    message: String,
}

impl ApiError {
    fn new(status: StatusCode, kind: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            kind,
            message: message.into(),
        }
    }

    /// 400: the body is not JSON, has an unknown key, or the query is malformed.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_input", message)
    }

    /// 422: a value breaks a rule.
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_input", message)
    }

    /// 401, with `WWW-Authenticate: Bearer`.
    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthorized", message)
    }

    /// 404 for a route that does not exist.
    pub fn no_route(path: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("no route {path}"),
        )
    }

    /// 405.
    pub fn method_not_allowed(method: &str, path: &str) -> Self {
        Self::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            format!("{method} is not allowed on {path}"),
        )
    }

    /// 413.
    pub fn too_large() -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            "the body is larger than 16 MiB",
        )
    }

    /// 408: the body stopped arriving.
    pub fn body_timed_out(pause: std::time::Duration) -> Self {
        Self::new(
            StatusCode::REQUEST_TIMEOUT,
            "timeout",
            format!(
                "the body stopped arriving (nothing for {} ms, or too slow in all); send it again",
                pause.as_millis()
            ),
        )
    }

    /// 503: the request took longer than the server's request timeout.
    pub fn timed_out(timeout: std::time::Duration) -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "busy",
            format!(
                "the request took longer than {} ms; retry after a moment (with the same Idempotency-Key)",
                timeout.as_millis()
            ),
        )
    }

    /// The same error, its message prefixed with where it was found.
    pub fn at(self, place: &str) -> Self {
        Self {
            message: format!("{place}: {}", self.message),
            ..self
        }
    }

    /// 500; the detail goes to the log only.
    pub fn internal(detail: impl Into<String>) -> Self {
        let detail = detail.into();
        tracing::error!("{detail}");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "internal error (details are in the server log)",
        )
    }
}

impl From<Error> for ApiError {
    fn from(err: Error) -> Self {
        let status = match err.kind() {
            Kind::InvalidInput => StatusCode::UNPROCESSABLE_ENTITY,
            Kind::NotFound => StatusCode::NOT_FOUND,
            Kind::Conflict => StatusCode::CONFLICT,
            Kind::Busy => StatusCode::SERVICE_UNAVAILABLE,
            Kind::Internal | Kind::Usage | Kind::Database | Kind::BrokenPipe => {
                return Self::internal(format!("{:?}: {}", err.kind(), err.message()));
            }
        };
        let kind = match err.kind() {
            Kind::InvalidInput => "invalid_input",
            Kind::NotFound => "not_found",
            Kind::Conflict => "conflict",
            _ => {
                // The library's busy message names the file; a client gets none.
                return Self::new(
                    status,
                    "busy",
                    "the database is busy with another writer; retry after a moment",
                );
            }
        };
        Self::new(status, kind, err.message())
    }
}

/// Every error answer: `{"error": {"kind": ..., "message": ...}}`.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ErrorBody {
    error: ErrorDetail,
}

/// What went wrong.
#[derive(Debug, Serialize, ToSchema)]
struct ErrorDetail {
    /// invalid_input, unauthorized, not_found, method_not_allowed, conflict,
    /// too_large, timeout, busy or internal
    kind: &'static str,
    /// One line naming the value.
    message: String,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: ErrorDetail {
                kind: self.kind,
                message: self.message,
            },
        };
        let mut response = (self.status, axum::Json(body)).into_response();
        let headers = response.headers_mut();
        if self.status == StatusCode::UNAUTHORIZED {
            headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        if self.status == StatusCode::SERVICE_UNAVAILABLE {
            headers.insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_library_kind_has_its_status() {
        for (kind, status) in [
            (Kind::InvalidInput, 422),
            (Kind::NotFound, 404),
            (Kind::Conflict, 409),
            (Kind::Busy, 503),
            (Kind::Internal, 500),
            (Kind::Database, 500),
        ] {
            let e = ApiError::from(Error::new(kind, "x /secret/path.db"));
            assert_eq!(e.status.as_u16(), status, "{kind:?}");
            assert_eq!(e.message.contains("/secret"), ![500, 503].contains(&status));
        }
    }
}
