//! What a movement is, on its way in ([`Entry`], checked by the ledger) and
//! on its way out ([`Movement`], as commands print it). A leaf: every module
//! that moves or reads stock uses these, and they use none of them.

use crate::model::{CompanyId, ProductId, Reason, Timestamp, WarehouseId};
use crate::store::ledger::NewMovement;

pub use crate::model::record::Movement;

/// One movement to write.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Entry<'a> {
    pub product: ProductId,
    pub company: CompanyId,
    pub sku: &'a str,
    pub warehouse: WarehouseId,
    pub delta: i64,
    pub reason: Reason,
    pub note: Option<&'a str>,
    pub reference: Option<&'a str>,
    pub occurred_at: Timestamp,
    pub bundle: Option<ProductId>,
}

/// What was written for one entry.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Written {
    /// The movement's id; `None` while it waits in a buffered ledger.
    pub id: Option<i64>,
    /// The stock of the pair after this movement.
    pub quantity: i64,
}

impl<'a> Entry<'a> {
    /// The movement as the ledger stores it.
    pub fn stored(&self) -> NewMovement<'a> {
        NewMovement {
            product: self.product,
            warehouse: self.warehouse,
            delta: self.delta,
            reason: self.reason,
            note: self.note,
            reference: self.reference,
            occurred_at: self.occurred_at,
            bundle: self.bundle,
        }
    }
}
