//! `/api/orders`: the token's company's purchase orders (SPEC 11). Another
//! company's order is 404, exactly as a missing one.

use std::sync::Arc;

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State as Shared};
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::value::RawValue;
use utoipa::{IntoParams, ToSchema};

use super::body::{self, Body};
use super::error::ApiError;
use super::idempotency::{Keyed, Reply};
use super::state::{Auth, State, blocking};
use super::write;
use crate::error::Result;
use crate::model::{OrderId, Sku, SupplierId, WarehouseId};
use crate::ops::order::{
    self, Draft, DraftLine, Filter, Order, Receipt, ReceiptLine, Received, Which,
};

/// One line of `POST /api/orders`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct OrderLineBody {
    sku: String,
    quantity: i64,
    /// A decimal string or number; absent or null: the supplier link's cost.
    #[schema(value_type = Option<String>)]
    unit_cost: Option<Box<RawValue>>,
}

/// `POST /api/orders`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewOrderBody {
    #[schema(value_type = i64)]
    supplier_id: SupplierId,
    #[schema(value_type = i64)]
    warehouse_id: WarehouseId,
    lines: Vec<OrderLineBody>,
    reference: Option<String>,
    expected_at: Option<String>,
    /// When it was placed (default now).
    ordered_at: Option<String>,
}

impl Body for NewOrderBody {
    const KEYS: &'static [&'static str] = &[
        "supplier_id",
        "warehouse_id",
        "lines",
        "reference",
        "expected_at",
        "ordered_at",
    ];
}

impl NewOrderBody {
    fn draft(self) -> Result<Draft> {
        let lines = self
            .lines
            .into_iter()
            .map(|l| {
                let sku = Sku::parse(&l.sku)?;
                let what = format!("quantity of {sku}");
                let quantity =
                    crate::model::Quantity::parse_positive(&what, &l.quantity.to_string())?;
                let unit_cost = l
                    .unit_cost
                    .filter(|raw| raw.get() != "null")
                    .map(|raw| body::money(&format!("unit cost of {sku}"), &raw))
                    .transpose()?;
                Ok(DraftLine {
                    sku,
                    quantity: quantity.get(),
                    unit_cost,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Draft {
            supplier: self.supplier_id,
            warehouse: self.warehouse_id,
            lines,
            reference: self.reference,
            expected_at: body::time(self.expected_at.as_deref())?,
            ordered_at: body::time(self.ordered_at.as_deref())?,
        })
    }
}

/// Opens a purchase order with one of the company's suppliers.
#[utoipa::path(post, tag = "orders", path = "/api/orders", request_body = NewOrderBody,
    responses((status = 201, body = Order, description = "the order; Location: /api/orders/{id}")),
    security(("bearer" = [])))]
pub(crate) async fn create(
    Shared(state): Shared<Arc<State>>,
    auth: Auth,
    keyed: Keyed,
) -> std::result::Result<Reply, ApiError> {
    let bytes = keyed.bytes;
    let draft = body::object::<NewOrderBody>(&bytes)?.draft()?;
    write(&state, auth, keyed.key?, move |tx, ctx| {
        let o = order::open_for(tx, ctx, auth.tenant(), &draft)?;
        let location = format!("/api/orders/{}", o.id);
        Ok(Reply::json(StatusCode::CREATED, &o)?.located(location))
    })
    .await
}

/// `GET /api/orders` parameters.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(crate) struct ListQuery {
    #[param(value_type = Option<i64>)]
    supplier_id: Option<String>,
    /// open (default), closed (received or closed) or all
    status: Option<String>,
}

/// The company's purchase orders, by id.
#[utoipa::path(get, tag = "orders", path = "/api/orders", params(ListQuery),
    responses((status = 200, body = Vec<Order>, description = "array of orders")), security(("bearer" = [])))]
pub(crate) async fn list(
    Shared(state): Shared<Arc<State>>,
    auth: Auth,
    q: std::result::Result<Query<ListQuery>, QueryRejection>,
) -> std::result::Result<Json<Vec<Order>>, ApiError> {
    let q = body::query(q)?;
    let filter = Filter {
        company: None,
        supplier: q
            .supplier_id
            .as_deref()
            .map(SupplierId::parse)
            .transpose()?,
        which: q.status.as_deref().map_or(Ok(Which::Open), Which::parse)?,
    };
    let all = blocking(&state, move |s| {
        s.with_db(|db| order::list_for(db, auth.tenant(), &filter))
    })
    .await?;
    Ok(Json(all))
}

fn order_id(text: &str) -> Result<OrderId> {
    OrderId::parse(text)
}

/// One purchase order.
#[utoipa::path(get, tag = "orders", path = "/api/orders/{id}", params(("id" = i64, Path)),
    responses((status = 200, body = Order, description = "the order")), security(("bearer" = [])))]
pub(crate) async fn show(
    Shared(state): Shared<Arc<State>>,
    auth: Auth,
    body::Segment(id): body::Segment,
) -> std::result::Result<Json<Order>, ApiError> {
    let id = order_id(&id)?;
    let o = blocking(&state, move |s| {
        s.with_db(|db| order::show_for(db, auth.tenant(), id))
    })
    .await?;
    Ok(Json(o))
}

/// One line of `POST /api/orders/{id}/receipts`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ReceiptLineBody {
    sku: String,
    quantity: i64,
}

/// `POST /api/orders/{id}/receipts`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ReceiptBody {
    /// Absent: everything outstanding.
    lines: Option<Vec<ReceiptLineBody>>,
    at: Option<String>,
    note: Option<String>,
}

impl Body for ReceiptBody {
    const KEYS: &'static [&'static str] = &["lines", "at", "note"];
}

/// Receives goods on an order: one `receipt` movement per line, in one
/// transaction with the order's received quantities.
#[utoipa::path(post, tag = "orders", path = "/api/orders/{id}/receipts", params(("id" = i64, Path)),
    request_body = ReceiptBody,
    responses((status = 201, body = Received, description = "the order as it now stands and the movements written")),
    security(("bearer" = [])))]
pub(crate) async fn receive(
    Shared(state): Shared<Arc<State>>,
    auth: Auth,
    body::Segment(id): body::Segment,
    keyed: Keyed,
) -> std::result::Result<Reply, ApiError> {
    let id = order_id(&id)?;
    let bytes = keyed.bytes;
    let b = body::object::<ReceiptBody>(&bytes)?;
    let lines = match b.lines {
        Some(lines) if lines.is_empty() => {
            return Err(ApiError::invalid(
                "lines must hold at least one line (leave it out to receive everything)",
            ));
        }
        Some(lines) => lines
            .into_iter()
            .map(|l| {
                let sku = Sku::parse(&l.sku)?;
                let what = format!("quantity of {sku}");
                let quantity =
                    crate::model::Quantity::parse_positive(&what, &l.quantity.to_string())?;
                Ok(ReceiptLine {
                    sku,
                    quantity: quantity.get(),
                })
            })
            .collect::<Result<Vec<_>>>()?,
        None => Vec::new(),
    };
    let receipt = Receipt {
        order: id,
        lines,
        at: body::time(b.at.as_deref())?,
        note: b.note,
    };
    write(&state, auth, keyed.key?, move |tx, ctx| {
        Reply::json(
            StatusCode::CREATED,
            &order::receive_in(tx, ctx, auth.tenant(), &receipt)?,
        )
    })
    .await
}

/// Closes an order: nothing more is expected on it.
#[utoipa::path(post, tag = "orders", path = "/api/orders/{id}/close", params(("id" = i64, Path)),
    responses((status = 200, body = Order, description = "the closed order")), security(("bearer" = [])))]
pub(crate) async fn close(
    Shared(state): Shared<Arc<State>>,
    auth: Auth,
    body::Segment(id): body::Segment,
    keyed: Keyed,
) -> std::result::Result<Reply, ApiError> {
    let id = order_id(&id)?;
    write(&state, auth, keyed.key?, move |tx, ctx| {
        Reply::json(
            StatusCode::OK,
            &order::close_in(tx, ctx, auth.tenant(), id)?,
        )
    })
    .await
}
