//! The domain operations. Each takes plain values already validated by
//! [`crate::model`], runs in one transaction, and returns data; none prints.

mod adjust;
pub mod alerts;
mod batch;
mod bulk;
pub mod bundle;
pub mod catalog;
pub mod check;
pub mod copy;
mod csv_input;
mod history;
pub mod import;
pub mod ledger;
mod levels;
pub(crate) mod lookup;
pub(crate) mod movement;
pub mod order;
pub mod plan;
pub mod product;
pub mod progress;
pub mod replenish;
pub mod stock;
pub mod threshold;
pub mod token;
