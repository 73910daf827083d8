//! What every request shares: where the database is, a small pool of open
//! connections for reads, and the group-commit writer every write goes to
//! (so this server's writers queue in order inside it instead of polling
//! SQLite's busy handler; CLI processes and cron jobs still meet the writer
//! at the file lock).

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use super::commit::Committer;
use super::error::ApiError;
use crate::Ctx;
use crate::error::Result;
use crate::model::{CompanyId, Timestamp};
use crate::store::{Db, Engine};

/// Connections kept open between requests.
const POOL_SIZE: usize = 16;

/// The server's shared state.
#[derive(Debug)]
pub struct State {
    path: PathBuf,
    busy_timeout: Duration,
    pool: Mutex<Vec<Db>>,
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
        let committer = match db.engine() {
            Engine::Sqlite => Some(Committer::start(Db::open(path, busy_timeout)?, group_max)?),
            Engine::Postgres => None,
        };
        Ok(Arc::new(Self {
            path: path.to_owned(),
            busy_timeout,
            pool: Mutex::new(vec![db]),
            committer,
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
            None => reader(&self.path, self.busy_timeout)?,
        };
        let result = f(&mut db);
        let mut pool = self.pool.lock().unwrap_or_else(PoisonError::into_inner);
        if pool.len() < POOL_SIZE {
            pool.push(db);
        }
        result
    }

    /// The group-commit writer, on SQLite.
    pub(crate) fn committer(&self) -> Option<&Committer> {
        self.committer.as_ref()
    }
}

impl Drop for State {
    /// Closes the pooled connections on a thread of their own: the last
    /// handle on the state goes away inside the async runtime at shutdown,
    /// where a PostgreSQL client cannot close (it blocks on a runtime of its
    /// own, and tokio refuses a runtime inside a runtime: a panic, exit 1).
    fn drop(&mut self) {
        let pool = std::mem::take(self.pool.get_mut().unwrap_or_else(PoisonError::into_inner));
        if pool.iter().any(|db| db.engine() == Engine::Postgres) {
            let _ = std::thread::spawn(move || drop(pool)).join();
        }
    }
}

/// A pooled connection for reads. It lives across requests, so it maps the
/// file (`mmap_size`): pages are read through the OS page cache without a
/// copy or a system call per page, which a one-shot CLI process cannot reuse.
fn reader(path: &Path, busy_timeout: Duration) -> Result<Db> {
    let db = Db::open(path, busy_timeout)?;
    if let Db::Sqlite(file) = &db {
        file.conn()
            .query_row("PRAGMA mmap_size = 1073741824", [], |_| Ok(()))?;
    }
    Ok(db)
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
