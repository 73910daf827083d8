//! The records commands return and the store reads and writes: plain data
//! in the library's newtypes, serialised with the keys of SPEC section 5. The
//! operations (`crate::ops`) build them from the rules; the store
//! (`crate::store`) from rows; neither owns them.

use serde::Serialize;

use super::{
    Amount, CompanyId, Money, OrderId, ProductId, Reason, SupplierId, Timestamp, WarehouseId,
};

/// A company (tenant).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "serve", derive(utoipa::ToSchema))]
pub struct Company {
    /// Its id.
    pub id: CompanyId,
    /// Its name, unique case-insensitively.
    pub name: String,
    /// When it was created.
    pub created_at: Timestamp,
}

/// A warehouse of a company.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "serve", derive(utoipa::ToSchema))]
pub struct Warehouse {
    /// Its id.
    pub id: WarehouseId,
    /// The owning company.
    pub company_id: CompanyId,
    /// Its name, unique within the company.
    pub name: String,
    /// Free-text location, if given.
    pub location: Option<String>,
}

/// A supplier of a company.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "serve", derive(utoipa::ToSchema))]
pub struct Supplier {
    /// Its id.
    pub id: SupplierId,
    /// The owning company.
    pub company_id: CompanyId,
    /// Its name, unique within the company.
    pub name: String,
    /// Where purchase orders go.
    pub contact_email: Option<String>,
    /// A phone number, as given.
    pub phone: Option<String>,
}

/// A supplier as `supplier list` shows it: with the lead time its orders
/// have shown (SPEC 11).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "serve", derive(utoipa::ToSchema))]
pub struct ListedSupplier {
    /// The supplier.
    #[serde(flatten)]
    pub supplier: Supplier,
    /// The median whole days from order to first receipt over its last 10
    /// orders with a receipt (an even count: the two middle values' mean,
    /// rounded up); `None` when none has one.
    pub observed_lead_time_days: Option<i64>,
}

/// A supplier as linked to one product: the supplier's own keys, the
/// product's SKU, and the link's terms.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "serve", derive(utoipa::ToSchema))]
pub struct SupplierLink {
    /// The supplier.
    #[serde(flatten)]
    pub supplier: Supplier,
    /// The product's SKU.
    pub sku: String,
    /// Whether this is the product's one primary supplier.
    pub is_primary: bool,
    /// Days from order to delivery.
    pub lead_time_days: Option<i64>,
    /// Unit cost from this supplier.
    pub cost: Option<Money>,
    /// The supplier sells only whole multiples of this (>= 1).
    pub pack_size: i64,
    /// The supplier's smallest order (0: none).
    pub min_order_quantity: i64,
}

/// A product as listed and printed.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "serve", derive(utoipa::ToSchema))]
pub struct Product {
    /// Its id.
    pub id: ProductId,
    /// The owning company.
    pub company_id: CompanyId,
    /// Its SKU, as given at creation.
    pub sku: String,
    /// Its name.
    pub name: String,
    /// Unit price, exact.
    pub price: Money,
    /// Product type (groups thresholds), if any.
    #[serde(rename = "type")]
    pub product_type: Option<String>,
    /// Its own low-stock threshold, if set.
    pub threshold: Option<i64>,
    /// Whether it is a bundle of other products.
    pub is_bundle: bool,
    /// Whether it is archived.
    pub archived: bool,
    /// When it was created.
    pub created_at: Timestamp,
}

/// One component of a bundle.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "serve", derive(utoipa::ToSchema))]
pub struct Component {
    /// The component's SKU.
    pub sku: String,
    /// Units of it in one bundle.
    pub quantity: i64,
}

/// Stock of one product in one warehouse.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "serve", derive(utoipa::ToSchema))]
pub struct StockRow {
    /// The product's id.
    pub product_id: ProductId,
    /// The product's SKU.
    pub sku: String,
    /// The product's name.
    pub product_name: String,
    /// The warehouse's id.
    pub warehouse_id: WarehouseId,
    /// The warehouse's name.
    pub warehouse_name: String,
    /// Units in stock.
    pub quantity: i64,
}

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
    /// The warehouse's name.
    pub warehouse_name: String,
}

/// A threshold as set or listed.
#[derive(Debug, Clone, Serialize)]
pub struct Threshold {
    /// `default`, `type`, `product` or `product_warehouse`.
    pub scope: &'static str,
    /// The company.
    pub company_id: CompanyId,
    /// The product type, for `type`.
    #[serde(rename = "type")]
    pub product_type: Option<String>,
    /// The product, for `product` and `product_warehouse`.
    pub sku: Option<String>,
    /// The warehouse, for `product_warehouse`.
    pub warehouse_id: Option<WarehouseId>,
    /// Stock strictly below this raises an alert.
    pub quantity: i64,
    /// The most stock wanted: a reorder fills up to this (`product_warehouse` only).
    pub max: Option<i64>,
    /// The warehouse's name, for `product_warehouse` (tables; JSON and CSV
    /// carry `warehouse_id`).
    #[serde(skip)]
    pub warehouse_name: Option<String>,
}

/// A token as stored: never its secret.
#[derive(Debug, Clone, Serialize)]
pub struct Token {
    /// Its id (for `token revoke`).
    pub id: i64,
    /// The company it acts for.
    pub company_id: CompanyId,
    /// A label chosen by its creator.
    pub name: Option<String>,
    /// When it was created.
    pub created_at: Timestamp,
    /// When it stops working, if ever.
    pub expires_at: Option<Timestamp>,
    /// When it was revoked, if it was.
    pub revoked_at: Option<Timestamp>,
}

/// Where a purchase order stands (SPEC 11): `open` until every line is
/// received (`received`) or it is closed (`closed`: nothing more expected).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "serve", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum OrderStatus {
    /// Goods still expected.
    Open,
    /// Every line received in full.
    Received,
    /// Closed by hand: nothing more is expected.
    Closed,
}

impl OrderStatus {
    /// The stored (and JSON) word.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Received => "received",
            Self::Closed => "closed",
        }
    }

    /// The status a stored word names.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "open" => Some(Self::Open),
            "received" => Some(Self::Received),
            "closed" => Some(Self::Closed),
            _ => None,
        }
    }
}

/// The supplier an order goes to, as an order shows it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "serve", derive(utoipa::ToSchema))]
pub struct OrderSupplier {
    /// Its id.
    pub id: SupplierId,
    /// Its name.
    pub name: String,
    /// Where the order goes.
    pub contact_email: Option<String>,
}

/// The warehouse an order is delivered to.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "serve", derive(utoipa::ToSchema))]
pub struct OrderWarehouse {
    /// Its id.
    pub id: WarehouseId,
    /// Its name.
    pub name: String,
}

/// One line of a purchase order.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "serve", derive(utoipa::ToSchema))]
pub struct OrderLine {
    /// The product's SKU.
    pub sku: String,
    /// The product's name.
    pub product_name: String,
    /// Units ordered.
    pub quantity: i64,
    /// Units received so far.
    pub received: i64,
    /// Units not yet received: `quantity − received` (on a closed order,
    /// what was never delivered).
    pub outstanding: i64,
    /// Cost per unit, when known.
    pub unit_cost: Option<Money>,
    /// `quantity × unit_cost`, when the cost is known.
    #[cfg_attr(feature = "serve", schema(value_type = Option<String>))]
    pub line_total: Option<Amount>,
}

/// A purchase order (SPEC 11).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "serve", derive(utoipa::ToSchema))]
pub struct Order {
    /// Its id.
    #[cfg_attr(feature = "serve", schema(value_type = i64))]
    pub id: OrderId,
    /// The company that orders.
    pub company_id: CompanyId,
    /// Who supplies it.
    pub supplier: OrderSupplier,
    /// Where it is delivered.
    pub warehouse: OrderWarehouse,
    /// Where it stands.
    pub status: OrderStatus,
    /// The purchaser's own reference.
    pub reference: Option<String>,
    /// When it was placed.
    pub ordered_at: Timestamp,
    /// When it is expected, if known.
    pub expected_at: Option<Timestamp>,
    /// Its lines, in the order given.
    pub lines: Vec<OrderLine>,
    /// The sum of the line totals whose cost is known (`null` when no line
    /// has one).
    #[cfg_attr(feature = "serve", schema(value_type = Option<String>))]
    pub total_cost: Option<Amount>,
}
