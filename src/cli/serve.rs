//! `serve`: the HTTP API on the same database.

use std::io::ErrorKind;
use std::net::SocketAddr;
use std::time::Duration;

use clap::Args;
use stockflow::Exit;
use stockflow::error::{Error, Kind, Result};
use stockflow::serve::{self, Limits, State};

use super::App;

/// Serve the HTTP API (SPEC section 9) until SIGINT or SIGTERM
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  stockflow serve
  STOCKFLOW_LISTEN=0.0.0.0:8080 stockflow serve --db /var/lib/stockflow/stock.db

Prints `listening on http://ADDR` on stdout once ready (with port 0, the
port chosen), then one line per request on stderr. Plain HTTP: put TLS in a
reverse proxy in front.")]
pub struct ServeArgs {
    /// Address and port to listen on
    #[arg(
        long,
        value_name = "ADDR",
        env = "STOCKFLOW_LISTEN",
        default_value = "127.0.0.1:8080",
        value_parser = listen_addr
    )]
    listen: SocketAddr,
    /// Most queued writes committed together in one transaction (1: one each)
    #[arg(long, value_name = "N", env = "STOCKFLOW_GROUP_MAX", default_value_t = serve::GROUP_MAX)]
    group_max: usize,
    /// Milliseconds a connection may take to send a request head (default 10 s)
    #[arg(long, hide = true, value_name = "MS", env = "STOCKFLOW_HEADER_TIMEOUT_MS", value_parser = millis())]
    header_timeout_ms: Option<u64>,
    /// Milliseconds a request body may pause (default 10 s)
    #[arg(long, hide = true, value_name = "MS", env = "STOCKFLOW_BODY_TIMEOUT_MS", value_parser = millis())]
    body_timeout_ms: Option<u64>,
    /// Milliseconds a request may take in all (default 60 s)
    #[arg(long, hide = true, value_name = "MS", env = "STOCKFLOW_REQUEST_TIMEOUT_MS", value_parser = millis())]
    request_timeout_ms: Option<u64>,
    /// Most connections open at once (default 1024)
    #[arg(long, hide = true, value_name = "N", env = "STOCKFLOW_MAX_CONNECTIONS",
          value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    max_connections: Option<u64>,
    /// Milliseconds a stop waits for requests in flight (default 20 s)
    #[arg(long, hide = true, value_name = "MS", env = "STOCKFLOW_DRAIN_MS", value_parser = millis())]
    drain_ms: Option<u64>,
}

/// An address to listen on: IP and port.
fn listen_addr(text: &str) -> std::result::Result<SocketAddr, String> {
    text.parse()
        .map_err(|_| "listen address must be IP:PORT such as 127.0.0.1:8080".to_owned())
}

/// Whole milliseconds, 1 ms to one hour.
fn millis() -> clap::builder::RangedU64ValueParser {
    clap::value_parser!(u64).range(1..=3_600_000)
}

impl ServeArgs {
    /// The transport's limits: SPEC section 9's, as the hidden options
    /// (for tests, and operators who must) change them.
    fn limits(&self) -> Limits {
        let d = Limits::default();
        let ms = |v: Option<u64>, default: Duration| v.map_or(default, Duration::from_millis);
        Limits {
            header_timeout: ms(self.header_timeout_ms, d.header_timeout),
            body_timeout: ms(self.body_timeout_ms, d.body_timeout),
            request_timeout: ms(self.request_timeout_ms, d.request_timeout),
            max_connections: self
                .max_connections
                .and_then(|n| usize::try_from(n).ok())
                .unwrap_or(d.max_connections),
            drain: ms(self.drain_ms, d.drain),
        }
    }
}

pub fn run(args: ServeArgs, app: &App) -> Result<Exit> {
    let addr = args.listen;
    let state = State::open(&app.db, app.busy_timeout, args.group_max)?;
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(app.stderr_tty)
        .with_target(false)
        .init();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::new(Kind::Internal, format!("cannot start the runtime: {e}")))?;
    let limits = args.limits();
    let done = runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|e| cannot_listen(addr, &e))?;
        let bound = listener.local_addr()?;
        let stop = serve::shutdown()?;
        let mut out = app.out();
        out.line(&format!("listening on http://{bound}"))?;
        out.finish()?;
        serve::run(listener, state, limits, stop).await?;
        tracing::info!("stopped");
        Ok(Exit::Success)
    });
    // Work of requests that were cancelled ends at its next step; a
    // statement that ignores the cancel does not keep the process alive.
    runtime.shutdown_timeout(Duration::from_secs(2));
    done
}

/// The address cannot be listened on: in use, not this machine's, or a
/// port this user may not open are the `--listen` value's fault (exit 3);
/// anything else is unexpected.
fn cannot_listen(addr: SocketAddr, e: &std::io::Error) -> Error {
    let why = match e.kind() {
        ErrorKind::AddrInUse => "the address is in use (another server listens there)",
        ErrorKind::AddrNotAvailable => "the address is not one of this machine's",
        ErrorKind::PermissionDenied => "this user may not listen on that port",
        _ => return Error::new(Kind::Internal, format!("cannot listen on {addr}: {e}")),
    };
    Error::invalid(format!(
        "cannot listen on {addr}: {why}; choose another --listen (or STOCKFLOW_LISTEN)"
    ))
}
