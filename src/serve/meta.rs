//! Health and the OpenAPI document, both without a token. The document is
//! generated from the handlers' own annotations and body types.

use axum::Json;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

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
    ),
    modifiers(&Bearer)
)]
struct Doc;

struct Bearer;

impl Modify for Bearer {
    fn modify(&self, api: &mut utoipa::openapi::OpenApi) {
        let components = api.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}
