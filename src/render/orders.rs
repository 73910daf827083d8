//! Purchase orders for people and machines: an order as a document (its
//! facts, its lines, its total), a list as one row per order; CSV and JSON
//! Lines one line per order line with the order's fields flattened onto it.

use std::io::Write;

use serde::Serialize;

use super::records::when;
use super::{Cell, Column, Document, Out, Record};
use crate::error::Result;
use crate::model::{Amount, CompanyId, Money, OrderId, SupplierId, Timestamp, WarehouseId};
use crate::ops::order::{Order, Received};

/// An order line with its order's fields: one CSV row or JSON line.
#[derive(Debug, Clone, Serialize)]
pub struct FlatLine {
    order_id: OrderId,
    company_id: CompanyId,
    supplier_id: SupplierId,
    supplier_name: String,
    supplier_contact_email: Option<String>,
    warehouse_id: WarehouseId,
    warehouse_name: String,
    status: &'static str,
    reference: Option<String>,
    ordered_at: Timestamp,
    expected_at: Option<Timestamp>,
    total_cost: Option<Amount>,
    line_no: usize,
    sku: String,
    product_name: String,
    quantity: i64,
    received: i64,
    outstanding: i64,
    unit_cost: Option<Money>,
    line_total: Option<Amount>,
}

fn flat(order: &Order) -> impl Iterator<Item = Result<FlatLine>> + '_ {
    order.lines.iter().enumerate().map(|(i, l)| {
        Ok(FlatLine {
            order_id: order.id,
            company_id: order.company_id,
            supplier_id: order.supplier.id,
            supplier_name: order.supplier.name.clone(),
            supplier_contact_email: order.supplier.contact_email.clone(),
            warehouse_id: order.warehouse.id,
            warehouse_name: order.warehouse.name.clone(),
            status: order.status.as_str(),
            reference: order.reference.clone(),
            ordered_at: order.ordered_at,
            expected_at: order.expected_at,
            total_cost: order.total_cost,
            line_no: i + 1,
            sku: l.sku.clone(),
            product_name: l.product_name.clone(),
            quantity: l.quantity,
            received: l.received,
            outstanding: l.outstanding,
            unit_cost: l.unit_cost,
            line_total: l.line_total,
        })
    })
}

fn shown<T: ToString>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

impl Record for FlatLine {
    fn columns() -> &'static [&'static str] {
        &[
            "order_id",
            "company_id",
            "supplier_id",
            "supplier_name",
            "supplier_contact_email",
            "warehouse_id",
            "warehouse_name",
            "status",
            "reference",
            "ordered_at",
            "expected_at",
            "total_cost",
            "line_no",
            "sku",
            "product_name",
            "quantity",
            "received",
            "outstanding",
            "unit_cost",
            "line_total",
        ]
    }
    fn cells(&self) -> Vec<Cell> {
        vec![
            Cell::num(Some(self.order_id)),
            Cell::num(Some(self.company_id)),
            Cell::num(Some(self.supplier_id)),
            Cell::Text(self.supplier_name.clone()),
            Cell::text(self.supplier_contact_email.as_deref()),
            Cell::num(Some(self.warehouse_id)),
            Cell::Text(self.warehouse_name.clone()),
            Cell::Text(self.status.to_owned()),
            Cell::text(self.reference.as_deref()),
            Cell::Text(self.ordered_at.to_string()),
            Cell::text(self.expected_at.map(|t| t.to_string()).as_deref()),
            Cell::num(self.total_cost),
            Cell::num(Some(self.line_no)),
            Cell::Text(self.sku.clone()),
            Cell::Text(self.product_name.clone()),
            Cell::num(Some(self.quantity)),
            Cell::num(Some(self.received)),
            Cell::num(Some(self.outstanding)),
            Cell::num(self.unit_cost),
            Cell::num(self.line_total),
        ]
    }
    fn table() -> &'static [Column] {
        Line::table()
    }
    fn row(&self) -> Vec<String> {
        vec![
            self.sku.clone(),
            self.product_name.clone(),
            self.quantity.to_string(),
            self.received.to_string(),
            self.outstanding.to_string(),
            shown(self.unit_cost),
            shown(self.line_total),
        ]
    }
}

/// An order line under its order's facts (the order is above it).
#[derive(Debug, Serialize)]
#[serde(transparent)]
struct Line<'a>(&'a crate::ops::order::OrderLine);

impl Record for Line<'_> {
    fn columns() -> &'static [&'static str] {
        &[
            "sku",
            "product_name",
            "quantity",
            "received",
            "outstanding",
            "unit_cost",
            "line_total",
        ]
    }
    fn cells(&self) -> Vec<Cell> {
        vec![
            Cell::Text(self.0.sku.clone()),
            Cell::Text(self.0.product_name.clone()),
            Cell::num(Some(self.0.quantity)),
            Cell::num(Some(self.0.received)),
            Cell::num(Some(self.0.outstanding)),
            Cell::num(self.0.unit_cost),
            Cell::num(self.0.line_total),
        ]
    }
    fn table() -> &'static [Column] {
        const COLUMNS: &[Column] = &[
            Column::text("SKU").shrink(8),
            Column::text("Product").shrink(8).optional(2),
            Column::num("Ordered"),
            Column::num("Received").short("Recd"),
            Column::num("Outstanding").short("Open"),
            Column::num("Unit cost").short("Cost"),
            Column::num("Total"),
        ];
        COLUMNS
    }
    fn row(&self) -> Vec<String> {
        vec![
            self.0.sku.clone(),
            self.0.product_name.clone(),
            self.0.quantity.to_string(),
            self.0.received.to_string(),
            self.0.outstanding.to_string(),
            shown(self.0.unit_cost),
            shown(self.0.line_total),
        ]
    }
}

/// An order's own facts, field by field (`Out::object`'s table).
#[derive(Debug, Serialize)]
#[serde(transparent)]
struct Facts<'a>(&'a Order);

impl Record for Facts<'_> {
    fn columns() -> &'static [&'static str] {
        &[
            "id",
            "status",
            "supplier",
            "warehouse",
            "reference",
            "ordered_at",
            "expected_at",
        ]
    }
    fn cells(&self) -> Vec<Cell> {
        self.row().into_iter().map(Cell::Text).collect()
    }
    fn table() -> &'static [Column] {
        const COLUMNS: &[Column] = &[
            Column::text("Order"),
            Column::text("Status"),
            Column::text("Supplier"),
            Column::text("Warehouse"),
            Column::text("Reference"),
            Column::text("Ordered"),
            Column::text("Expected"),
        ];
        COLUMNS
    }
    fn row(&self) -> Vec<String> {
        let o = self.0;
        let supplier = match &o.supplier.contact_email {
            Some(email) => format!("{} ({}) <{email}>", o.supplier.name, o.supplier.id),
            None => format!("{} ({})", o.supplier.name, o.supplier.id),
        };
        vec![
            format!("PO-{}", o.id),
            o.status.as_str().to_owned(),
            supplier,
            format!("{} ({})", o.warehouse.name, o.warehouse.id),
            o.reference.clone().unwrap_or_default(),
            when(o.ordered_at),
            o.expected_at.map(when).unwrap_or_default(),
        ]
    }
}

/// `total 537.60`, saying which lines it leaves out for want of a cost.
fn total_line(order: &Order) -> String {
    let unpriced: Vec<&str> = order
        .lines
        .iter()
        .filter(|l| l.unit_cost.is_none())
        .map(|l| l.sku.as_str())
        .collect();
    let total = order
        .total_cost
        .map_or_else(|| "unknown".to_owned(), |t| t.to_string());
    if unpriced.is_empty() {
        format!("total {total}")
    } else {
        format!(
            "total {total}; leaves out {} without a unit cost: {}",
            if unpriced.len() == 1 {
                "1 line".to_owned()
            } else {
                format!("{} lines", unpriced.len())
            },
            unpriced.join(", ")
        )
    }
}

fn order_table<W: Write>(order: &Order, out: &mut Out<W>) -> Result<()> {
    out.object(&Facts(order))?;
    let lines: Vec<Line<'_>> = order.lines.iter().map(Line).collect();
    out.titled_table("Lines", &lines)?;
    out.footer(&total_line(order))
}

impl Document for Order {
    fn json<W: Write>(&self, out: &mut Out<W>) -> Result<()> {
        out.json_value(self)
    }
    fn jsonl<W: Write>(&self, out: &mut Out<W>) -> Result<()> {
        out.list(flat(self))
    }
    fn csv<W: Write>(&self, out: &mut Out<W>) -> Result<()> {
        out.list(flat(self))
    }
    fn table<W: Write>(&self, out: &mut Out<W>) -> Result<()> {
        order_table(self, out)
    }
}

/// `order list`'s result.
#[derive(Debug, Serialize)]
#[serde(transparent)]
pub struct Orders(pub Vec<Order>);

/// One order as a row of `order list`'s table.
#[derive(Debug, Serialize)]
#[serde(transparent)]
struct Summary<'a>(&'a Order);

impl Record for Summary<'_> {
    fn columns() -> &'static [&'static str] {
        &[
            "id",
            "supplier_name",
            "warehouse_name",
            "status",
            "ordered_at",
            "expected_at",
            "lines",
            "outstanding",
            "total_cost",
        ]
    }
    fn cells(&self) -> Vec<Cell> {
        self.row().into_iter().map(Cell::Text).collect()
    }
    fn table() -> &'static [Column] {
        const COLUMNS: &[Column] = &[
            Column::num("Order"),
            Column::text("Supplier").shrink(10),
            Column::text("Warehouse").shrink(10).optional(2),
            Column::text("Status"),
            Column::text("Ordered").optional(3),
            Column::text("Expected").optional(1),
            Column::num("Lines").optional(4),
            Column::num("Outstanding").short("Open"),
            Column::num("Total"),
        ];
        COLUMNS
    }
    fn row(&self) -> Vec<String> {
        let o = self.0;
        let outstanding: i128 = o.lines.iter().map(|l| i128::from(l.outstanding)).sum();
        let unpriced = o.lines.iter().any(|l| l.unit_cost.is_none());
        let total = shown(o.total_cost);
        vec![
            o.id.to_string(),
            o.supplier.name.clone(),
            o.warehouse.name.clone(),
            o.status.as_str().to_owned(),
            when(o.ordered_at),
            o.expected_at.map(when).unwrap_or_default(),
            o.lines.len().to_string(),
            outstanding.to_string(),
            if unpriced { format!("{total}*") } else { total },
        ]
    }
}

impl Document for Orders {
    fn json<W: Write>(&self, out: &mut Out<W>) -> Result<()> {
        out.json_value(&self.0)
    }
    fn jsonl<W: Write>(&self, out: &mut Out<W>) -> Result<()> {
        out.list(self.0.iter().flat_map(flat))
    }
    fn csv<W: Write>(&self, out: &mut Out<W>) -> Result<()> {
        out.list(self.0.iter().flat_map(flat))
    }
    fn table<W: Write>(&self, out: &mut Out<W>) -> Result<()> {
        if self.0.is_empty() {
            return out.line("no purchase orders");
        }
        let rows: Vec<Summary<'_>> = self.0.iter().map(Summary).collect();
        out.table(&rows)?;
        if self
            .0
            .iter()
            .any(|o| o.lines.iter().any(|l| l.unit_cost.is_none()))
        {
            out.footer("* the total leaves out lines without a unit cost")?;
        }
        Ok(())
    }
}

impl Document for Received {
    fn json<W: Write>(&self, out: &mut Out<W>) -> Result<()> {
        out.json_value(self)
    }
    fn jsonl<W: Write>(&self, out: &mut Out<W>) -> Result<()> {
        out.list(self.movements.iter().cloned().map(Ok))
    }
    fn csv<W: Write>(&self, out: &mut Out<W>) -> Result<()> {
        out.list(self.movements.iter().cloned().map(Ok))
    }
    fn table<W: Write>(&self, out: &mut Out<W>) -> Result<()> {
        order_table(&self.order, out)?;
        let units: i128 = self.movements.iter().map(|m| i128::from(m.delta)).sum();
        let ids: Vec<String> = self.movements.iter().map(|m| m.id.to_string()).collect();
        let lines = match self.movements.len() {
            1 => "1 line".to_owned(),
            n => format!("{n} lines"),
        };
        out.footer(&format!(
            "received {units} units on {lines} (movements {}, reference PO-{})",
            ids.join(", "),
            self.order.id
        ))
    }
}
