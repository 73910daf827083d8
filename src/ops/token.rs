//! API tokens: each acts for one company. A token is 256 random bits shown
//! once at creation; only its SHA-256 is stored, so a copy of the database
//! holds no usable credential. Look-up is by that hash (an index on a hash
//! of a random secret leaks nothing through timing), and the stored hash is
//! compared again in constant time.

use serde::Serialize;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::lookup;
use crate::Ctx;
use crate::error::{Error, Kind, Result};
use crate::model::{CompanyId, Timestamp};
use crate::store::{Db, Tx, tokens as stored};

pub use crate::model::record::Token;

/// The prefix of every token, so a leaked one is recognisable in logs and scans.
const PREFIX: &str = "sf_";

/// A token just created, with its secret: the only time it is ever shown.
#[derive(Debug, Clone, Serialize)]
pub struct Created {
    /// The stored token.
    #[serde(flatten)]
    pub token: Token,
    /// The secret to send as `Authorization: Bearer ...`.
    #[serde(rename = "token")]
    pub secret: Secret,
}

/// A token's secret; `Debug` never shows it.
#[derive(Clone, Serialize)]
#[serde(transparent)]
pub struct Secret(String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(..)")
    }
}

impl Secret {
    /// The secret text.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// Creates a token for `company`; `expires` must lie in the future.
pub fn create(
    db: &mut Db,
    ctx: &Ctx,
    company: CompanyId,
    name: Option<&str>,
    expires: Option<Timestamp>,
) -> Result<Created> {
    if let Some(t) = expires.filter(|t| *t <= ctx.now) {
        return Err(Error::invalid(format!(
            "expires must be in the future: {t}"
        )));
    }
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|e| Error::new(Kind::Internal, format!("no random numbers: {e}")))?;
    let secret = format!("{PREFIX}{}", hex(&bytes));
    let token = db.write_retrying(|tx| {
        lookup::company(tx, company)?;
        stored::insert(tx, company, name, &hash(&secret), ctx.now, expires)
    })?;
    Ok(Created {
        token,
        secret: Secret(secret),
    })
}

/// Tokens, optionally of one company, by id.
pub fn list(db: &mut Db, company: Option<CompanyId>) -> Result<Vec<Token>> {
    db.read(|tx| {
        if let Some(c) = company {
            lookup::company(tx, c)?;
        }
        stored::list(tx, company)
    })
}

/// Revokes a token from now on; revoking it again keeps the first time.
pub fn revoke(db: &mut Db, ctx: &Ctx, id: i64) -> Result<Token> {
    db.write_retrying(|tx| {
        stored::revoke(tx, id, ctx.now)?
            .ok_or_else(|| Error::not_found(format!("token {id} does not exist")))
    })
}

/// Parses a token id: a positive integer.
pub fn parse_id(text: &str) -> Result<i64> {
    match text.trim().parse::<i64>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(Error::invalid(format!(
            "token id must be a positive integer: {text}"
        ))),
    }
}

/// The token a presented secret belongs to, when it is well-formed, known,
/// not revoked and not expired at `now`; `None` otherwise, whatever the reason.
pub fn authenticate(conn: &Tx<'_>, secret: &str, now: Timestamp) -> Result<Option<Token>> {
    if !well_formed(secret) {
        return Ok(None);
    }
    let digest = hash(secret);
    let found = stored::by_hash(conn, &digest)?;
    Ok(found.and_then(|(token, stored)| {
        let same: bool = stored.ct_eq(digest.as_slice()).into();
        let live = token.revoked_at.is_none() && token.expires_at.is_none_or(|t| now < t);
        (same && live).then_some(token)
    }))
}

fn well_formed(secret: &str) -> bool {
    secret
        .strip_prefix(PREFIX)
        .is_some_and(|h| h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// SHA-256 of `data`.
pub(crate) fn hash(data: impl AsRef<[u8]>) -> [u8; 32] {
    Sha256::digest(data.as_ref()).into()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_prefixed_64_hex_secrets_are_well_formed() {
        let good = format!("sf_{}", "ab".repeat(32));
        assert!(well_formed(&good));
        assert!(!well_formed(&good[1..]));
        assert!(!well_formed(&format!("sf_{}", "zz".repeat(32))));
        assert!(!well_formed(&format!("{good}0")));
        assert!(!well_formed(""));
    }

    #[test]
    fn hash_is_sha256() {
        assert_eq!(
            hex(&hash("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
