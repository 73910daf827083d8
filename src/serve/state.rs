//! What every request shares: where the database is, a small pool of open
//! connections, and the lock that queues this server's writers.
//!
//! Writers of this process take `writer` before `BEGIN IMMEDIATE`, so they
//! queue in order inside the server instead of all polling SQLite's busy
//! handler; CLI processes and cron jobs still meet them at the file lock.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use super::error::ApiError;
use crate::Ctx;
use crate::db::Db;
use crate::error::Result;
use crate::model::{CompanyId, Timestamp};

/// Connections kept open between requests.
const POOL_SIZE: usize = 16;

/// The server's shared state.
#[derive(Debug)]
pub struct State {
    path: PathBuf,
    busy_timeout: Duration,
    pool: Mutex<Vec<Db>>,
    writer: Mutex<()>,
}

impl State {
    /// Opens the database once (so a missing or foreign file fails at start,
    /// exit 7 like any command) and keeps that connection for the pool.
    pub fn open(path: &Path, busy_timeout: Duration) -> Result<Arc<Self>> {
        let db = Db::open(path, busy_timeout)?;
        Ok(Arc::new(Self {
            path: path.to_owned(),
            busy_timeout,
            pool: Mutex::new(vec![db]),
            writer: Mutex::new(()),
        }))
    }

    /// Runs `f` on a pooled connection (opened on demand).
    pub(crate) fn with_db<T>(&self, f: impl FnOnce(&mut Db) -> Result<T>) -> Result<T> {
        let pooled = self
            .pool
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop();
        let mut db = match pooled {
            Some(db) => db,
            None => Db::open(&self.path, self.busy_timeout)?,
        };
        let result = f(&mut db);
        let mut pool = self.pool.lock().unwrap_or_else(PoisonError::into_inner);
        if pool.len() < POOL_SIZE {
            pool.push(db);
        }
        result
    }

    /// Like `with_db`, holding the writer lock.
    pub(crate) fn with_writer<T>(&self, f: impl FnOnce(&mut Db) -> Result<T>) -> Result<T> {
        let _turn = self.writer.lock().unwrap_or_else(PoisonError::into_inner);
        self.with_db(f)
    }
}

/// Runs a library call on a blocking thread.
pub(crate) async fn blocking<T: Send + 'static>(
    state: &Arc<State>,
    f: impl FnOnce(&State) -> Result<T> + Send + 'static,
) -> Result<T, ApiError> {
    let state = Arc::clone(state);
    tokio::task::spawn_blocking(move || f(&state))
        .await
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
