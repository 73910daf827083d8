//! The schema's tables and columns as data, parents before children: what
//! `copy` moves between engines, checked against both engines' schemas by
//! tests (`ops::copy` for SQLite's, `tests/cli/postgres.rs` for PostgreSQL's
//! against SQLite's).

/// How a column is stored: an integer, a flag, text, or bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `INTEGER` / `BIGINT`.
    Int,
    /// A flag: SQLite's `INTEGER` 0 or 1, PostgreSQL's `BOOLEAN`.
    Bool,
    /// `TEXT`.
    Text,
    /// `BLOB` / `BYTEA`.
    Bytes,
}

use Kind::{Bool, Bytes, Int, Text};

/// One table to copy: its name, whether it has an `id` sequence, and its
/// columns in order.
pub type Table = (&'static str, bool, &'static [(&'static str, Kind)]);

/// Every table of the schema, parents before children.
pub const TABLES: &[Table] = &[
    (
        "company",
        true,
        &[
            ("id", Int),
            ("name", Text),
            ("default_threshold", Int),
            ("created_at", Int),
        ],
    ),
    (
        "warehouse",
        true,
        &[
            ("id", Int),
            ("company_id", Int),
            ("name", Text),
            ("location", Text),
            ("created_at", Int),
        ],
    ),
    (
        "supplier",
        true,
        &[
            ("id", Int),
            ("company_id", Int),
            ("name", Text),
            ("contact_email", Text),
            ("phone", Text),
            ("created_at", Int),
        ],
    ),
    (
        "product",
        true,
        &[
            ("id", Int),
            ("company_id", Int),
            ("sku", Text),
            ("sku_key", Text),
            ("name", Text),
            ("price_cents", Int),
            ("type", Text),
            ("threshold", Int),
            ("is_bundle", Bool),
            ("archived", Bool),
            ("created_at", Int),
        ],
    ),
    (
        "product_supplier",
        false,
        &[
            ("product_id", Int),
            ("supplier_id", Int),
            ("company_id", Int),
            ("is_primary", Bool),
            ("lead_time_days", Int),
            ("cost_cents", Int),
            ("pack_size", Int),
            ("min_order_quantity", Int),
        ],
    ),
    (
        "bundle_component",
        false,
        &[
            ("bundle_id", Int),
            ("component_id", Int),
            ("company_id", Int),
            ("quantity", Int),
        ],
    ),
    (
        "type_threshold",
        false,
        &[("company_id", Int), ("type", Text), ("quantity", Int)],
    ),
    (
        "inventory",
        false,
        &[
            ("product_id", Int),
            ("warehouse_id", Int),
            ("company_id", Int),
            ("quantity", Int),
        ],
    ),
    (
        "location_threshold",
        false,
        &[
            ("product_id", Int),
            ("warehouse_id", Int),
            ("company_id", Int),
            ("quantity", Int),
            ("max_quantity", Int),
        ],
    ),
    (
        "movement",
        true,
        &[
            ("id", Int),
            ("product_id", Int),
            ("warehouse_id", Int),
            ("delta", Int),
            ("reason", Text),
            ("note", Text),
            ("reference", Text),
            ("actor", Text),
            ("occurred_at", Int),
            ("recorded_at", Int),
            ("bundle_id", Int),
        ],
    ),
    (
        "api_token",
        true,
        &[
            ("id", Int),
            ("company_id", Int),
            ("name", Text),
            ("hash", Bytes),
            ("created_at", Int),
            ("expires_at", Int),
            ("revoked_at", Int),
        ],
    ),
    (
        "idempotency_key",
        false,
        &[
            ("company_id", Int),
            ("key", Text),
            ("request_hash", Bytes),
            ("status", Int),
            ("body", Text),
            ("location", Text),
            ("created_at", Int),
        ],
    ),
    (
        "purchase_order",
        true,
        &[
            ("id", Int),
            ("company_id", Int),
            ("supplier_id", Int),
            ("warehouse_id", Int),
            ("status", Text),
            ("reference", Text),
            ("ordered_at", Int),
            ("expected_at", Int),
            ("first_received_at", Int),
            ("closed_at", Int),
            ("created_at", Int),
        ],
    ),
    (
        "purchase_order_line",
        false,
        &[
            ("order_id", Int),
            ("product_id", Int),
            ("company_id", Int),
            ("line_no", Int),
            ("quantity", Int),
            ("received", Int),
            ("unit_cost_cents", Int),
        ],
    ),
    (
        "purchase_receipt",
        false,
        &[("movement_id", Int), ("order_id", Int), ("product_id", Int)],
    ),
];
