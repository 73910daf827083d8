//! The HTTP transport (SPEC section 9, "Transport"): hyper's HTTP/1.1
//! connections under the limits that keep one client from stopping the
//! server, and the graceful stop.
//!
//! - A connection that has not sent a whole request head within
//!   [`Limits::header_timeout`] is closed (hyper's header read timeout).
//! - At most [`Limits::max_connections`] connections are open; further
//!   clients wait in the listen backlog until a slot frees, which the header
//!   timeout bounds: a client is answered at the latest one header timeout
//!   after it connected, however many half-sent connections hold the slots.
//! - A body is read before the handler runs ([`read_body`]): a declared
//!   length over [`super::MAX_BODY`] is 413 before a byte of it is read (so
//!   no `100 Continue`), a body that stops arriving is 408.
//! - A request is in flight from its whole body until its answer is
//!   written. On stop, connections without a request in flight (idle, or
//!   still sending a head or a body) are closed at once; the others finish
//!   their request, for [`Limits::drain`] at most, and are then closed, which
//!   cancels their database work.

use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::http::{HeaderValue, Request, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http_body_util::BodyExt;
use hyper::body::{Frame, Incoming, SizeHint};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, watch};
use tokio::task::JoinSet;
use tokio::time::Instant;
use tower::ServiceExt;

use super::MAX_BODY;
use super::error::ApiError;

/// The transport's limits; [`Limits::default`] is SPEC section 9's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// How long a connection may take to send a whole request head.
    pub header_timeout: Duration,
    /// How long a request body may pause between two pieces.
    pub body_timeout: Duration,
    /// How long a request may take in all before it is answered (503 once
    /// its body has arrived, 408 while the body is still coming).
    pub request_timeout: Duration,
    /// Most connections open at once.
    pub max_connections: usize,
    /// How long a stop waits for requests in flight.
    pub drain: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(60),
            max_connections: 1024,
            drain: Duration::from_secs(20),
        }
    }
}

/// Serves `app` on `listener` until `stop` resolves, then stops as the
/// module says and returns.
pub async fn run(
    listener: TcpListener,
    app: Router,
    limits: Limits,
    stop: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let slots = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let (stopping, stopped) = watch::channel(false);
    let mut connections = JoinSet::new();
    tokio::pin!(stop);
    loop {
        let slot = tokio::select! {
            slot = Arc::clone(&slots).acquire_owned() => slot,
            () = &mut stop => break,
        };
        let Ok(slot) = slot else { break };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of descriptors, or a client that left at once:
                    // the server goes on.
                    tracing::warn!("cannot accept a connection: {e}");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut stop => break,
        };
        while connections.try_join_next().is_some() {}
        let stopped = stopped.clone();
        connections.spawn(connection(stream, peer, app.clone(), limits, stopped, slot));
    }
    drop(listener);
    stopping.send_replace(true);
    let drained = tokio::time::timeout(limits.drain, async {
        while connections.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        tracing::warn!(
            "{} requests were still running after {} ms: closed, their database work cancelled",
            connections.len(),
            limits.drain.as_millis()
        );
        connections.shutdown().await;
    }
    Ok(())
}

/// Serves one connection; see the module for what a stop does to it.
async fn connection(
    stream: TcpStream,
    peer: SocketAddr,
    app: Router,
    limits: Limits,
    mut stopped: watch::Receiver<bool>,
    _slot: OwnedSemaphorePermit,
) {
    let requests = InFlight::default();
    let service = {
        let requests = requests.clone();
        hyper::service::service_fn(move |mut req: Request<Incoming>| {
            req.extensions_mut().insert(requests.clone());
            app.clone().oneshot(req.map(Body::new))
        })
    };
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout);
    let conn = http.serve_connection(TokioIo::new(stream), service);
    tokio::pin!(conn);
    tokio::select! {
        ended = conn.as_mut() => return closed(peer, ended, limits),
        _ = stopped.wait_for(|stop| *stop) => {}
    }
    if requests.count() == 0 {
        return;
    }
    conn.as_mut().graceful_shutdown();
    closed(peer, conn.await, limits);
}

/// Logs a connection that hyper ended with an error: a head that did not
/// arrive in time, or one it refused (answered by hyper itself, 400 or 431
/// with an empty body, before any route or this server's error body).
fn closed(peer: SocketAddr, ended: Result<(), hyper::Error>, limits: Limits) {
    let Err(e) = ended else { return };
    if e.is_timeout() {
        tracing::info!(
            "closed a connection from {peer}: no whole request head within {} ms",
            limits.header_timeout.as_millis()
        );
    } else if e.is_parse() || e.is_parse_status() {
        tracing::info!("refused a request from {peer} (answered by hyper): {e}");
    } else {
        tracing::debug!("a connection from {peer} ended: {e}");
    }
}

/// How many of a connection's requests are in flight (their body read,
/// their answer not yet written).
#[derive(Debug, Clone, Default)]
struct InFlight(Arc<AtomicUsize>);

impl InFlight {
    fn count(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }

    fn enter(self) -> Entered {
        self.0.fetch_add(1, Ordering::SeqCst);
        Entered(self)
    }
}

/// A request in flight, until dropped.
#[derive(Debug)]
struct Entered(InFlight);

impl Drop for Entered {
    fn drop(&mut self) {
        self.0.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Reads the whole body (see the module), then runs the request with it.
pub(crate) async fn read_body(limits: Limits, req: Request<Body>, next: Next) -> Response {
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_BODY as u64) {
        let continues = req
            .headers()
            .get(header::EXPECT)
            .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"100-continue"));
        if !continues {
            // The client is sending it anyway: read (and drop) some of it,
            // so it can read the answer before the connection closes
            // instead of meeting a reset in the middle of its upload.
            tokio::spawn(discard(req.into_body(), limits));
        }
        return closing(ApiError::too_large());
    }
    let (mut parts, body) = req.into_parts();
    let bytes = match collect(body, limits).await {
        Ok(bytes) => bytes,
        Err(e) => return closing(e),
    };
    let entered = parts.extensions.remove::<InFlight>().map(InFlight::enter);
    let response = next
        .run(Request::from_parts(parts, Body::from(bytes)))
        .await;
    match entered {
        // Held until the answer's body is written (or dropped).
        Some(entered) => response.map(|body| {
            Body::new(Holding {
                body,
                _entered: entered,
            })
        }),
        None => response,
    }
}

/// The body, at most [`MAX_BODY`] bytes, each piece within the body
/// timeout and all of it within the request timeout.
async fn collect(mut body: Body, limits: Limits) -> Result<Bytes, ApiError> {
    let deadline = Instant::now() + limits.request_timeout;
    let mut bytes = Vec::new();
    loop {
        let wait = limits
            .body_timeout
            .min(deadline.saturating_duration_since(Instant::now()));
        let frame = match tokio::time::timeout(wait, body.frame()).await {
            Err(_) => return Err(ApiError::body_timed_out(limits.body_timeout)),
            Ok(None) => return Ok(Bytes::from(bytes)),
            Ok(Some(frame)) => {
                frame.map_err(|e| ApiError::bad_request(format!("cannot read the body: {e}")))?
            }
        };
        if let Ok(data) = frame.into_data() {
            if bytes.len() + data.len() > MAX_BODY {
                return Err(ApiError::too_large());
            }
            bytes.extend_from_slice(&data);
        }
    }
}

/// Reads and drops up to [`DISCARDED`] bytes of a body that will not be
/// used, each piece within the body timeout.
async fn discard(mut body: Body, limits: Limits) {
    let mut read = 0;
    while read < DISCARDED {
        match tokio::time::timeout(limits.body_timeout, body.frame()).await {
            Ok(Some(Ok(frame))) => read += frame.data_ref().map_or(0, Bytes::len),
            _ => return,
        }
    }
}

/// How much of a refused body is read before the connection is closed.
const DISCARDED: usize = 2 * MAX_BODY;

/// An answer's body that keeps its request in flight until it is written
/// (or dropped); otherwise the body itself, its length included.
struct Holding {
    body: Body,
    _entered: Entered,
}

impl hyper::body::Body for Holding {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        Pin::new(&mut self.body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}

/// An error answer that also closes the connection: the rest of the body
/// is not read.
fn closing(error: ApiError) -> Response {
    let mut response = error.into_response();
    response
        .headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    response
}
