//! Every row type's columns: machine names and cells for CSV (the JSON keys,
//! flattened), and the table for people (short headers in words, names rather
//! than ids, numbers on the right, compact UTC times).

use super::{Cell, Column, Record, Tone};
use crate::model::Timestamp;
use crate::ops::alerts::{Alert, Urgency};
use crate::ops::bundle::Component;
use crate::ops::catalog::{Company, ListedSupplier, Supplier, SupplierLink, Warehouse};
use crate::ops::copy::TableCount;
use crate::ops::product::Product;
use crate::ops::stock::{Applied, Movement, StockRow};
use crate::ops::threshold::Threshold;
use crate::ops::token::{Created, Token};

/// `2026-01-15 10:00` (UTC), with seconds only when there are some.
pub(super) fn when(t: Timestamp) -> String {
    let text = t.to_string();
    let text = text
        .strip_suffix('Z')
        .unwrap_or(&text)
        .replacen('T', " ", 1);
    text.strip_suffix(":00")
        .map_or_else(|| text.clone(), str::to_owned)
}

/// The width a name (product, warehouse, supplier) keeps on a narrow
/// terminal while anything optional can still give way (SPEC 5: names of up
/// to 14 characters shown whole).
const NAME: usize = 14;

fn text(value: Option<&str>) -> String {
    value.unwrap_or_default().to_owned()
}

fn yes(flag: bool) -> String {
    if flag { "yes".into() } else { String::new() }
}

impl Record for Company {
    fn columns() -> &'static [&'static str] {
        &["id", "name", "created_at"]
    }
    fn cells(&self) -> Vec<Cell> {
        vec![
            Cell::num(Some(self.id)),
            Cell::Text(self.name.clone()),
            Cell::Text(self.created_at.to_string()),
        ]
    }
    fn table() -> &'static [Column] {
        const COLUMNS: &[Column] = &[
            Column::num("ID"),
            Column::text("Name").shrink(12),
            Column::text("Created (UTC)").optional(1),
        ];
        COLUMNS
    }
    fn row(&self) -> Vec<String> {
        vec![
            self.id.to_string(),
            self.name.clone(),
            when(self.created_at),
        ]
    }
}

impl Record for Warehouse {
    fn columns() -> &'static [&'static str] {
        &["id", "company_id", "name", "location"]
    }
    fn cells(&self) -> Vec<Cell> {
        vec![
            Cell::num(Some(self.id)),
            Cell::num(Some(self.company_id)),
            Cell::Text(self.name.clone()),
            Cell::text(self.location.as_deref()),
        ]
    }
    fn table() -> &'static [Column] {
        const COLUMNS: &[Column] = &[
            Column::num("ID"),
            Column::text("Name").shrink(12),
            Column::text("Location").shrink(10).optional(1),
            Column::num("Company").optional(2),
        ];
        COLUMNS
    }
    fn row(&self) -> Vec<String> {
        vec![
            self.id.to_string(),
            self.name.clone(),
            text(self.location.as_deref()),
            self.company_id.to_string(),
        ]
    }
}

impl Record for Supplier {
    fn columns() -> &'static [&'static str] {
        &["id", "company_id", "name", "contact_email", "phone"]
    }
    fn cells(&self) -> Vec<Cell> {
        vec![
            Cell::num(Some(self.id)),
            Cell::num(Some(self.company_id)),
            Cell::Text(self.name.clone()),
            Cell::text(self.contact_email.as_deref()),
            Cell::text(self.phone.as_deref()),
        ]
    }
    fn table() -> &'static [Column] {
        const COLUMNS: &[Column] = &[
            Column::num("ID"),
            Column::text("Name").shrink(12),
            Column::text("E-mail").shrink(12).optional(1),
            Column::text("Phone").optional(2),
            Column::num("Company").optional(3),
        ];
        COLUMNS
    }
    fn row(&self) -> Vec<String> {
        vec![
            self.id.to_string(),
            self.name.clone(),
            text(self.contact_email.as_deref()),
            text(self.phone.as_deref()),
            self.company_id.to_string(),
        ]
    }
}

impl Record for ListedSupplier {
    fn columns() -> &'static [&'static str] {
        &[
            "id",
            "company_id",
            "name",
            "contact_email",
            "phone",
            "observed_lead_time_days",
        ]
    }
    fn cells(&self) -> Vec<Cell> {
        let mut cells = self.supplier.cells();
        cells.push(Cell::num(self.observed_lead_time_days));
        cells
    }
    fn table() -> &'static [Column] {
        const COLUMNS: &[Column] = &[
            Column::num("ID"),
            Column::text("Name").shrink(12),
            Column::text("E-mail").shrink(12).optional(1),
            Column::text("Phone").optional(2),
            Column::num("Company").optional(3),
            Column::num("Lead days seen").short("Seen").optional(4),
        ];
        COLUMNS
    }
    fn row(&self) -> Vec<String> {
        let mut row = self.supplier.row();
        row.push(
            self.observed_lead_time_days
                .map(|d| d.to_string())
                .unwrap_or_default(),
        );
        row
    }
}

impl Record for SupplierLink {
    fn columns() -> &'static [&'static str] {
        &[
            "id",
            "company_id",
            "name",
            "contact_email",
            "phone",
            "sku",
            "is_primary",
            "lead_time_days",
            "cost",
            "pack_size",
            "min_order_quantity",
        ]
    }
    fn cells(&self) -> Vec<Cell> {
        let mut cells = self.supplier.cells();
        cells.extend([
            Cell::Text(self.sku.clone()),
            Cell::num(Some(self.is_primary)),
            Cell::num(self.lead_time_days),
            Cell::num(self.cost),
            Cell::num(Some(self.pack_size)),
            Cell::num(Some(self.min_order_quantity)),
        ]);
        cells
    }
    fn table() -> &'static [Column] {
        const COLUMNS: &[Column] = &[
            Column::num("ID"),
            Column::text("Supplier").shrink(12),
            Column::text("E-mail").shrink(12).optional(1),
            Column::text("Primary"),
            Column::num("Lead days"),
            Column::num("Cost"),
            Column::num("Pack").optional(2),
            Column::num("Min order").short("MOQ").optional(2),
        ];
        COLUMNS
    }
    fn row(&self) -> Vec<String> {
        vec![
            self.supplier.id.to_string(),
            self.supplier.name.clone(),
            text(self.supplier.contact_email.as_deref()),
            yes(self.is_primary),
            self.lead_time_days
                .map(|d| d.to_string())
                .unwrap_or_default(),
            self.cost.map(|c| c.to_string()).unwrap_or_default(),
            self.pack_size.to_string(),
            self.min_order_quantity.to_string(),
        ]
    }
}

impl Record for Product {
    fn columns() -> &'static [&'static str] {
        &[
            "id",
            "company_id",
            "sku",
            "name",
            "price",
            "type",
            "threshold",
            "is_bundle",
            "archived",
            "created_at",
        ]
    }
    fn cells(&self) -> Vec<Cell> {
        vec![
            Cell::num(Some(self.id)),
            Cell::num(Some(self.company_id)),
            Cell::Text(self.sku.clone()),
            Cell::Text(self.name.clone()),
            Cell::num(Some(self.price)),
            Cell::text(self.product_type.as_deref()),
            Cell::num(self.threshold),
            Cell::num(Some(self.is_bundle)),
            Cell::num(Some(self.archived)),
            Cell::Text(self.created_at.to_string()),
        ]
    }
    fn table() -> &'static [Column] {
        const COLUMNS: &[Column] = &[
            Column::text("SKU"),
            Column::text("Product").shrink(12),
            Column::num("Price"),
            Column::text("Type").shrink(8).optional(2),
            Column::num("Min").optional(3),
            Column::text("Kind").optional(1),
        ];
        COLUMNS
    }
    fn row(&self) -> Vec<String> {
        let kind = match (self.is_bundle, self.archived) {
            (true, true) => "bundle, archived",
            (true, false) => "bundle",
            (false, true) => "archived",
            (false, false) => "",
        };
        vec![
            self.sku.clone(),
            self.name.clone(),
            self.price.to_string(),
            text(self.product_type.as_deref()),
            self.threshold.map(|t| t.to_string()).unwrap_or_default(),
            kind.to_owned(),
        ]
    }
}

impl Record for Threshold {
    fn columns() -> &'static [&'static str] {
        &[
            "scope",
            "company_id",
            "type",
            "sku",
            "warehouse_id",
            "quantity",
            "max",
        ]
    }
    fn cells(&self) -> Vec<Cell> {
        vec![
            Cell::Text(self.scope.to_owned()),
            Cell::num(Some(self.company_id)),
            Cell::text(self.product_type.as_deref()),
            Cell::text(self.sku.as_deref()),
            Cell::num(self.warehouse_id),
            Cell::num(Some(self.quantity)),
            Cell::num(self.max),
        ]
    }
    fn table() -> &'static [Column] {
        const COLUMNS: &[Column] = &[
            Column::text("Applies to"),
            Column::text("Type").shrink(8).optional(1),
            Column::text("SKU").optional(1),
            Column::text("Warehouse").shrink(10).optional(1),
            Column::num("Min"),
            Column::num("Max"),
        ];
        COLUMNS
    }
    fn row(&self) -> Vec<String> {
        vec![
            self.scope.to_owned(),
            text(self.product_type.as_deref()),
            text(self.sku.as_deref()),
            match (&self.warehouse_name, self.warehouse_id) {
                (Some(name), _) => name.clone(),
                (None, Some(id)) => format!("#{id}"),
                (None, None) => String::new(),
            },
            self.quantity.to_string(),
            self.max.map(|m| m.to_string()).unwrap_or_default(),
        ]
    }
}

impl Record for Component {
    fn columns() -> &'static [&'static str] {
        &["sku", "quantity"]
    }
    fn cells(&self) -> Vec<Cell> {
        vec![Cell::Text(self.sku.clone()), Cell::num(Some(self.quantity))]
    }
    fn table() -> &'static [Column] {
        const COLUMNS: &[Column] = &[Column::text("SKU"), Column::num("Per bundle")];
        COLUMNS
    }
    fn row(&self) -> Vec<String> {
        vec![self.sku.clone(), self.quantity.to_string()]
    }
}

impl Record for Applied {
    fn columns() -> &'static [&'static str] {
        &["applied", "bulk_load"]
    }
    fn cells(&self) -> Vec<Cell> {
        vec![
            Cell::num(Some(self.applied)),
            Cell::Number(self.bulk_load.to_string()),
        ]
    }
    fn table() -> &'static [Column] {
        const COLUMNS: &[Column] = &[Column::num("Applied"), Column::text("Bulk load")];
        COLUMNS
    }
    fn row(&self) -> Vec<String> {
        vec![self.applied.to_string(), yes(self.bulk_load)]
    }
}

impl Record for StockRow {
    fn columns() -> &'static [&'static str] {
        &[
            "product_id",
            "sku",
            "product_name",
            "warehouse_id",
            "warehouse_name",
            "quantity",
        ]
    }
    fn cells(&self) -> Vec<Cell> {
        vec![
            Cell::num(Some(self.product_id)),
            Cell::Text(self.sku.clone()),
            Cell::Text(self.product_name.clone()),
            Cell::num(Some(self.warehouse_id)),
            Cell::Text(self.warehouse_name.clone()),
            Cell::num(Some(self.quantity)),
        ]
    }
    fn table() -> &'static [Column] {
        const COLUMNS: &[Column] = &[
            Column::text("SKU"),
            Column::text("Product").shrink(NAME),
            Column::text("Warehouse").shrink(NAME),
            Column::num("Stock"),
        ];
        COLUMNS
    }
    fn row(&self) -> Vec<String> {
        vec![
            self.sku.clone(),
            self.product_name.clone(),
            self.warehouse_name.clone(),
            self.quantity.to_string(),
        ]
    }
}

impl Record for Movement {
    fn columns() -> &'static [&'static str] {
        &[
            "id",
            "product_id",
            "sku",
            "warehouse_id",
            "delta",
            "reason",
            "note",
            "reference",
            "actor",
            "occurred_at",
            "recorded_at",
            "bundle_sku",
            "quantity",
            "warehouse_name",
        ]
    }
    fn cells(&self) -> Vec<Cell> {
        vec![
            Cell::num(Some(self.id)),
            Cell::num(Some(self.product_id)),
            Cell::Text(self.sku.clone()),
            Cell::num(Some(self.warehouse_id)),
            Cell::num(Some(self.delta)),
            Cell::Text(self.reason.as_str().to_owned()),
            Cell::text(self.note.as_deref()),
            Cell::text(self.reference.as_deref()),
            Cell::Text(self.actor.clone()),
            Cell::Text(self.occurred_at.to_string()),
            Cell::Text(self.recorded_at.to_string()),
            Cell::text(self.bundle_sku.as_deref()),
            Cell::num(self.quantity),
            // Last: it came after the others, and CSV readers may go by position.
            Cell::Text(self.warehouse_name.clone()),
        ]
    }
    fn table() -> &'static [Column] {
        const COLUMNS: &[Column] = &[
            Column::text("When (UTC)"),
            Column::text("SKU"),
            Column::text("Warehouse").shrink(NAME),
            Column::num("Change"),
            Column::text("Reason"),
            // After a write the new stock is the answer: it goes last.
            Column::num("Stock").optional(1),
            Column::text("Reference").shrink(9).optional(2),
            Column::text("Note").shrink(6).optional(3),
            Column::text("By").shrink(6).optional(4),
        ];
        COLUMNS
    }
    fn row(&self) -> Vec<String> {
        let reason = match &self.bundle_sku {
            Some(bundle) => format!("{} ({bundle})", self.reason.as_str()),
            None => self.reason.as_str().to_owned(),
        };
        vec![
            when(self.occurred_at),
            self.sku.clone(),
            self.warehouse_name.clone(),
            format!("{:+}", self.delta),
            reason,
            self.quantity.map(|q| q.to_string()).unwrap_or_default(),
            text(self.reference.as_deref()),
            text(self.note.as_deref()),
            self.actor.clone(),
        ]
    }
}

impl Record for Alert {
    fn columns() -> &'static [&'static str] {
        &[
            "product_id",
            "product_name",
            "sku",
            "warehouse_id",
            "warehouse_name",
            "current_stock",
            "threshold",
            "days_until_stockout",
            "supplier_id",
            "supplier_name",
            "supplier_email",
            "product_type",
            "units_sold",
            "avg_daily_sales",
            "lead_time_days",
            "suggested_reorder_quantity",
            "window_days",
            "on_order",
        ]
    }
    fn cells(&self) -> Vec<Cell> {
        let s = self.supplier.as_ref();
        vec![
            Cell::num(Some(self.product_id)),
            Cell::Text(self.product_name.clone()),
            Cell::Text(self.sku.clone()),
            Cell::num(Some(self.warehouse_id)),
            Cell::Text(self.warehouse_name.clone()),
            Cell::num(Some(self.current_stock)),
            Cell::num(Some(self.threshold)),
            Cell::num(Some(self.days_until_stockout)),
            Cell::num(s.map(|s| s.id)),
            Cell::text(s.map(|s| s.name.as_str())),
            Cell::text(s.and_then(|s| s.contact_email.as_deref())),
            Cell::text(self.product_type.as_deref()),
            Cell::num(Some(self.units_sold)),
            Cell::Number(self.avg_daily_sales.clone()),
            Cell::num(self.lead_time_days),
            Cell::num(Some(self.suggested_reorder_quantity)),
            Cell::num(Some(self.window_days)),
            Cell::num(Some(self.on_order)),
        ]
    }
    fn table() -> &'static [Column] {
        const COLUMNS: &[Column] = &[
            Column::text("SKU"),
            Column::text("Product").shrink(NAME),
            Column::text("Warehouse").shrink(NAME).optional(2),
            Column::num("Stock").short("Qty"),
            Column::num("Min"),
            Column::num("Days left").short("Days"),
            Column::num("Lead").minor(4),
            Column::text("Supplier").shrink(NAME).optional(3),
            Column::num("Reorder").short("Order"),
            Column::num("Sold/day").minor(5),
        ];
        COLUMNS
    }
    fn row(&self) -> Vec<String> {
        let days = match self.urgency() {
            Urgency::OutOfStock => "out".to_owned(),
            _ => self.days_until_stockout.to_string(),
        };
        vec![
            self.sku.clone(),
            self.product_name.clone(),
            self.warehouse_name.clone(),
            self.current_stock.to_string(),
            self.threshold.to_string(),
            days,
            self.lead_time_days
                .map(|d| d.to_string())
                .unwrap_or_default(),
            text(self.supplier.as_ref().map(|s| s.name.as_str())),
            self.suggested_reorder_quantity.to_string(),
            self.avg_daily_sales.clone(),
        ]
    }
    fn tone(&self) -> Tone {
        match self.urgency() {
            Urgency::OutOfStock | Urgency::WithinLeadTime => Tone::Red,
            Urgency::Later => Tone::Plain,
        }
    }
}

impl Record for Token {
    fn columns() -> &'static [&'static str] {
        &[
            "id",
            "company_id",
            "name",
            "created_at",
            "expires_at",
            "revoked_at",
        ]
    }
    fn cells(&self) -> Vec<Cell> {
        vec![
            Cell::num(Some(self.id)),
            Cell::num(Some(self.company_id)),
            Cell::text(self.name.as_deref()),
            Cell::Text(self.created_at.to_string()),
            Cell::text(self.expires_at.map(|t| t.to_string()).as_deref()),
            Cell::text(self.revoked_at.map(|t| t.to_string()).as_deref()),
        ]
    }
    fn table() -> &'static [Column] {
        const COLUMNS: &[Column] = &[
            Column::num("ID"),
            Column::num("Company"),
            Column::text("Name").shrink(10),
            Column::text("Created (UTC)").optional(2),
            Column::text("Expires (UTC)").optional(1),
            Column::text("Revoked (UTC)"),
        ];
        COLUMNS
    }
    fn row(&self) -> Vec<String> {
        vec![
            self.id.to_string(),
            self.company_id.to_string(),
            text(self.name.as_deref()),
            when(self.created_at),
            self.expires_at.map(when).unwrap_or_default(),
            self.revoked_at.map(when).unwrap_or_default(),
        ]
    }
}

impl Record for Created {
    fn columns() -> &'static [&'static str] {
        &[
            "id",
            "company_id",
            "name",
            "created_at",
            "expires_at",
            "token",
            "revoked_at",
        ]
    }
    /// The token's cells with the secret before `revoked_at`, which came
    /// later (CSV columns are only ever added at the end).
    fn cells(&self) -> Vec<Cell> {
        let mut cells = self.token.cells();
        let revoked = cells.pop().unwrap_or(Cell::Null);
        cells.push(Cell::Text(self.secret.expose().to_owned()));
        cells.push(revoked);
        cells
    }
    fn table() -> &'static [Column] {
        // The secret is printed on a line of its own after the table, where
        // no column width can cut it.
        Token::table()
    }
    fn row(&self) -> Vec<String> {
        self.token.row()
    }
}

impl Record for TableCount {
    fn columns() -> &'static [&'static str] {
        &["table", "rows"]
    }
    fn cells(&self) -> Vec<Cell> {
        vec![Cell::Text(self.table.clone()), Cell::num(Some(self.rows))]
    }
    fn table() -> &'static [Column] {
        const COLUMNS: &[Column] = &[Column::text("Table"), Column::num("Rows")];
        COLUMNS
    }
    fn row(&self) -> Vec<String> {
        vec![self.table.clone(), self.rows.to_string()]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::alerts::SupplierRef;
    use crate::render::layout;

    fn alert(stock: i64, days: i64, lead: Option<i64>) -> Alert {
        Alert {
            product_id: crate::model::ProductId::new(145).unwrap(),
            product_name: "Adhesive tape, double-sided, 50 m roll".into(),
            sku: "ADH-1144".into(),
            warehouse_id: crate::model::WarehouseId::new(1).unwrap(),
            warehouse_name: "Hamburg North".into(),
            current_stock: stock,
            threshold: 20,
            days_until_stockout: days,
            supplier: Some(SupplierRef {
                id: crate::model::SupplierId::new(5).unwrap(),
                name: "BondTech Adhesives".into(),
                contact_email: None,
            }),
            product_type: Some("adhesive".into()),
            units_sold: 200,
            avg_daily_sales: "6.67".into(),
            lead_time_days: lead,
            suggested_reorder_quantity: 230,
            window_days: 30,
            on_order: 0,
        }
    }

    fn headers_at(width: usize) -> Vec<&'static str> {
        let rows = [alert(0, 0, Some(5)).row(), alert(4, 9, Some(5)).row()];
        let shape = layout::fit(Alert::table(), &rows, Some(width));
        assert!(shape.total() <= width, "{width}: {shape:?}");
        shape
            .shown
            .iter()
            .map(|&i| Alert::table()[i].header)
            .collect()
    }

    #[test]
    fn the_alert_table_chooses_its_columns_by_width() {
        assert_eq!(
            headers_at(200),
            [
                "SKU",
                "Product",
                "Warehouse",
                "Stock",
                "Min",
                "Days left",
                "Lead",
                "Supplier",
                "Reorder",
                "Sold/day"
            ]
        );
        // 80 columns: the row the issue asks for.
        assert_eq!(
            headers_at(80),
            [
                "SKU",
                "Product",
                "Warehouse",
                "Stock",
                "Min",
                "Days left",
                "Supplier",
                "Reorder"
            ]
        );
        assert_eq!(
            headers_at(60),
            ["SKU", "Product", "Stock", "Min", "Days left", "Reorder"]
        );
    }

    #[test]
    fn an_alert_has_one_cell_per_column_and_its_csv_columns_are_its_json_keys() {
        let a = alert(4, 9, Some(5));
        assert_eq!(a.cells().len(), Alert::columns().len());
        assert_eq!(a.row().len(), Alert::table().len());
        let json = serde_json::to_value(&a).unwrap();
        let mut keys: Vec<String> = Vec::new();
        for (key, value) in json.as_object().unwrap() {
            match value.as_object() {
                // SPEC 5 names the flattened supplier e-mail `supplier_email`.
                Some(nested) => keys.extend(nested.keys().map(|k| match k.as_str() {
                    "contact_email" => format!("{key}_email"),
                    _ => format!("{key}_{k}"),
                })),
                None => keys.push(key.clone()),
            }
        }
        let mut columns: Vec<String> = Alert::columns().iter().map(|c| (*c).to_owned()).collect();
        keys.sort();
        columns.sort();
        assert_eq!(columns, keys);
    }

    #[test]
    fn out_of_stock_reads_out_and_urgent_rows_are_red() {
        assert_eq!(alert(0, 0, Some(5)).row()[5], "out");
        assert_eq!(alert(0, 0, Some(5)).tone(), Tone::Red);
        // 3 days left, 5 days' lead time: an order now arrives too late.
        assert_eq!(alert(4, 3, Some(5)).row()[5], "3");
        assert_eq!(alert(4, 3, Some(5)).tone(), Tone::Red);
        assert_eq!(alert(4, 9, Some(5)).tone(), Tone::Plain);
        // No supplier: only running out today is urgent.
        assert_eq!(alert(4, 0, None).tone(), Tone::Red);
        assert_eq!(alert(4, 1, None).tone(), Tone::Plain);
    }

    #[test]
    fn times_are_compact_utc() {
        let t = Timestamp::parse("2026-01-15T10:00:00Z").unwrap();
        assert_eq!(when(t), "2026-01-15 10:00");
        let t = Timestamp::parse("2026-01-15T10:00:07+02:00").unwrap();
        assert_eq!(when(t), "2026-01-15 08:00:07");
    }
}
