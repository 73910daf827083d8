//! Low-stock alerts: what is about to run out, where, from whom to reorder,
//! and how much.
//!
//! The query first keeps the (product, warehouse) rows already below their
//! threshold (walking the company's products, then each one's inventory by
//! primary key), and only for those sums the window's sales through the
//! covering ledger index, so its cost follows the low rows, not the ledger.
//! `MATERIALIZED` keeps SQLite from running the sales sum for every row.

use rust_decimal::{Decimal, RoundingStrategy};
use serde::Serialize;

use super::lookup::{self, Tenant};
use super::replenish::{self, Pair, Sales};
use super::threshold::FALLBACK;
use crate::error::{Error, Result};
use crate::model::{CompanyId, ProductId, SupplierId, Timestamp, WarehouseId};
use crate::store::alerts::{self as stored, Low};
use crate::store::{Db, Tx};

/// The largest `--days` window accepted (100 years).
pub const MAX_DAYS: i64 = 36_500;

/// What to ask.
#[derive(Debug, Clone)]
pub struct Query {
    /// The company.
    pub company: CompanyId,
    /// Only this warehouse (of the company).
    pub warehouse: Option<WarehouseId>,
    /// Length of the sales window in days (>= 1).
    pub days: i64,
    /// End of the window (inclusive).
    pub as_of: Timestamp,
    /// Review period added to the lead time for the suggested reorder.
    pub cover_days: i64,
    /// Page size.
    pub limit: Option<usize>,
    /// Alerts to skip before the page.
    pub offset: usize,
}

/// The primary supplier of an alert's product.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "serve", derive(utoipa::ToSchema))]
pub struct SupplierRef {
    /// Its id.
    pub id: SupplierId,
    /// Its name.
    pub name: String,
    /// Where purchase orders go.
    pub contact_email: Option<String>,
}

/// One (product, warehouse) that needs reordering.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "serve", derive(utoipa::ToSchema))]
pub struct Alert {
    /// The product's id.
    pub product_id: ProductId,
    /// The product's name.
    pub product_name: String,
    /// The product's SKU.
    pub sku: String,
    /// The warehouse's id.
    pub warehouse_id: WarehouseId,
    /// The warehouse's name.
    pub warehouse_name: String,
    /// Units in stock now.
    pub current_stock: i64,
    /// The threshold that applies (most specific first).
    pub threshold: i64,
    /// floor(current_stock × window_days / units_sold).
    pub days_until_stockout: i64,
    /// The primary supplier, if any.
    pub supplier: Option<SupplierRef>,
    /// The product's type.
    pub product_type: Option<String>,
    /// Units sold in the window.
    pub units_sold: i64,
    /// units_sold / window_days, two places.
    pub avg_daily_sales: String,
    /// The primary supplier's lead time.
    pub lead_time_days: Option<i64>,
    /// What to order (SPEC 11's rounded quantity): enough to cover lead time
    /// plus the review period, at least back to the threshold, in the
    /// supplier's packs; 0 when what is on order covers it.
    pub suggested_reorder_quantity: i64,
    /// The window the figures use: `--days`, or fewer for a pair whose first
    /// movement is younger than that.
    pub window_days: i64,
    /// Ordered and not yet received, on the pair's open purchase orders.
    pub on_order: i64,
}

/// How soon an alert needs action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Urgency {
    /// No stock left.
    OutOfStock,
    /// Runs out within the primary supplier's lead time (today, without one):
    /// an order placed now arrives too late.
    WithinLeadTime,
    /// An order placed now still arrives in time.
    Later,
}

impl Alert {
    /// How soon this alert needs action.
    pub fn urgency(&self) -> Urgency {
        if self.current_stock <= 0 {
            Urgency::OutOfStock
        } else if self.days_until_stockout <= self.lead_time_days.unwrap_or(0) {
            Urgency::WithinLeadTime
        } else {
            Urgency::Later
        }
    }
}

/// A page of alerts and how many there are in all.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "serve", derive(utoipa::ToSchema))]
pub struct Report {
    /// The page, most urgent first.
    pub alerts: Vec<Alert>,
    /// Every alert, whatever the page.
    pub total_alerts: usize,
    /// Alerts (of all, not just the page) already out of stock.
    #[serde(skip)]
    pub out_of_stock: usize,
    /// Alerts (of all) that run out within their supplier's lead time.
    #[serde(skip)]
    pub within_lead_time: usize,
    /// How many alerts were skipped before the page (`--offset`).
    #[serde(skip)]
    pub offset: usize,
}

/// Runs the alert rule for one company.
pub fn low_stock(db: &mut Db, q: &Query) -> Result<Report> {
    low_stock_as(db, Tenant::Any, q)
}

/// [`low_stock`] as `tenant` sees the database: another company, or its
/// warehouse, is not found.
pub(crate) fn low_stock_as(db: &mut Db, tenant: Tenant, q: &Query) -> Result<Report> {
    tenant.company(q.company)?;
    if !(1..=MAX_DAYS).contains(&q.days) {
        return Err(Error::invalid(format!(
            "days must be between 1 and {MAX_DAYS}: {}",
            q.days
        )));
    }
    db.read(|tx| {
        lookup::company(tx, q.company)?;
        if let Some(w) = q.warehouse {
            lookup::warehouse_for(tx, w, q.company, tenant)?;
        }
        let mut alerts = fetch(tx, q)?;
        alerts.sort_by(|a, b| {
            (a.days_until_stockout, &a.sku, a.warehouse_id).cmp(&(
                b.days_until_stockout,
                &b.sku,
                b.warehouse_id,
            ))
        });
        let total_alerts = alerts.len();
        let count = |u| alerts.iter().filter(|a| a.urgency() == u).count();
        let (out_of_stock, within_lead_time) =
            (count(Urgency::OutOfStock), count(Urgency::WithinLeadTime));
        let page = alerts
            .into_iter()
            .skip(q.offset)
            .take(q.limit.unwrap_or(usize::MAX))
            .collect();
        Ok(Report {
            alerts: page,
            total_alerts,
            out_of_stock,
            within_lead_time,
            offset: q.offset,
        })
    })
}

fn fetch(conn: &Tx<'_>, q: &Query) -> Result<Vec<Alert>> {
    let from = q.as_of.plus_days(-q.days);
    stored::low(conn, q.company, q.warehouse, from, q.as_of, FALLBACK)
        .map(|rows| rows.into_iter().map(|r| alert(r, q)).collect())
        .map_err(|e| {
            // A sum past 64 bits stops the query: stored data it cannot total
            // is damage for `check` to report, not a bug.
            if crate::store::is_overflow(&e) {
                Error::database(format!(
                    "the ledger's sales cannot be summed ({e}); run `stockflow check`"
                ))
            } else {
                e
            }
        })
}

fn alert(r: Low, q: &Query) -> Alert {
    let window_days =
        replenish::window_days(q.days, q.as_of.unix_seconds(), r.first_at.unix_seconds());
    let f = Figures::new(r.quantity, r.units_sold, window_days);
    let replenishment = Pair {
        stock: r.quantity,
        on_order: r.on_order,
        threshold: r.threshold,
        max: r.max,
        sales: Sales {
            sold: r.units_sold,
            ..Sales::default()
        },
        window_days,
        lead_time_days: r.lead_time_days.unwrap_or(0),
        cover_days: q.cover_days,
        pack_size: r.pack_size,
        min_order_quantity: r.min_order_quantity,
        service_level: None,
    }
    .replenish();
    Alert {
        product_id: r.product_id,
        product_name: r.product_name,
        sku: r.sku,
        warehouse_id: r.warehouse_id,
        warehouse_name: r.warehouse_name,
        current_stock: r.quantity,
        threshold: r.threshold,
        days_until_stockout: f.days_until_stockout(),
        supplier: r.supplier.map(|(id, name, contact_email)| SupplierRef {
            id,
            name,
            contact_email,
        }),
        product_type: r.product_type,
        units_sold: r.units_sold,
        avg_daily_sales: f.avg_daily_sales(),
        lead_time_days: r.lead_time_days,
        suggested_reorder_quantity: replenishment.quantity,
        window_days,
        on_order: r.on_order,
    }
}

/// The arithmetic of one alert, in exact integers.
#[derive(Debug, Clone, Copy)]
pub struct Figures {
    stock: i128,
    units_sold: i128,
    days: i128,
}

impl Figures {
    /// Figures for `stock` units, `units_sold` over `days` (> 0).
    pub fn new(stock: i64, units_sold: i64, days: i64) -> Self {
        Self {
            stock: stock.into(),
            units_sold: units_sold.into(),
            days: days.into(),
        }
    }

    /// floor(stock × days / units_sold); 0 when stock is 0.
    pub fn days_until_stockout(self) -> i64 {
        if self.units_sold <= 0 {
            return i64::MAX;
        }
        clamp(self.stock * self.days / self.units_sold)
    }

    /// units_sold / days, rounded half away from zero to two places.
    pub fn avg_daily_sales(self) -> String {
        let (Ok(sold), Ok(days)) = (i64::try_from(self.units_sold), i64::try_from(self.days))
        else {
            return String::new();
        };
        let mut avg = (Decimal::from(sold) / Decimal::from(days))
            .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
        avg.rescale(2);
        avg.to_string()
    }
}

fn clamp(v: i128) -> i64 {
    i64::try_from(v).unwrap_or(if v < 0 { i64::MIN } else { i64::MAX })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_until_stockout_floors_in_integers() {
        // 5 units, 30 days, 12 sold: 5 × 30 / 12 = 12.5 → 12.
        assert_eq!(Figures::new(5, 12, 30).days_until_stockout(), 12);
        assert_eq!(Figures::new(0, 12, 30).days_until_stockout(), 0);
        // 1 × 30 / 31 = 0.97 → 0.
        assert_eq!(Figures::new(1, 31, 30).days_until_stockout(), 0);
        // Huge values do not overflow.
        assert_eq!(
            Figures::new(1_000_000_000_000, 1, 36_500).days_until_stockout(),
            36_500_000_000_000_000
        );
    }

    #[test]
    fn average_has_two_places() {
        assert_eq!(Figures::new(0, 12, 30).avg_daily_sales(), "0.40");
        assert_eq!(Figures::new(0, 30, 30).avg_daily_sales(), "1.00");
        assert_eq!(Figures::new(0, 1, 3).avg_daily_sales(), "0.33");
        assert_eq!(Figures::new(0, 2, 3).avg_daily_sales(), "0.67");
        assert_eq!(
            Figures::new(0, 1, 8).avg_daily_sales(),
            "0.13",
            "0.125 rounds up"
        );
    }
}
