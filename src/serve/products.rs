//! `/api/products`: create (the case study's body), list, show, update.

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
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
use crate::model::{self, Sku, WarehouseId};
use crate::ops::product::{self, Changes, NewProduct, Product, ProductDetail};

/// `POST /api/products`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewProductBody {
    name: String,
    sku: String,
    /// A string ("19.90") or a number (19.9), at most 2 decimal places.
    #[schema(value_type = String)]
    price: Box<RawValue>,
    #[serde(rename = "type")]
    product_type: Option<String>,
    threshold: Option<i64>,
    #[schema(value_type = Option<i64>)]
    warehouse_id: Option<WarehouseId>,
    initial_quantity: Option<i64>,
}

impl Body for NewProductBody {
    const KEYS: &'static [&'static str] = &[
        "name",
        "sku",
        "price",
        "type",
        "threshold",
        "warehouse_id",
        "initial_quantity",
    ];
}

impl NewProductBody {
    fn into_new(self, company: model::CompanyId) -> crate::Result<NewProduct> {
        let stock = match (self.warehouse_id, self.initial_quantity) {
            (Some(w), Some(q)) => Some((w, body::quantity("initial_quantity", q)?)),
            (None, None) => None,
            _ => {
                return Err(crate::Error::invalid(
                    "warehouse_id and initial_quantity go together (both or neither)",
                ));
            }
        };
        Ok(NewProduct {
            company,
            sku: Sku::parse(&self.sku)?,
            name: model::name("product name", &self.name)?,
            price: body::money("price", &self.price)?,
            product_type: self
                .product_type
                .as_deref()
                .map(model::product_type)
                .transpose()?,
            threshold: self
                .threshold
                .map(|t| body::quantity("threshold", t))
                .transpose()?,
            stock,
        })
    }
}

/// Creates a product with its opening stock, in one transaction.
#[utoipa::path(post, tag = "products", path = "/api/products", request_body = NewProductBody,
    responses((status = 201, body = Product, description = "the product; Location: /api/products/{sku}")),
    security(("bearer" = [])))]
pub(crate) async fn create(
    Shared(state): Shared<Arc<State>>,
    auth: Auth,
    keyed: Keyed,
) -> Result<Reply, ApiError> {
    let bytes = keyed.bytes;
    let new = body::object::<NewProductBody>(&bytes)?.into_new(auth.company)?;
    write(&state, auth, keyed.key?, move |tx, ctx| {
        let p = product::create_in(tx, ctx, auth.tenant(), &new)?;
        let location = format!("/api/products/{}", path_segment(&p.sku));
        Ok(Reply::json(StatusCode::CREATED, &p)?.located(location))
    })
    .await
}

/// A SKU as one URL path segment.
fn path_segment(text: &str) -> String {
    // `.` and `..` would be dot segments that clients resolve away.
    let dots = text == "." || text == "..";
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_~".contains(&b) || (b == b'.' && !dots) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// `GET /api/products` parameters.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(crate) struct ListQuery {
    #[param(value_type = Option<bool>)]
    include_archived: Option<String>,
    #[param(value_type = Option<i64>)]
    limit: Option<String>,
    #[param(value_type = Option<i64>)]
    offset: Option<String>,
}

/// The company's products, by SKU.
#[utoipa::path(get, tag = "products", path = "/api/products", params(ListQuery),
    responses((status = 200, body = Vec<Product>, description = "array of products")), security(("bearer" = [])))]
pub(crate) async fn list(
    Shared(state): Shared<Arc<State>>,
    auth: Auth,
    q: Result<Query<ListQuery>, QueryRejection>,
) -> Result<Json<Vec<Product>>, ApiError> {
    let q = body::query(q)?;
    let offset = page("offset", q.offset.as_deref())?.unwrap_or(0);
    let limit = page("limit", q.limit.as_deref())?.unwrap_or(usize::MAX);
    let archived = match q.include_archived.as_deref() {
        None | Some("false") => false,
        Some("true") => true,
        Some(other) => {
            return Err(ApiError::invalid(format!(
                "include_archived must be true or false: {other}"
            )));
        }
    };
    let all = blocking(&state, move |s| {
        s.with_db(|db| product::list(db, Some(auth.company), archived))
    })
    .await?;
    Ok(Json(all.into_iter().skip(offset).take(limit).collect()))
}

/// A `limit` or `offset` parameter: a whole number >= 0.
pub(crate) fn page(what: &str, text: Option<&str>) -> crate::Result<Option<usize>> {
    text.map(|t| {
        let n = model::Quantity::parse(what, t)?.get();
        usize::try_from(n).map_err(|_| crate::Error::invalid(format!("{what} is too large: {t}")))
    })
    .transpose()
}

/// One product with its stock, suppliers and components.
#[utoipa::path(get, tag = "products", path = "/api/products/{sku}", params(("sku" = String, Path)),
    responses((status = 200, body = ProductDetail, description = "the product in detail")), security(("bearer" = [])))]
pub(crate) async fn show(
    Shared(state): Shared<Arc<State>>,
    auth: Auth,
    body::Segment(sku): body::Segment,
) -> Result<Json<ProductDetail>, ApiError> {
    let sku = Sku::parse(&sku)?;
    let detail = blocking(&state, move |s| {
        s.with_db(|db| db.read(|tx| product::show_in(tx, auth.tenant(), &sku)))
    })
    .await?;
    Ok(Json(detail))
}

/// `PATCH /api/products/{sku}`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ProductChangesBody {
    // `null` is refused (422) for name, price and type, rather than ignored.
    #[serde(default, deserialize_with = "body::present")]
    name: Option<String>,
    #[serde(default, deserialize_with = "body::present")]
    #[schema(value_type = Option<String>)]
    price: Option<Box<RawValue>>,
    #[serde(rename = "type", default, deserialize_with = "body::present")]
    product_type: Option<String>,
    /// `null` clears the product's own threshold.
    #[serde(default, deserialize_with = "body::present")]
    #[schema(value_type = Option<i64>)]
    threshold: Option<Option<i64>>,
}

impl Body for ProductChangesBody {
    const KEYS: &'static [&'static str] = &["name", "price", "type", "threshold"];
}

/// Changes a product's name, price, type or threshold.
#[utoipa::path(patch, tag = "products", path = "/api/products/{sku}", params(("sku" = String, Path)),
    request_body = ProductChangesBody,
    responses((status = 200, body = Product, description = "the product")), security(("bearer" = [])))]
pub(crate) async fn update(
    Shared(state): Shared<Arc<State>>,
    auth: Auth,
    body::Segment(sku): body::Segment,
    bytes: Result<Bytes, BytesRejection>,
) -> Result<Reply, ApiError> {
    let bytes = body::bytes(bytes)?;
    let b = body::object::<ProductChangesBody>(&bytes)?;
    let sku = Sku::parse(&sku)?;
    let changes = Changes {
        name: b
            .name
            .as_deref()
            .map(|n| model::name("product name", n))
            .transpose()?,
        price: b
            .price
            .as_deref()
            .map(|p| body::money("price", p))
            .transpose()?,
        product_type: b
            .product_type
            .as_deref()
            .map(model::product_type)
            .transpose()?,
        threshold: b
            .threshold
            .map(|t| t.map(|n| body::quantity("threshold", n)).transpose())
            .transpose()?,
    };
    write(&state, auth, None, move |tx, _| {
        Reply::json(
            StatusCode::OK,
            &product::update_in(tx, auth.tenant(), &sku, &changes)?,
        )
    })
    .await
}
