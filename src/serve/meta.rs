//! Health and the OpenAPI document, both without a token. The document is
//! generated from the handlers' own annotations and body types.

use axum::Json;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
use utoipa::{Modify, OpenApi, PartialSchema};

use super::error::ErrorBody;

/// Liveness: the process answers.
#[utoipa::path(get, tag = "meta", path = "/api/health",
    responses((status = 200, description = "{\"status\": \"ok\"}")))]
pub(crate) async fn health() -> Json<serde_json::Value> {
    Json(serde_json::json!({"status": "ok"}))
}

/// This document.
#[utoipa::path(get, tag = "meta", path = "/api/openapi.json",
    responses((status = 200, description = "the OpenAPI 3 description of every route")))]
pub(crate) async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(document())
}

/// The OpenAPI description of every route.
pub fn document() -> utoipa::openapi::OpenApi {
    Doc::openapi()
}

#[derive(OpenApi)]
#[openapi(
    info(title = "stockflow", description = "Inventory administration API: the same library and database as the stockflow CLI"),
    paths(
        health,
        openapi,
        super::products::create,
        super::products::list,
        super::products::show,
        super::products::update,
        super::warehouses::list,
        super::warehouses::create,
        super::suppliers::list,
        super::suppliers::create,
        super::stock::adjust,
        super::stock::transfer,
        super::stock::count,
        super::stock::list,
        super::stock::history,
        super::alerts::low_stock,
        super::orders::create,
        super::orders::list,
        super::orders::show,
        super::orders::receive,
        super::orders::close,
        super::plan::reorder_plan,
    ),
    modifiers(&Bearer)
)]
struct Doc;

/// The bearer scheme, and every operation's error answer.
struct Bearer;

impl Modify for Bearer {
    fn modify(&self, api: &mut utoipa::openapi::OpenApi) {
        let components = api.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        components
            .schemas
            .insert("Error".to_owned(), ErrorBody::schema());
        let error = ResponseBuilder::new()
            .description(
                "an error: 400, 401, 404, 405, 409, 413, 422, 503 (with Retry-After) or 500",
            )
            .content(
                "application/json",
                ContentBuilder::new()
                    .schema(Some(Ref::from_schema_name("Error")))
                    .build(),
            )
            .build();
        for item in api.paths.paths.values_mut() {
            for op in [&mut item.get, &mut item.post, &mut item.patch]
                .into_iter()
                .flatten()
            {
                op.responses
                    .responses
                    .insert("default".to_owned(), error.clone().into());
            }
        }
    }
}
