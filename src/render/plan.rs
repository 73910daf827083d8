//! `reorder plan`: JSON as SPEC 11 shows it; JSON Lines and CSV one row per
//! line with its order's supplier and warehouse flattened onto it; a table
//! per draft order for people, its total under it.

use std::io::Write;

use serde::Serialize;

use super::{Cell, Column, Document, Out, Record};
use crate::error::Result;
use crate::model::{SupplierId, Timestamp, WarehouseId};
use crate::ops::plan::{Draft, Line, Plan};

/// One line of a draft order, its order's supplier and warehouse beside it.
#[derive(Debug, Clone, Serialize)]
pub struct PlanRow {
    /// The primary supplier, if any.
    pub supplier_id: Option<SupplierId>,
    /// Its name.
    pub supplier_name: Option<String>,
    /// Its e-mail.
    pub supplier_email: Option<String>,
    /// The warehouse.
    pub warehouse_id: WarehouseId,
    /// Its name.
    pub warehouse_name: String,
    /// When the order would arrive.
    pub expected_at: Option<Timestamp>,
    /// The line.
    #[serde(flatten)]
    pub line: Line,
}

impl PlanRow {
    fn of(draft: &Draft, line: &Line) -> Self {
        let s = draft.supplier.as_ref();
        Self {
            supplier_id: s.map(|s| s.id),
            supplier_name: s.map(|s| s.name.clone()),
            supplier_email: s.and_then(|s| s.contact_email.clone()),
            warehouse_id: draft.warehouse.id,
            warehouse_name: draft.warehouse.name.clone(),
            expected_at: draft.expected_at,
            line: line.clone(),
        }
    }
}

fn rows(plan: &Plan) -> impl Iterator<Item = Result<PlanRow>> + '_ {
    plan.orders
        .iter()
        .flat_map(|d| d.lines.iter().map(move |l| Ok(PlanRow::of(d, l))))
}

impl Record for PlanRow {
    fn columns() -> &'static [&'static str] {
        &[
            "supplier_id",
            "supplier_name",
            "supplier_email",
            "warehouse_id",
            "warehouse_name",
            "expected_at",
            "sku",
            "product_name",
            "stock",
            "on_order",
            "position",
            "sold",
            "window_days",
            "lead_time_days",
            "safety_stock",
            "safety_stock_note",
            "reorder_point",
            "target",
            "need",
            "pack_size",
            "min_order_quantity",
            "quantity",
            "over_max",
            "unit_cost",
            "line_total",
            "explain",
        ]
    }
    fn cells(&self) -> Vec<Cell> {
        let l = &self.line;
        vec![
            Cell::num(self.supplier_id),
            Cell::text(self.supplier_name.as_deref()),
            Cell::text(self.supplier_email.as_deref()),
            Cell::num(Some(self.warehouse_id)),
            Cell::Text(self.warehouse_name.clone()),
            Cell::num(self.expected_at),
            Cell::Text(l.sku.clone()),
            Cell::Text(l.product_name.clone()),
            Cell::num(Some(l.stock)),
            Cell::num(Some(l.on_order)),
            Cell::num(Some(l.position)),
            Cell::num(Some(l.sold)),
            Cell::num(Some(l.window_days)),
            Cell::num(Some(l.lead_time_days)),
            Cell::num(Some(l.safety_stock)),
            Cell::text(l.safety_stock_note.as_deref()),
            Cell::num(Some(l.reorder_point)),
            Cell::num(Some(l.target)),
            Cell::num(Some(l.need)),
            Cell::num(Some(l.pack_size)),
            Cell::num(Some(l.min_order_quantity)),
            Cell::num(Some(l.quantity)),
            Cell::num(Some(l.over_max)),
            Cell::num(l.unit_cost),
            Cell::num(l.line_total),
            Cell::Text(l.explain.clone()),
        ]
    }
    fn table() -> &'static [Column] {
        const COLUMNS: &[Column] = &[
            Column::text("SKU"),
            Column::text("Product").shrink(14),
            Column::num("Stock").short("Qty"),
            Column::num("On order").short("Ord").optional(3),
            Column::num("Sold").minor(4),
            Column::num("Days").minor(5),
            Column::num("Reorder at").short("ROP"),
            Column::num("Target").short("S").optional(2),
            Column::num("Order"),
            Column::num("Unit cost").short("Cost").optional(1),
            Column::num("Total"),
        ];
        COLUMNS
    }
    fn row(&self) -> Vec<String> {
        let l = &self.line;
        let money = |m: Option<String>| m.unwrap_or_default();
        let order = if l.over_max {
            format!("{}!", l.quantity)
        } else {
            l.quantity.to_string()
        };
        vec![
            l.sku.clone(),
            l.product_name.clone(),
            l.stock.to_string(),
            l.on_order.to_string(),
            l.sold.to_string(),
            l.window_days.to_string(),
            l.reorder_point.to_string(),
            l.target.to_string(),
            order,
            money(l.unit_cost.map(|c| c.to_string())),
            money(l.line_total.map(|t| t.to_string())),
        ]
    }
}

/// `BondTech <orders@bondtech.example> → Hamburg, expected 2026-12-10`.
fn title(d: &Draft) -> String {
    let to = match &d.supplier {
        Some(s) => match &s.contact_email {
            Some(email) => format!("{} <{email}>", s.name),
            None => s.name.clone(),
        },
        None => "No primary supplier".to_owned(),
    };
    let mut text = format!("{to} → {} (warehouse {})", d.warehouse.name, d.warehouse.id);
    if let Some(at) = d.expected_at {
        let day = at.to_string();
        text.push_str(&format!(", expected {}", day.get(..10).unwrap_or(&day)));
    }
    text
}

/// `3 lines, total 1,204.80` and what the total leaves out.
fn footer(d: &Draft) -> String {
    let lines = d.lines.len();
    let mut text = format!(
        "{lines} line{}, total {}",
        if lines == 1 { "" } else { "s" },
        d.total_cost
    );
    if d.uncosted > 0 {
        text.push_str(&format!(
            " (leaves out {} line{} without a unit cost: `supplier link --cost`)",
            d.uncosted,
            if d.uncosted == 1 { "" } else { "s" }
        ));
    }
    if d.lines.iter().any(|l| l.over_max) {
        text.push_str(
            "\n! takes the stock past its max (one pack less would fall below the reorder point)",
        );
    }
    if d.supplier.is_none() {
        text.push_str("\nno primary supplier: not ordered by --commit (`supplier link --primary`)");
    }
    text
}

impl Document for Plan {
    fn json<W: Write>(&self, out: &mut Out<W>) -> Result<()> {
        out.json_value(self)
    }
    fn jsonl<W: Write>(&self, out: &mut Out<W>) -> Result<()> {
        out.list(rows(self))
    }
    fn csv<W: Write>(&self, out: &mut Out<W>) -> Result<()> {
        out.list(rows(self))
    }
    fn table<W: Write>(&self, out: &mut Out<W>) -> Result<()> {
        if self.orders.is_empty() {
            return out.line("nothing to order");
        }
        for d in &self.orders {
            let rows: Vec<PlanRow> = d.lines.iter().map(|l| PlanRow::of(d, l)).collect();
            out.titled_table(&title(d), &rows)?;
            out.footer(&footer(d))?;
        }
        let orders = self.orders.len();
        out.footer(&format!(
            "\n{orders} draft order{}, {} line{}",
            if orders == 1 { "" } else { "s" },
            self.total_lines,
            if self.total_lines == 1 { "" } else { "s" }
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plan_rows_csv_columns_are_its_json_keys() {
        let line = sample();
        let row = PlanRow {
            supplier_id: Some(SupplierId::new(5).unwrap()),
            supplier_name: Some("BondTech".into()),
            supplier_email: None,
            warehouse_id: WarehouseId::new(1).unwrap(),
            warehouse_name: "Hamburg".into(),
            expected_at: None,
            line,
        };
        assert_eq!(row.cells().len(), PlanRow::columns().len());
        assert_eq!(row.row().len(), PlanRow::table().len());
        let json = serde_json::to_value(&row).unwrap();
        let mut keys: Vec<&str> = json
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let mut columns = PlanRow::columns().to_vec();
        keys.sort_unstable();
        columns.sort_unstable();
        assert_eq!(keys, columns);
    }

    fn sample() -> Line {
        Line {
            sku: "ADH-1".into(),
            product_name: "Adhesive".into(),
            stock: 10,
            on_order: 0,
            position: 10,
            sold: 60,
            window_days: 30,
            lead_time_days: 7,
            safety_stock: 7,
            safety_stock_note: None,
            reorder_point: 21,
            target: 49,
            need: 39,
            pack_size: 12,
            min_order_quantity: 24,
            quantity: 48,
            over_max: false,
            unit_cost: crate::model::Money::from_cents(1120),
            line_total: None,
            explain: "position 10 < reorder point 21; need 49-10=39; 4 packs of 12".into(),
            link_lead_time: Some(7),
        }
    }
}
