//! Group commit: one writer thread takes every write request queued at the
//! moment into one `BEGIN IMMEDIATE` transaction, runs each inside its own
//! savepoint (a refused request rolls back to it and cannot touch the
//! others), commits once (one fsync under `synchronous=FULL`), and only then
//! answers them all. Every answer still means "durable"; under load many
//! requests share one fsync instead of queuing for one each.

use std::sync::mpsc::{self, Receiver, Sender};

use tokio::sync::oneshot;

use super::error::ApiError;
use super::idempotency::Reply;
use crate::error::{Error, Kind, Result};
use crate::store::{Db, Tx};

/// Most requests one transaction takes by default.
pub const GROUP_MAX: usize = 256;

/// One write: runs inside the group's transaction.
pub(crate) type Job = Box<dyn FnOnce(&Tx<'_>) -> Result<Reply> + Send>;

type Answer = oneshot::Sender<Result<Reply>>;

struct Queued {
    job: Job,
    answer: Answer,
}

/// The queue in front of the writer thread.
#[derive(Debug)]
pub(crate) struct Committer {
    queue: Sender<Queued>,
}

impl std::fmt::Debug for Queued {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Queued")
    }
}

impl Committer {
    /// Starts the writer thread on its own connection; it commits at most
    /// `group_max` requests at a time (1: one transaction per request).
    pub fn start(db: Db, group_max: usize) -> Result<Self> {
        let (queue, rx) = mpsc::channel();
        let group_max = group_max.max(1);
        std::thread::Builder::new()
            .name("stockflow-writer".to_owned())
            .spawn(move || writer(db, &rx, group_max))
            .map_err(|e| Error::new(Kind::Internal, format!("cannot start the writer: {e}")))?;
        Ok(Self { queue })
    }

    /// Queues `job` and waits for its answer, given after its group committed.
    pub async fn submit(&self, job: Job) -> Result<Reply, ApiError> {
        let (answer, wait) = oneshot::channel();
        self.queue
            .send(Queued { job, answer })
            .map_err(|_| ApiError::internal("the writer thread has stopped"))?;
        wait.await
            .map_err(|_| ApiError::internal("the writer dropped a request"))?
            .map_err(ApiError::from)
    }
}

fn writer(mut db: Db, rx: &Receiver<Queued>, group_max: usize) {
    while let Ok(first) = rx.recv() {
        let mut group = vec![first];
        while group.len() < group_max {
            match rx.try_recv() {
                Ok(next) => group.push(next),
                Err(_) => break,
            }
        }
        // A request whose caller has gone (disconnected, timed out) is not
        // run: nobody could be told it was written.
        group.retain(|q| !q.answer.is_closed());
        if group.is_empty() {
            continue;
        }
        let (jobs, answers): (Vec<Job>, Vec<Answer>) =
            group.into_iter().map(|q| (q.job, q.answer)).unzip();
        // Checked again once the transaction holds the file (which may take
        // up to the busy timeout): a request that timed out meanwhile was
        // answered 503, so it must not be written.
        let outcome = run(&mut db, jobs, &answers);
        match outcome {
            Ok(results) => {
                for (answer, result) in answers.into_iter().zip(results) {
                    let _ = answer.send(result);
                }
            }
            Err(e) => {
                for answer in answers {
                    let _ = answer.send(Err(e.clone()));
                }
            }
        }
    }
}

/// Runs a group in one transaction, each job in a savepoint; the outer
/// error (busy, a failed commit) is every job's.
/// A job whose answer channel (`answers[i]`) is closed when its turn comes
/// is not run (its result is an error nobody receives).
fn run(db: &mut Db, jobs: Vec<Job>, answers: &[Answer]) -> Result<Vec<Result<Reply>>> {
    db.write(|tx| {
        let mut results = Vec::with_capacity(jobs.len());
        for (i, job) in jobs.into_iter().enumerate() {
            if answers.get(i).is_some_and(oneshot::Sender::is_closed) {
                results.push(Err(Error::new(Kind::Internal, "the caller has gone")));
                continue;
            }
            results.push(tx.savepoint(job));
        }
        Ok(results)
    })
}

#[cfg(test)]
mod tests {
    use axum::http::StatusCode;

    use super::*;
    use crate::store::DEFAULT_BUSY_TIMEOUT;

    fn insert(name: &'static str, then_fail: bool) -> Job {
        Box::new(move |tx: &Tx<'_>| {
            let epoch = crate::model::Timestamp::parse("1970-01-01")?;
            crate::store::catalog::insert_company(tx, name, epoch)?;
            if then_fail {
                return Err(Error::conflict(format!("refused {name}")));
            }
            Reply::json(StatusCode::CREATED, &name)
        })
    }

    #[test]
    fn a_refused_request_rolls_back_only_its_own_savepoint() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("g.db");
        let (mut db, _) = Db::init(&path, DEFAULT_BUSY_TIMEOUT).unwrap();
        let results = run(
            &mut db,
            vec![insert("a", false), insert("b", true), insert("c", false)],
            &[],
        )
        .unwrap();
        let ok: Vec<bool> = results.iter().map(Result::is_ok).collect();
        assert_eq!(ok, [true, false, true]);
        let names: Vec<String> = db
            .read(crate::store::catalog::companies)
            .unwrap()
            .into_iter()
            .map(|c| c.name)
            .collect();
        assert_eq!(names, ["a", "c"]);
    }
}
