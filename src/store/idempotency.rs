//! The idempotency keys of API writes: the key, a hash of the request and
//! the stored answer, kept in the same transaction as the request's writes.

use super::Tx;
use crate::error::Result;
use crate::model::{CompanyId, Timestamp};

/// An answer as stored under a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    /// The HTTP status.
    pub status: u16,
    /// The JSON body.
    pub body: String,
    /// The `Location` header, if any.
    pub location: Option<String>,
}

/// Holds the key until the transaction ends, so requests with one key queue
/// and the second sees the first's answer.
pub fn lock(tx: &Tx<'_>, company: CompanyId, key: &str) -> Result<()> {
    tx.lock_key(&format!("idempotency {company} {key}"))
}

/// The request hash and answer stored under `key`, if any.
pub fn find(tx: &Tx<'_>, company: CompanyId, key: &str) -> Result<Option<(Vec<u8>, Stored)>> {
    tx.query_opt(
        "SELECT request_hash, status, body, location FROM idempotency_key
         WHERE company_id = ?1 AND key = ?2",
        super::params![company, key],
        |r| {
            Ok((
                r.get("request_hash")?,
                Stored {
                    status: r.get("status")?,
                    body: r.get("body")?,
                    location: r.get("location")?,
                },
            ))
        },
    )
}

/// Removes the company's keys stored before `before`.
pub fn forget_before(tx: &Tx<'_>, company: CompanyId, before: Timestamp) -> Result<()> {
    tx.execute(
        "DELETE FROM idempotency_key WHERE company_id = ?1 AND created_at < ?2",
        super::params![company, before],
    )
    .map(drop)
}

/// Stores `answer` under `key` for the request hashed as `request`.
pub fn remember(
    tx: &Tx<'_>,
    company: CompanyId,
    key: &str,
    request: &[u8],
    answer: &Stored,
    now: Timestamp,
) -> Result<()> {
    tx.execute(
        "INSERT INTO idempotency_key (company_id, key, request_hash, status, body, location, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        super::params![
            company,
            key,
            request,
            answer.status,
            answer.body,
            answer.location,
            now
        ],
    )
    .map(drop)
}
