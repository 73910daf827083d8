//! `check`: verifies what the schema alone cannot prove, and what damage or a
//! hand edit could have broken.

use serde::Serialize;

use crate::error::Result;
use crate::store::{Db, Tx};

/// The outcome of `check`.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// True when no problem was found.
    pub ok: bool,
    /// One line per problem.
    pub problems: Vec<String>,
}

/// Runs every check inside one read snapshot.
pub fn run(db: &mut Db) -> Result<Report> {
    db.read(|tx| {
        let problems = problems(tx)?;
        Ok(Report {
            ok: problems.is_empty(),
            problems,
        })
    })
}

/// Every problem `check` finds on `conn`, which may be inside a write
/// transaction (`copy` checks its target before it commits).
pub(crate) fn problems(conn: &Tx<'_>) -> Result<Vec<String>> {
    crate::store::check::problems(conn)
}
