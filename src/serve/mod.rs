//! The HTTP door (SPEC section 9): `stockflow serve`.
//!
//! Routes are thin over the same [`crate::ops`] calls the CLI makes, so both
//! doors keep the same rules and print the same JSON. The library stays
//! synchronous: reads run on tokio's blocking threads, writes on the one
//! group-commit writer thread (`commit.rs`) on SQLite, or each in its own
//! transaction on a pooled connection on PostgreSQL, each with its
//! idempotency record in the same transaction. A token scopes every request
//! to its company.

mod alerts;
mod auth;
mod body;
mod commit;
mod error;
mod idempotency;
mod log;
mod meta;
mod orders;
mod plan;
mod products;
mod schema;
mod state;
mod stock;
mod suppliers;
mod transport;
mod warehouses;

use std::sync::Arc;
use std::time::Duration;

use crate::store::Tx;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{Method, Request, Uri};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use tower_http::trace::TraceLayer;

pub use commit::GROUP_MAX;
pub use meta::document;
pub use state::State;
pub use transport::Limits;

use error::ApiError;
use idempotency::Reply;
use state::Auth;

use crate::Ctx;

/// The largest request body accepted (413 beyond).
pub const MAX_BODY: usize = 16 << 20;

/// Every route, with request logging, the body limit and a timeout, under
/// SPEC section 9's [`Limits`].
pub fn app(state: Arc<State>) -> Router {
    app_with(state, Limits::default())
}

/// Like [`app`], under `limits`: a request that takes longer than
/// `limits.request_timeout` is answered 503 (the JSON error body,
/// `Retry-After: 1`) and its database work is cancelled.
pub fn app_with(state: Arc<State>, limits: Limits) -> Router {
    let timeout = limits.request_timeout;
    Router::new()
        .route("/api/health", get(meta::health))
        .route("/api/openapi.json", get(meta::openapi))
        .route("/api/products", post(products::create).get(products::list))
        .route(
            "/api/products/{sku}",
            get(products::show).patch(products::update),
        )
        .route(
            "/api/warehouses",
            get(warehouses::list).post(warehouses::create),
        )
        .route("/api/suppliers", get(suppliers::list).post(suppliers::create))
        .route("/api/stock", get(stock::list))
        .route("/api/stock/history", get(stock::history))
        .route("/api/stock/adjustments", post(stock::adjust))
        .route("/api/stock/transfers", post(stock::transfer))
        .route("/api/stock/counts", post(stock::count))
        .route(
            "/api/companies/{company_id}/reorder-plan",
            get(plan::reorder_plan),
        )
        .route(
            "/api/companies/{company_id}/alerts/low-stock",
            get(alerts::low_stock),
        )
        .route("/api/orders", get(orders::list).post(orders::create))
        .route("/api/orders/{id}", get(orders::show))
        .route("/api/orders/{id}/receipts", post(orders::receive))
        .route("/api/orders/{id}/close", post(orders::close))
        .fallback(no_route)
        .method_not_allowed_fallback(wrong_method)
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .layer(middleware::from_fn(move |req: Request<axum::body::Body>, next: Next| {
            deadline(timeout, req, next)
        }))
        .layer(middleware::from_fn(move |req: Request<axum::body::Body>, next: Next| {
            transport::read_body(limits, req, next)
        }))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|req: &Request<_>| {
                    tracing::info_span!("http", method = %req.method(), path = %log::escape(req.uri().path()))
                })
                .on_request(())
                .on_response(
                    |res: &Response, latency: Duration, _: &tracing::Span| {
                        tracing::info!(status = res.status().as_u16(), ms = latency.as_millis());
                    },
                )
                .on_failure(()),
        )
        .with_state(state)
}

/// Runs the request, or answers 503 with the error body once `timeout` has
/// passed (what the request did is not awaited; a keyed retry is safe).
async fn deadline(timeout: Duration, req: Request<axum::body::Body>, next: Next) -> Response {
    match tokio::time::timeout(timeout, next.run(req)).await {
        Ok(response) => response,
        Err(_) => ApiError::timed_out(timeout).into_response(),
    }
}

async fn no_route(uri: Uri) -> ApiError {
    ApiError::no_route(uri.path())
}

async fn wrong_method(method: Method, uri: Uri) -> ApiError {
    ApiError::method_not_allowed(method.as_str(), uri.path())
}

/// Serves [`app`] on `listener` under `limits` until `stop` resolves
/// ([`shutdown`]): requests in flight are finished (for `limits.drain` at
/// most) before it returns; idle and half-sent connections are closed.
pub async fn run(
    listener: tokio::net::TcpListener,
    state: Arc<State>,
    limits: Limits,
    stop: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    transport::run(listener, app_with(state, limits), limits, stop).await
}

/// Catches SIGINT and SIGTERM from now on (call it before saying the server
/// listens: a signal that came before its handler would kill the process
/// without a graceful stop); the future resolves on the first of them.
#[cfg(unix)]
pub fn shutdown() -> std::io::Result<impl std::future::Future<Output = ()> + Send + 'static> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut interrupt = signal(SignalKind::interrupt())?;
    let mut term = signal(SignalKind::terminate())?;
    Ok(async move {
        tokio::select! {
            _ = interrupt.recv() => {}
            _ = term.recv() => {}
        }
    })
}

/// Catches Ctrl-C; the future resolves on it.
#[cfg(not(unix))]
pub fn shutdown() -> std::io::Result<impl std::future::Future<Output = ()> + Send + 'static> {
    Ok(async {
        let _ = tokio::signal::ctrl_c().await;
    })
}

/// A write: the request's writes, with its idempotency record when keyed,
/// in one savepoint of the writer's group transaction (SQLite), or in a
/// transaction of its own (PostgreSQL).
async fn write(
    state: &Arc<State>,
    auth: Auth,
    keyed: Option<(idempotency::Key, [u8; 32])>,
    f: impl FnOnce(&Tx<'_>, &Ctx) -> crate::Result<Reply> + Send + 'static,
) -> Result<Reply, ApiError> {
    let ctx = state::ctx(auth.token);
    let job: commit::Job = Box::new(move |tx: &Tx<'_>| {
        let (key, request) = keyed.unzip();
        idempotency::once(tx, auth.company, key.as_ref(), request, ctx.now, || {
            f(tx, &ctx)
        })
    });
    match state.committer() {
        Some(committer) => committer.submit(job).await,
        None => {
            // Held while the caller waits: a request whose caller has gone
            // (disconnected, or answered 503 by the deadline) is rolled back,
            // as the group-commit writer skips it: nobody could be told it
            // was written.
            let waiting = Arc::new(());
            let caller = Arc::downgrade(&waiting);
            let gone = move || {
                (caller.strong_count() == 0)
                    .then(|| crate::Error::new(crate::Kind::Internal, "the caller has gone"))
            };
            let job = move |tx: &Tx<'_>| {
                if let Some(e) = gone() {
                    return Err(e);
                }
                let reply = job(tx)?;
                gone().map_or(Ok(reply), Err)
            };
            let reply = state::blocking(state, move |s| s.with_db(|db| db.write(job))).await;
            drop(waiting);
            reply
        }
    }
}
