//! `/api/suppliers`: the token's company's suppliers.

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
use crate::ops::catalog::{self, ListedSupplier, NewSupplier, Supplier};

/// `POST /api/suppliers`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewSupplierBody {
    name: String,
    email: Option<String>,
    phone: Option<String>,
}

impl Body for NewSupplierBody {
    const KEYS: &'static [&'static str] = &["name", "email", "phone"];
}

/// The company's suppliers, by id.
#[utoipa::path(get, tag = "suppliers", path = "/api/suppliers",
    responses((status = 200, body = Vec<ListedSupplier>, description = "array of suppliers")), security(("bearer" = [])))]
pub(crate) async fn list(
    Shared(state): Shared<Arc<State>>,
    auth: Auth,
) -> Result<Json<Vec<ListedSupplier>>, ApiError> {
    let all = blocking(&state, move |s| {
        s.with_db(|db| catalog::list_suppliers(db, Some(auth.company)))
    })
    .await?;
    Ok(Json(all))
}

/// Creates a supplier of the company.
#[utoipa::path(post, tag = "suppliers", path = "/api/suppliers", request_body = NewSupplierBody,
    responses((status = 201, body = Supplier, description = "the supplier")), security(("bearer" = [])))]
pub(crate) async fn create(
    Shared(state): Shared<Arc<State>>,
    auth: Auth,
    keyed: Keyed,
) -> Result<Reply, ApiError> {
    let bytes = keyed.bytes;
    let b = body::object::<NewSupplierBody>(&bytes)?;
    let new = NewSupplier {
        company: auth.company,
        name: model::name("supplier name", &b.name)?,
        email: b.email.as_deref().map(model::email).transpose()?,
        phone: b.phone,
    };
    write(&state, auth, keyed.key?, move |tx, ctx| {
        Reply::json(StatusCode::CREATED, &catalog::supplier_in(tx, ctx, &new)?)
    })
    .await
}
