//! How a long batch says where it is. The library reports phases and counts
//! through [`Progress`]; drawing them (or not) is the caller's business.

/// The phases of a batch, in order. A batch that needs no index rebuild
/// skips [`Phase::Indexing`]; movements are written a chunk at a time while
/// the input is still being read, so `Writing` starts when reading is done
/// and the last chunk goes in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Reading the input and checking every row.
    Reading,
    /// Writing the last movements to the ledger.
    Writing,
    /// Rebuilding the ledger's indexes (the bulk path only).
    Indexing,
    /// Committing the transaction.
    Committing,
    /// Committed.
    Done,
}

impl Phase {
    /// The phase in words, for people.
    pub fn describe(self) -> &'static str {
        match self {
            Self::Reading => "reading and checking",
            Self::Writing => "writing the ledger",
            Self::Indexing => "rebuilding indexes",
            Self::Committing => "committing",
            Self::Done => "done",
        }
    }
}

/// Receives a batch's progress.
pub trait Progress {
    /// `phase` begins (every earlier phase is over).
    fn phase(&mut self, phase: Phase);
    /// Rows read and checked so far, and the input bytes behind them.
    fn read(&mut self, rows: u64, bytes: u64);
    /// Movements written to the ledger so far, of `total` checked.
    fn written(&mut self, done: u64, total: u64);
}

/// Reports nothing.
#[derive(Debug, Clone, Copy, Default)]
pub struct Quiet;

impl Progress for Quiet {
    fn phase(&mut self, _: Phase) {}
    fn read(&mut self, _: u64, _: u64) {}
    fn written(&mut self, _: u64, _: u64) {}
}
