//! `GET /api/companies/{company_id}/reorder-plan`: exactly the value
//! `reorder plan --format json` prints, from the same library call.

use std::sync::Arc;

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State as Shared};
use serde::Deserialize;
use utoipa::IntoParams;

use super::body;
use super::error::ApiError;
use super::state::{Auth, State, blocking, now};
use crate::model::{CompanyId, Quantity, SupplierId, WarehouseId};
use crate::ops::plan::{self, Plan};

/// The query parameters: the CLI's flags in snake case, with its defaults.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(crate) struct PlanQuery {
    #[param(value_type = Option<i64>)]
    warehouse_id: Option<String>,
    /// Only products whose primary supplier is this one.
    #[param(value_type = Option<i64>)]
    supplier_id: Option<String>,
    /// Sales window in days (default 30).
    #[param(value_type = Option<i64>)]
    days: Option<String>,
    /// End of the window (default now).
    as_of: Option<String>,
    /// Default 30.
    #[param(value_type = Option<i64>)]
    cover_days: Option<String>,
    /// Safety stock for this service level, in percent (50 < PCT < 100).
    service_level: Option<String>,
}

/// The company's reorder plan: draft orders per (primary supplier, warehouse).
#[utoipa::path(get, tag = "purchasing", path = "/api/companies/{company_id}/reorder-plan",
    params(("company_id" = i64, Path), PlanQuery),
    responses((status = 200, body = Plan, description = "{orders, total_lines}, as `reorder plan --format json`")),
    security(("bearer" = [])))]
pub(crate) async fn reorder_plan(
    Shared(state): Shared<Arc<State>>,
    auth: Auth,
    body::Segment(company_id): body::Segment,
    q: Result<Query<PlanQuery>, QueryRejection>,
) -> Result<Json<Plan>, ApiError> {
    let q = body::query(q)?;
    let query = plan::Query {
        company: CompanyId::parse(&company_id)?,
        warehouse: q
            .warehouse_id
            .as_deref()
            .map(WarehouseId::parse)
            .transpose()?,
        supplier: q
            .supplier_id
            .as_deref()
            .map(SupplierId::parse)
            .transpose()?,
        days: Quantity::parse_positive("days", q.days.as_deref().unwrap_or("30"))?.get(),
        as_of: body::time(q.as_of.as_deref())?.unwrap_or_else(now),
        cover_days: Quantity::parse("cover days", q.cover_days.as_deref().unwrap_or("30"))?.get(),
        service_level: q.service_level.as_deref().map(str::parse).transpose()?,
    };
    let plan = blocking(&state, move |s| {
        s.with_db(|db| plan::plan_as(db, auth.tenant(), &query))
    })
    .await?;
    Ok(Json(plan))
}
