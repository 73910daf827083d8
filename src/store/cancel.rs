//! Stopping a connection's work from another thread: the server cancels the
//! statement of a request whose client has gone or whose deadline passed,
//! so it frees its connection instead of running on for minutes.
//!
//! SQLite's interrupt handle stops the running statement at its next step;
//! PostgreSQL's cancel token asks the server, on a connection of its own, to
//! cancel the session's current statement. Either way the statement fails
//! and its transaction rolls back; the connection stays usable.

use super::{Db, postgres, sqlite};

/// A handle that cancels what a connection is running, from any thread.
pub struct Canceller(Handle);

enum Handle {
    Sqlite(sqlite::Interrupt),
    Postgres(postgres::CancelToken),
}

impl std::fmt::Debug for Canceller {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self.0 {
            Handle::Sqlite(_) => "Canceller(sqlite)",
            Handle::Postgres(_) => "Canceller(postgres)",
        })
    }
}

impl Canceller {
    /// Cancels the statement running now, if any. On PostgreSQL this
    /// connects to the server, so call it off an async runtime's threads.
    pub fn cancel(&self) {
        match &self.0 {
            Handle::Sqlite(handle) => handle.interrupt(),
            Handle::Postgres(token) => token.cancel(),
        }
    }

    /// Whether cancelling connects to a server (and so may block).
    pub fn blocks(&self) -> bool {
        matches!(self.0, Handle::Postgres(_))
    }
}

impl Db {
    /// A handle that cancels this connection's running statement.
    pub fn canceller(&self) -> Canceller {
        Canceller(match self {
            Self::Sqlite(db) => Handle::Sqlite(db.interrupt_handle()),
            Self::Postgres(db) => Handle::Postgres(db.cancel_token()),
        })
    }

    /// Whether the connection still answers (PostgreSQL: a trivial query
    /// within `timeout`; a session the server ended fails it). A SQLite
    /// file is always live.
    pub fn is_live(&mut self, timeout: std::time::Duration) -> bool {
        match self {
            Self::Sqlite(_) => true,
            Self::Postgres(db) => db.is_live(timeout),
        }
    }
}
