//! `serve`: the HTTP API on the same database.

use std::net::SocketAddr;

use clap::Args;
use stockflow::Exit;
use stockflow::error::{Error, Kind, Result};
use stockflow::serve::{self, State};

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
        default_value = "127.0.0.1:8080"
    )]
    listen: String,
    /// Most queued writes committed together in one transaction (1: one each)
    #[arg(long, value_name = "N", env = "STOCKFLOW_GROUP_MAX", default_value_t = serve::GROUP_MAX)]
    group_max: usize,
}

pub fn run(args: ServeArgs, app: &App) -> Result<Exit> {
    let addr: SocketAddr = args.listen.parse().map_err(|_| {
        Error::invalid(format!(
            "listen address must be IP:PORT such as 127.0.0.1:8080: {}",
            args.listen
        ))
    })?;
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
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|e| Error::new(Kind::Internal, format!("cannot listen on {addr}: {e}")))?;
        let bound = listener.local_addr()?;
        let stop = serve::shutdown()?;
        let mut out = app.out();
        out.line(&format!("listening on http://{bound}"))?;
        out.finish()?;
        serve::run(listener, state, stop).await?;
        tracing::info!("stopped: every request in flight was answered");
        Ok(Exit::Success)
    })
}
