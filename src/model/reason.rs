//! Why stock moved: the ledger's reasons and their sign rules.

use serde::Serialize;

use super::*;
use crate::error::{Error, Result};

/// Why stock moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// Opening stock written by `product create` or `import products`.
    Initial,
    /// Goods received (delta > 0).
    Receipt,
    /// Goods returned by a customer (delta > 0).
    Return,
    /// Goods sold (delta < 0).
    Sale,
    /// Goods damaged or lost (delta < 0).
    Damage,
    /// A manual correction (either sign).
    Correction,
    /// The leaving half of a transfer.
    TransferOut,
    /// The arriving half of a transfer.
    TransferIn,
    /// The difference found by a cycle count.
    Count,
}

impl Reason {
    /// The stored and printed name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Initial => "initial",
            Self::Receipt => "receipt",
            Self::Return => "return",
            Self::Sale => "sale",
            Self::Damage => "damage",
            Self::Correction => "correction",
            Self::TransferOut => "transfer_out",
            Self::TransferIn => "transfer_in",
            Self::Count => "count",
        }
    }

    pub(crate) const ALL: [Reason; 9] = [
        Self::Initial,
        Self::Receipt,
        Self::Return,
        Self::Sale,
        Self::Damage,
        Self::Correction,
        Self::TransferOut,
        Self::TransferIn,
        Self::Count,
    ];

    /// Parses a reason a user may give to `stock adjust`.
    pub fn parse_user(text: &str) -> Result<Self> {
        match Self::ALL.into_iter().find(|r| r.as_str() == text) {
            Some(
                r @ (Self::Receipt | Self::Return | Self::Sale | Self::Damage | Self::Correction),
            ) => Ok(r),
            Some(r) => Err(Error::invalid(format!(
                "reason {} is written by stockflow itself; use receipt, return, sale, damage or correction",
                r.as_str()
            ))),
            None => Err(Error::invalid(match Self::near(text) {
                Some(near) => format!("unknown reason {text:?} (did you mean {near:?}?)"),
                None => format!(
                    "unknown reason {text:?} (use receipt, return, sale, damage or correction)"
                ),
            })),
        }
    }

    /// The user reason `text` was most likely meant to be: the same but for
    /// case, or at most two edits away (a transposition is one edit).
    fn near(text: &str) -> Option<&'static str> {
        let users = ["receipt", "return", "sale", "damage", "correction"];
        let lower = text.to_lowercase();
        users
            .into_iter()
            .map(|r| (edits(&lower, r), r))
            .filter(|(d, _)| *d <= 2)
            .min_by_key(|(d, _)| *d)
            .map(|(_, r)| r)
    }

    /// Checks the sign rule of this reason for `delta`.
    pub fn check_sign(self, delta: Delta) -> Result<()> {
        let ok = match self {
            Self::Initial | Self::Receipt | Self::Return | Self::TransferIn => delta.get() > 0,
            Self::Sale | Self::Damage | Self::TransferOut => delta.get() < 0,
            Self::Correction | Self::Count => true,
        };
        if ok {
            Ok(())
        } else {
            let sign = if delta.get() > 0 {
                "negative"
            } else {
                "positive"
            };
            Err(Error::invalid(format!(
                "a {} needs a {sign} delta: {}",
                self.as_str(),
                delta.get()
            )))
        }
    }
}

/// Edits (insertions, deletions, substitutions, transpositions of two
/// neighbours) between two short words: optimal string alignment distance.
fn edits(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = best;
        }
    }
    d[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unknown_reason_suggests_the_near_one() {
        let message = |t: &str| Reason::parse_user(t).unwrap_err().message().to_owned();
        assert_eq!(
            message("reciept"),
            "unknown reason \"reciept\" (did you mean \"receipt\"?)"
        );
        assert!(message("Sale").ends_with("(did you mean \"sale\"?)"));
        assert!(message("damge").ends_with("(did you mean \"damage\"?)"));
        assert!(message("retrun").ends_with("(did you mean \"return\"?)"));
        assert_eq!(
            message("gift"),
            "unknown reason \"gift\" (use receipt, return, sale, damage or correction)"
        );
        assert_eq!(edits("correction", "correction"), 0);
        assert_eq!(edits("ab", "ba"), 1);
        assert_eq!(edits("", "sale"), 4);
    }

    #[test]
    fn reason_sign_rules() {
        assert!(Reason::Sale.check_sign(Delta::new(-1).unwrap()).is_ok());
        assert!(Reason::Sale.check_sign(Delta::new(1).unwrap()).is_err());
        assert!(Reason::Receipt.check_sign(Delta::new(-1).unwrap()).is_err());
        assert!(
            Reason::Correction
                .check_sign(Delta::new(-1).unwrap())
                .is_ok()
        );
        assert!(Reason::parse_user("initial").is_err());
        assert!(Reason::parse_user("gift").is_err());
        assert_eq!(Reason::parse_user("damage").unwrap(), Reason::Damage);
    }
}
