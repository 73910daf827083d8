//! API tokens: only a SHA-256 of each secret is stored.

use super::params;

use super::{Row, Tx};
use crate::error::Result;
use crate::model::record::Token;
use crate::model::{CompanyId, Timestamp};

const COLUMNS: &str = "id, company_id, name, created_at, expires_at, revoked_at";

fn token(r: &Row<'_>) -> Result<Token> {
    Ok(Token {
        id: r.get("id")?,
        company_id: r.get("company_id")?,
        name: r.get("name")?,
        created_at: r.get("created_at")?,
        expires_at: r.get("expires_at")?,
        revoked_at: r.get("revoked_at")?,
    })
}

/// Stores a token by the hash of its secret.
pub fn insert(
    tx: &Tx<'_>,
    company: CompanyId,
    name: Option<&str>,
    hash: &[u8; 32],
    now: Timestamp,
    expires: Option<Timestamp>,
) -> Result<Token> {
    tx.query_row(
        &format!(
            "INSERT INTO api_token (company_id, name, hash, created_at, expires_at)
             VALUES (?1, ?2, ?3, ?4, ?5) RETURNING {COLUMNS}"
        ),
        params![company, name, hash.as_slice(), now, expires],
        token,
    )
}

/// Tokens, of one company or all, by id.
pub fn list(tx: &Tx<'_>, company: Option<CompanyId>) -> Result<Vec<Token>> {
    tx.query_map(
        &format!(
            "SELECT {COLUMNS} FROM api_token WHERE CAST(?1 AS BIGINT) IS NULL OR company_id = ?1 ORDER BY id"
        ),
        params![company],
        token,
    )
}

/// Revokes a token from `now` (keeping an earlier revocation); `None` when unknown.
pub fn revoke(tx: &Tx<'_>, id: i64, now: Timestamp) -> Result<Option<Token>> {
    tx.query_opt(
        &format!(
            "UPDATE api_token SET revoked_at = coalesce(revoked_at, ?2)
             WHERE id = ?1 RETURNING {COLUMNS}"
        ),
        params![id, now],
        token,
    )
}

/// The token stored under `hash`, with the stored hash.
pub fn by_hash(tx: &Tx<'_>, hash: &[u8; 32]) -> Result<Option<(Token, Vec<u8>)>> {
    tx.query_opt(
        &format!("SELECT {COLUMNS}, hash FROM api_token WHERE hash = ?1"),
        params![hash.as_slice()],
        |r| Ok((token(r)?, r.get("hash")?)),
    )
}
