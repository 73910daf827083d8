//! `/api/warehouses`: the token's company's warehouses.

use std::sync::Arc;

use axum::Json;
use axum::extract::State as Shared;
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::ToSchema;

use super::body::{self, Body};
use super::error::ApiError;
use super::idempotency::{Keyed, Reply};
use super::state::{Auth, State, blocking};
use super::write;
use crate::model;
use crate::ops::catalog::{self, Warehouse};

/// `POST /api/warehouses`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewWarehouseBody {
    name: String,
    location: Option<String>,
}

impl Body for NewWarehouseBody {
    const KEYS: &'static [&'static str] = &["name", "location"];
}

/// The company's warehouses, by id.
#[utoipa::path(get, tag = "warehouses", path = "/api/warehouses",
    responses((status = 200, body = Vec<Warehouse>, description = "array of warehouses")), security(("bearer" = [])))]
pub(crate) async fn list(
    Shared(state): Shared<Arc<State>>,
    auth: Auth,
) -> Result<Json<Vec<Warehouse>>, ApiError> {
    let all = blocking(&state, move |s| {
        s.with_db(|db| catalog::list_warehouses(db, Some(auth.company)))
    })
    .await?;
    Ok(Json(all))
}

/// Creates a warehouse of the company.
#[utoipa::path(post, tag = "warehouses", path = "/api/warehouses", request_body = NewWarehouseBody,
    responses((status = 201, body = Warehouse, description = "the warehouse")), security(("bearer" = [])))]
pub(crate) async fn create(
    Shared(state): Shared<Arc<State>>,
    auth: Auth,
    keyed: Keyed,
) -> Result<Reply, ApiError> {
    let bytes = keyed.bytes;
    let b = body::object::<NewWarehouseBody>(&bytes)?;
    let name = model::name("warehouse name", &b.name)?;
    write(&state, auth, keyed.key?, move |tx, ctx| {
        let w = catalog::warehouse_in(tx, ctx, auth.company, &name, b.location.as_deref())?;
        Reply::json(StatusCode::CREATED, &w)
    })
    .await
}
