//! OpenAPI schemas of the library's value types, as their JSON shows them:
//! ids are integers, money a two-place decimal string, times RFC 3339 UTC,
//! reasons one of a fixed set. The records built from them derive their
//! schemas (behind the `serve` feature) next to their definitions.

use std::borrow::Cow;

use utoipa::openapi::schema::{ObjectBuilder, Schema, SchemaFormat, Type};
use utoipa::openapi::{KnownFormat, RefOr};
use utoipa::{PartialSchema, ToSchema};

use crate::model::{CompanyId, Money, ProductId, Reason, SupplierId, Timestamp, WarehouseId};

macro_rules! schema {
    ($ty:ty, $name:literal, $build:expr) => {
        impl PartialSchema for $ty {
            fn schema() -> RefOr<Schema> {
                let build: ObjectBuilder = $build;
                RefOr::T(Schema::Object(build.build()))
            }
        }

        impl ToSchema for $ty {
            fn name() -> Cow<'static, str> {
                Cow::Borrowed($name)
            }
        }
    };
}

fn id(what: &str) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::Integer)
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)))
        .minimum(Some(1))
        .description(Some(format!("the integer id of a {what}")))
}

schema!(CompanyId, "CompanyId", id("company"));
schema!(WarehouseId, "WarehouseId", id("warehouse"));
schema!(SupplierId, "SupplierId", id("supplier"));
schema!(ProductId, "ProductId", id("product"));
schema!(
    Money,
    "Money",
    ObjectBuilder::new()
        .schema_type(Type::String)
        .pattern(Some(r"^[0-9]{1,8}\.[0-9]{2}$"))
        .examples(["19.90"])
        .description(Some("an exact amount with two decimal places"))
);
schema!(
    Timestamp,
    "Timestamp",
    ObjectBuilder::new()
        .schema_type(Type::String)
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::DateTime)))
        .examples(["2026-01-15T10:00:00Z"])
);
schema!(
    Reason,
    "Reason",
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(Reason::ALL.iter().map(|r| r.as_str())))
);
