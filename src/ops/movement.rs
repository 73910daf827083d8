//! What a movement is, on its way in ([`Entry`], checked by the ledger) and
//! on its way out ([`Movement`], as commands print it). A leaf: every module
//! that moves or reads stock uses these, and they use none of them.

use serde::Serialize;

use crate::model::{CompanyId, ProductId, Reason, Timestamp, WarehouseId};
use crate::store::ledger::NewMovement;

/// One ledger movement. `quantity` is the new stock, present after a write.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "serve", derive(utoipa::ToSchema))]
pub struct Movement {
    /// Its id (ledger order).
    pub id: i64,
    /// The product moved.
    pub product_id: ProductId,
    /// Its SKU.
    pub sku: String,
    /// Where.
    pub warehouse_id: WarehouseId,
    /// The signed change.
    pub delta: i64,
    /// Why.
    pub reason: Reason,
    /// Free-text note.
    pub note: Option<String>,
    /// External reference (order number, ...).
    pub reference: Option<String>,
    /// Who recorded it.
    pub actor: String,
    /// When it happened.
    pub occurred_at: Timestamp,
    /// When it was written.
    pub recorded_at: Timestamp,
    /// The bundle it was sold or returned through, if any.
    pub bundle_sku: Option<String>,
    /// Stock after this movement (only right after a write).
    pub quantity: Option<i64>,
    /// The warehouse's name, where the query read it (`stock history`), for
    /// tables; JSON and CSV carry `warehouse_id`.
    #[serde(skip)]
    pub warehouse_name: Option<String>,
}

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
