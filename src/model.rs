//! Validated newtypes. Text from the command line or a CSV file becomes one of
//! these at the edge, so the rest of the library never sees an invalid SKU, a
//! rounded price or a local time. Each binds straight to SQL.

mod ids;
mod money;
mod reason;
pub mod record;
mod sku;
mod text;
mod time;
mod units;

pub use ids::{CompanyId, OrderId, ProductId, SupplierId, WarehouseId};
pub use money::{Amount, Money};
pub use reason::Reason;
pub use sku::{Sku, sku_key};
pub use text::{MAX_NOTE, email, free_text, name, product_type, refuse_nul};
pub use time::Timestamp;
pub use units::{Delta, MAX_UNITS, Quantity};
