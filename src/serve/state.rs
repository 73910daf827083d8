//! What every request shares: where the database is, a small pool of open
//! connections (reads; on PostgreSQL writes too), and on SQLite the
//! group-commit writer every write goes to (so this server's writers queue
//! in order inside it instead of polling SQLite's busy handler; CLI
//! processes and cron jobs still meet the writer at the file lock).

use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::{Duration, Instant};

use super::commit::Committer;
use super::error::ApiError;
use crate::Ctx;
use crate::error::{Error, Kind, Result};
use crate::model::{CompanyId, Timestamp};
use crate::ops::lookup::Tenant;
use crate::store::Db;
use crate::store::cancel::Canceller;

/// Most connections open at once (kept open between requests): a request
/// that finds them all in use waits for one, up to the busy timeout.
const POOL_SIZE: usize = 16;

/// The server's shared state.
#[derive(Debug)]
pub struct State {
    path: PathBuf,
    busy_timeout: Duration,
    pool: Mutex<Pool>,
    /// Signalled when a connection goes back to the pool.
    returned: Condvar,
    /// SQLite's group-commit writer; on PostgreSQL, whose server orders
    /// writers by row locks, each write runs on a pooled connection instead.
    committer: Option<Committer>,
}

impl State {
    /// Opens the database (so a missing or foreign file fails at start,
    /// exit 7 like any command) and starts the writer, which commits up to
    /// `group_max` queued writes in one transaction.
    pub fn open(path: &Path, busy_timeout: Duration, group_max: usize) -> Result<Arc<Self>> {
        let db = reader(path, busy_timeout)?;
        let committer = if db.wants_group_commit() {
            Some(Committer::start(Db::open(path, busy_timeout)?, group_max)?)
        } else {
            None
        };
        Ok(Arc::new(Self {
            path: path.to_owned(),
            busy_timeout,
            pool: Mutex::new(Pool {
                idle: vec![db],
                open: 1,
            }),
            returned: Condvar::new(),
            committer,
        }))
    }

    /// Runs `f` on a pooled connection: an idle one that still answers, a
    /// new one while fewer than [`POOL_SIZE`] are open, or else the first
    /// one returned within the busy timeout (busy past it, as a lock wait).
    /// While `f` runs, the request's [`Cancel`] (see [`blocking`]) can stop
    /// its statement. A connection lost under `f` (the server ended the
    /// session) is busy: safe to retry, and the next request opens anew.
    pub(crate) fn with_db<T>(&self, f: impl FnOnce(&mut Db) -> Result<T>) -> Result<T> {
        let mut db = self.live()?;
        let cancel = CURRENT.with(|c| c.borrow().clone());
        if let Some(cancel) = &cancel {
            if !cancel.arm(db.canceller()) {
                self.checkin(Some(db));
                return Err(Error::new(Kind::Internal, "the request was cancelled"));
            }
        }
        let result = f(&mut db);
        if let Some(cancel) = &cancel {
            cancel.disarm();
        }
        let lost = result.is_err() && db.is_closed();
        self.checkin(Some(db));
        if lost {
            return Err(Error::new(Kind::Busy, LOST));
        }
        result
    }

    /// A connection that answers: idle ones are tried first (one whose
    /// session the server ended is dropped), then a new one.
    fn live(&self) -> Result<Db> {
        loop {
            let Some(mut db) = self.checkout()? else {
                return reader(&self.path, self.busy_timeout)
                    .inspect_err(|_| self.checkin(None))
                    .map_err(|e| match e.kind() {
                        Kind::Database => Error::new(Kind::Busy, LOST),
                        _ => e,
                    });
            };
            if db.is_live(self.busy_timeout) {
                return Ok(db);
            }
            self.checkin(None);
            drop(db);
        }
    }

    /// An idle connection, or `None` when the caller may open one (counted
    /// as open already).
    fn checkout(&self) -> Result<Option<Db>> {
        let deadline = Instant::now() + self.busy_timeout;
        let mut pool = self.pool.lock().unwrap_or_else(PoisonError::into_inner);
        loop {
            if let Some(db) = pool.idle.pop() {
                return Ok(Some(db));
            }
            if pool.open < POOL_SIZE {
                pool.open += 1;
                return Ok(None);
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(Error::new(
                    Kind::Busy,
                    "every database connection of the server is in use; try again",
                ));
            }
            pool = self
                .returned
                .wait_timeout(pool, left)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
    }

    /// Gives a connection back (`None`: one that could not be opened); one
    /// whose session has ended is dropped, so the next request opens anew.
    fn checkin(&self, db: Option<Db>) {
        let db = db.filter(|db| !db.is_closed());
        let mut pool = self.pool.lock().unwrap_or_else(PoisonError::into_inner);
        match db {
            Some(db) => pool.idle.push(db),
            None => pool.open -= 1,
        }
        drop(pool);
        self.returned.notify_one();
    }

    /// The group-commit writer, on SQLite.
    pub(crate) fn committer(&self) -> Option<&Committer> {
        self.committer.as_ref()
    }
}

impl Drop for State {
    /// The PostgreSQL client closes its connection by blocking on a runtime
    /// of its own, which a tokio worker thread (where the last request or
    /// the end of `serve` drops the state) must not do: the pool is closed
    /// on a thread of its own.
    fn drop(&mut self) {
        let pool = self.pool.get_mut().unwrap_or_else(PoisonError::into_inner);
        let idle = std::mem::take(&mut pool.idle);
        if idle.is_empty() {
            return;
        }
        let _ = std::thread::spawn(move || drop(idle)).join();
    }
}

/// The open connections: the idle ones, and how many there are in all.
#[derive(Debug)]
struct Pool {
    idle: Vec<Db>,
    open: usize,
}

/// A pooled connection for reads, tuned to live across requests.
fn reader(path: &Path, busy_timeout: Duration) -> Result<Db> {
    let db = Db::open(path, busy_timeout)?;
    db.tune_for_long_lived_reader()?;
    Ok(db)
}

/// What a request whose connection was lost is told.
const LOST: &str = "the connection to the database was lost; retry after a moment";

thread_local! {
    /// The [`Cancel`] of the request this blocking thread runs, for
    /// [`State::with_db`] to arm with its connection.
    static CURRENT: RefCell<Option<Arc<Cancel>>> = const { RefCell::new(None) };
}

/// How a request's database work is stopped when nobody waits for it any
/// more: its client went away, its deadline passed, or the server stopped.
#[derive(Debug, Default)]
pub(crate) struct Cancel {
    /// The canceller of the connection the request is using, while it does.
    armed: Mutex<Option<Canceller>>,
    /// When the request was cancelled, if it was.
    cancelled: Mutex<Option<Instant>>,
}

impl Cancel {
    /// Holds `canceller` while the connection is the request's; false when
    /// the request was cancelled already (then nothing should run).
    fn arm(&self, canceller: Canceller) -> bool {
        let mut armed = self.armed.lock().unwrap_or_else(PoisonError::into_inner);
        *armed = Some(canceller);
        self.cancelled_at().is_none()
    }

    fn cancelled_at(&self) -> Option<Instant> {
        *self
            .cancelled
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// The connection goes back to the pool: it is no longer the request's.
    fn disarm(&self) {
        *self.armed.lock().unwrap_or_else(PoisonError::into_inner) = None;
    }

    /// Stops the work: the running statement fails, and nothing new
    /// starts. The connection stays the request's until its statement has
    /// been cancelled (so no later request's statement is hit).
    fn cancel(self: &Arc<Self>) {
        *self
            .cancelled
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Some(Instant::now());
        let me = Arc::clone(self);
        let stop = move || {
            let armed = me.armed.lock().unwrap_or_else(PoisonError::into_inner);
            if let Some(canceller) = armed.as_ref() {
                canceller.cancel();
            }
        };
        let armed = self.armed.lock().unwrap_or_else(PoisonError::into_inner);
        let blocks = armed.as_ref().is_some_and(Canceller::blocks);
        drop(armed);
        if blocks {
            // Connecting to the server must not hold a runtime thread.
            std::thread::spawn(stop);
        } else {
            stop();
        }
    }
}

/// Cancels the request's work when dropped before [`Waiting::done`]: the
/// future awaiting it was dropped (client gone, deadline, shutdown).
struct Waiting(Option<Arc<Cancel>>);

impl Waiting {
    fn done(mut self) {
        self.0 = None;
    }
}

impl Drop for Waiting {
    fn drop(&mut self) {
        if let Some(cancel) = self.0.take() {
            tracing::info!("the request is gone: its database work is cancelled");
            cancel.cancel();
        }
    }
}

/// Runs a library call on a blocking thread; if the caller stops waiting
/// (the future is dropped), the call's database statement is cancelled.
pub(crate) async fn blocking<T: Send + 'static>(
    state: &Arc<State>,
    f: impl FnOnce(&State) -> Result<T> + Send + 'static,
) -> Result<T, ApiError> {
    let state = Arc::clone(state);
    let cancel = Arc::new(Cancel::default());
    let waiting = Waiting(Some(Arc::clone(&cancel)));
    let result = tokio::task::spawn_blocking(move || {
        CURRENT.with(|c| *c.borrow_mut() = Some(Arc::clone(&cancel)));
        let result = f(&state);
        CURRENT.with(|c| *c.borrow_mut() = None);
        if let Some(at) = cancel.cancelled_at() {
            tracing::info!(
                "the cancelled database work stopped {} ms after the cancel",
                at.elapsed().as_millis()
            );
        }
        result
    })
    .await;
    waiting.done();
    result
        .map_err(|e| ApiError::internal(format!("request task failed: {e}")))?
        .map_err(ApiError::from)
}

/// The context of one request: now, and the token as the actor.
pub(crate) fn ctx(token: i64) -> Ctx {
    Ctx {
        now: now(),
        actor: format!("token:{token}"),
    }
}

/// The server is a caller like `main`: it reads the clock, once per request.
#[allow(clippy::disallowed_methods)]
pub(crate) fn now() -> Timestamp {
    Timestamp::from_datetime(chrono::Utc::now())
}

/// The company a request acts for, and the token it came with.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Auth {
    /// The token's company: every id in the request is looked up within it.
    pub company: CompanyId,
    /// The token's id (the actor of its writes).
    pub token: i64,
}

impl Auth {
    /// The request acts for the token's company: every operation is given
    /// it, and another company's rows do not exist for it.
    pub fn tenant(&self) -> Tenant {
        Tenant::Only(self.company)
    }
}
