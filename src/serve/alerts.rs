//! `GET /api/companies/{company_id}/alerts/low-stock`: exactly the value
//! `alerts low-stock --format json` prints, from the same library call.

use std::sync::Arc;

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State as Shared};
use serde::Deserialize;
use utoipa::IntoParams;

use super::body;
use super::error::ApiError;
use super::products::page;
use super::state::{Auth, State, blocking, now};
use crate::model::{CompanyId, Quantity, WarehouseId};
use crate::ops::alerts::{self, Report};

/// The query parameters: the CLI's flags in snake case, with its defaults.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(crate) struct AlertsQuery {
    #[param(value_type = Option<i64>)]
    warehouse_id: Option<String>,
    /// Sales window in days (default 30).
    #[param(value_type = Option<i64>)]
    days: Option<String>,
    /// End of the window (default now).
    as_of: Option<String>,
    /// Default 30.
    #[param(value_type = Option<i64>)]
    cover_days: Option<String>,
    #[param(value_type = Option<i64>)]
    limit: Option<String>,
    #[param(value_type = Option<i64>)]
    offset: Option<String>,
}

/// Low-stock alerts of the company, most urgent first.
#[utoipa::path(get, tag = "alerts", path = "/api/companies/{company_id}/alerts/low-stock",
    params(("company_id" = i64, Path), AlertsQuery),
    responses((status = 200, body = Report, description = "{alerts, total_alerts}, as `alerts low-stock --format json`")),
    security(("bearer" = [])))]
pub(crate) async fn low_stock(
    Shared(state): Shared<Arc<State>>,
    auth: Auth,
    body::Segment(company_id): body::Segment,
    q: Result<Query<AlertsQuery>, QueryRejection>,
) -> Result<Json<Report>, ApiError> {
    let q = body::query(q)?;
    let company = CompanyId::parse(&company_id)?;
    let query = alerts::Query {
        company,
        warehouse: q
            .warehouse_id
            .as_deref()
            .map(WarehouseId::parse)
            .transpose()?,
        days: Quantity::parse_positive("days", q.days.as_deref().unwrap_or("30"))?.get(),
        as_of: body::time(q.as_of.as_deref())?.unwrap_or_else(now),
        cover_days: Quantity::parse("cover days", q.cover_days.as_deref().unwrap_or("30"))?.get(),
        limit: page("limit", q.limit.as_deref())?,
        offset: page("offset", q.offset.as_deref())?.unwrap_or(0),
    };
    let report = blocking(&state, move |s| {
        s.with_db(|db| alerts::low_stock_as(db, auth.tenant(), &query))
    })
    .await?;
    Ok(Json(report))
}
