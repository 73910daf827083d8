//! `/api/stock`: adjustments (one or an array, all or nothing; answered as
//! `stock adjust` prints them), transfers,
//! counts, levels and the ledger.

use std::sync::Arc;

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State as Shared};
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::body::{self, Body};
use super::error::ApiError;
use super::idempotency::{Keyed, Reply};
use super::state::{Auth, State, blocking};
use super::write;
use crate::error::Result;
use crate::model::{Delta, Quantity, Reason, Sku, Timestamp, WarehouseId};
use crate::ops::stock::{
    self, Adjustment, Count, HistoryFilter, Movement, StockFilter, StockRow, Transfer,
};

/// One adjustment in `POST /api/stock/adjustments`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct AdjustBody {
    sku: String,
    #[schema(value_type = i64)]
    warehouse_id: WarehouseId,
    delta: i64,
    /// receipt, return, sale, damage or correction
    reason: String,
    note: Option<String>,
    reference: Option<String>,
    at: Option<String>,
}

impl Body for AdjustBody {
    const KEYS: &'static [&'static str] = &[
        "sku",
        "warehouse_id",
        "delta",
        "reason",
        "note",
        "reference",
        "at",
    ];
}

/// An adjustment checked field by field, owning its text.
#[derive(Debug)]
struct Checked {
    sku: Sku,
    warehouse: WarehouseId,
    delta: Delta,
    reason: Reason,
    note: Option<String>,
    reference: Option<String>,
    at: Option<Timestamp>,
}

impl AdjustBody {
    fn check(self) -> Result<Checked> {
        Ok(Checked {
            sku: Sku::parse(&self.sku)?,
            warehouse: self.warehouse_id,
            delta: Delta::parse(&self.delta.to_string())?,
            reason: Reason::parse_user(&self.reason)?,
            note: self.note,
            reference: self.reference,
            at: body::time(self.at.as_deref())?,
        })
    }
}

/// Records one adjustment, or an array of them in order, all or nothing.
#[utoipa::path(post, tag = "stock", path = "/api/stock/adjustments", request_body = AdjustBody,
    responses((status = 201, body = Vec<Movement>, description = "the movements written, as `stock adjust` prints them: one object for one body of a plain product, else an array")),
    security(("bearer" = [])))]
pub(crate) async fn adjust(
    Shared(state): Shared<Arc<State>>,
    auth: Auth,
    keyed: Keyed,
) -> Result<Reply, ApiError> {
    let bytes = keyed.bytes;
    let many = bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[');
    let items = body::one_or_many::<AdjustBody>(&bytes)?;
    let checked = items
        .into_iter()
        .enumerate()
        .map(|(i, a)| {
            a.check().map_err(|e| {
                let e = ApiError::from(e);
                if many {
                    e.at(&format!("item {}", i + 1))
                } else {
                    e
                }
            })
        })
        .collect::<std::result::Result<Vec<_>, _>>()?;
    write(&state, auth, keyed.key?, move |tx, ctx| {
        let adjs: Vec<Adjustment<'_>> = checked
            .iter()
            .map(|c| Adjustment {
                sku: c.sku.as_str(),
                warehouse: c.warehouse,
                delta: c.delta,
                reason: c.reason,
                note: c.note.as_deref(),
                reference: c.reference.as_deref(),
                at: c.at,
            })
            .collect();
        let moved = stock::adjust_in(tx, ctx, auth.tenant(), &adjs)?;
        // As `stock adjust` prints it: one object for one plain movement;
        // an array for an array body or a bundle's component movements.
        match moved.as_slice() {
            [one] if !many && one.bundle_sku.is_none() => Reply::json(StatusCode::CREATED, one),
            _ => Reply::json(StatusCode::CREATED, &moved),
        }
    })
    .await
}

/// `POST /api/stock/transfers`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct TransferBody {
    sku: String,
    #[schema(value_type = i64)]
    from_warehouse_id: WarehouseId,
    #[schema(value_type = i64)]
    to_warehouse_id: WarehouseId,
    quantity: i64,
    note: Option<String>,
    at: Option<String>,
}

impl Body for TransferBody {
    const KEYS: &'static [&'static str] = &[
        "sku",
        "from_warehouse_id",
        "to_warehouse_id",
        "quantity",
        "note",
        "at",
    ];
}

/// Moves units between two of the company's warehouses.
#[utoipa::path(post, tag = "stock", path = "/api/stock/transfers", request_body = TransferBody,
    responses((status = 201, body = Vec<Movement>, description = "both movements")), security(("bearer" = [])))]
pub(crate) async fn transfer(
    Shared(state): Shared<Arc<State>>,
    auth: Auth,
    keyed: Keyed,
) -> Result<Reply, ApiError> {
    let bytes = keyed.bytes;
    let b = body::object::<TransferBody>(&bytes)?;
    let t = Transfer {
        sku: Sku::parse(&b.sku)?,
        from: b.from_warehouse_id,
        to: b.to_warehouse_id,
        quantity: Quantity::parse_positive("quantity", &b.quantity.to_string())?,
        note: b.note,
        at: body::time(b.at.as_deref())?,
    };
    write(&state, auth, keyed.key?, move |tx, ctx| {
        Reply::json(
            StatusCode::CREATED,
            &stock::transfer_in(tx, ctx, auth.tenant(), &t)?,
        )
    })
    .await
}

/// `POST /api/stock/counts`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct CountBody {
    sku: String,
    #[schema(value_type = i64)]
    warehouse_id: WarehouseId,
    quantity: i64,
    note: Option<String>,
    at: Option<String>,
}

impl Body for CountBody {
    const KEYS: &'static [&'static str] = &["sku", "warehouse_id", "quantity", "note", "at"];
}

/// Records a cycle count; no difference writes nothing.
#[utoipa::path(post, tag = "stock", path = "/api/stock/counts", request_body = CountBody,
    responses((status = 201, body = Movement, description = "the movement"),
              (status = 200, description = "null: the count matched the stock")),
    security(("bearer" = [])))]
pub(crate) async fn count(
    Shared(state): Shared<Arc<State>>,
    auth: Auth,
    keyed: Keyed,
) -> Result<Reply, ApiError> {
    let bytes = keyed.bytes;
    let b = body::object::<CountBody>(&bytes)?;
    let c = Count {
        sku: Sku::parse(&b.sku)?,
        warehouse: b.warehouse_id,
        counted: body::quantity("quantity", b.quantity)?,
        note: b.note,
        at: body::time(b.at.as_deref())?,
    };
    write(
        &state,
        auth,
        keyed.key?,
        move |tx, ctx| match stock::count_in(tx, ctx, auth.tenant(), &c)? {
            Some(m) => Reply::json(StatusCode::CREATED, &m),
            None => Reply::json(StatusCode::OK, &()),
        },
    )
    .await
}

/// `GET /api/stock` parameters.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(crate) struct ListQuery {
    #[param(value_type = Option<i64>)]
    warehouse_id: Option<String>,
    sku: Option<String>,
}

/// Stock levels of the company, by SKU then warehouse.
#[utoipa::path(get, tag = "stock", path = "/api/stock", params(ListQuery),
    responses((status = 200, body = Vec<StockRow>, description = "array of stock rows")), security(("bearer" = [])))]
pub(crate) async fn list(
    Shared(state): Shared<Arc<State>>,
    auth: Auth,
    q: Result<Query<ListQuery>, QueryRejection>,
) -> Result<Json<Vec<StockRow>>, ApiError> {
    let q = body::query(q)?;
    let filter = StockFilter {
        company: Some(auth.company),
        warehouse: q
            .warehouse_id
            .as_deref()
            .map(WarehouseId::parse)
            .transpose()?,
        sku: q.sku.as_deref().map(Sku::parse).transpose()?,
    };
    let rows = blocking(&state, move |s| {
        s.with_db(|db| {
            stock::list_as(db, auth.tenant(), &filter, |rows| {
                rows.collect::<Result<Vec<_>>>()
            })
        })
    })
    .await?;
    Ok(Json(rows))
}

/// How many movements `GET /api/stock/history` returns without `limit`.
pub(crate) const HISTORY_PAGE: i64 = 1000;

/// `GET /api/stock/history` parameters.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(crate) struct HistoryQuery {
    sku: Option<String>,
    #[param(value_type = Option<i64>)]
    warehouse_id: Option<String>,
    since: Option<String>,
    until: Option<String>,
    /// Default 1000.
    #[param(value_type = Option<i64>)]
    limit: Option<String>,
    /// Only movements with a larger id, oldest first (for feeds).
    #[param(value_type = Option<i64>)]
    after_id: Option<String>,
}

/// The company's ledger: newest first, or with `after_id` in id order.
#[utoipa::path(get, tag = "stock", path = "/api/stock/history", params(HistoryQuery),
    responses((status = 200, body = Vec<Movement>, description = "array of movements")), security(("bearer" = [])))]
pub(crate) async fn history(
    Shared(state): Shared<Arc<State>>,
    auth: Auth,
    q: Result<Query<HistoryQuery>, QueryRejection>,
) -> Result<Json<Vec<Movement>>, ApiError> {
    let q = body::query(q)?;
    let count = |what: &str, t: Option<&str>| -> Result<Option<i64>> {
        t.map(|t| Quantity::parse(what, t).map(Quantity::get))
            .transpose()
    };
    let filter = HistoryFilter {
        sku: q.sku.as_deref().map(Sku::parse).transpose()?,
        warehouse: q
            .warehouse_id
            .as_deref()
            .map(WarehouseId::parse)
            .transpose()?,
        since: body::time(q.since.as_deref())?,
        until: body::time(q.until.as_deref())?,
        limit: Some(count("limit", q.limit.as_deref())?.unwrap_or(HISTORY_PAGE)),
        company: Some(auth.company),
        after_id: count("after_id", q.after_id.as_deref())?,
    };
    let rows = blocking(&state, move |s| {
        s.with_db(|db| {
            stock::history_as(db, auth.tenant(), &filter, |rows| {
                rows.collect::<Result<Vec<_>>>()
            })
        })
    })
    .await?;
    Ok(Json(rows))
}
