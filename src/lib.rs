//! stockflow: inventory administration for small B2B businesses.
//!
//! Companies (tenants) own warehouses, suppliers and products; every change of
//! stock is a row in an append-only movement ledger, and low-stock alerts say
//! what to reorder, from whom, and how many days are left. Everything lives in
//! one database ([`store::Db`]): a SQLite file, or a PostgreSQL server named
//! by its URL; each operation in [`ops`] runs in a single transaction and
//! returns data, which [`render::Out`] prints. The library never reads the
//! clock or the environment: callers pass a [`Ctx`].

pub mod error;
pub mod model;
pub mod ops;
pub mod render;
#[cfg(feature = "serve")]
pub mod serve;
pub mod store;

pub use error::{Error, Exit, Kind, Result};

/// What an operation needs from the outside world, read once by the caller.
#[derive(Debug, Clone)]
pub struct Ctx {
    /// The current time: the default `occurred_at` and every `recorded_at`.
    pub now: model::Timestamp,
    /// Who is acting, recorded on every movement.
    pub actor: String,
}
