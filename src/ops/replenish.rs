//! How much to order for one (product, warehouse): SPEC section 11's
//! replenishment rule, the one computation behind `alerts low-stock`,
//! `reorder plan` and their API routes.
//!
//! Everything is exact integer arithmetic (in `i128`, so no input can wrap)
//! except the safety stock, whose σ and normal quantile are real numbers by
//! nature; its result is rounded up once. The daily rate is never rounded:
//! `sold` and `window_days` are carried and every figure is one ceiling of
//! a product over `window_days`. Each result carries a one-line `explain`
//! that a purchaser can check by hand.

use std::fmt::Write as _;
use std::str::FromStr;

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::Serialize;
use statrs::distribution::{ContinuousCDF, Normal};

use crate::error::{Error, Result};

/// Days with a sale below which the window is too sparse for a standard
/// deviation to mean anything: no safety stock then (the slow-mover guard).
pub const MIN_SALE_DAYS: i64 = 10;

const SECONDS_PER_DAY: i64 = 86_400;

/// A service level in percent, strictly between 50 and 100 (`95`, `99.5`):
/// the chance that stock lasts through a lead time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServiceLevel(Decimal);

impl FromStr for ServiceLevel {
    type Err = Error;

    fn from_str(text: &str) -> Result<Self> {
        let bad = || {
            Error::invalid(format!(
                "service level must be a percentage above 50 and below 100 (e.g. 95 or 99.5): {text}"
            ))
        };
        let pct = Decimal::from_str_exact(text.trim()).map_err(|_| bad())?;
        if pct > Decimal::from(50) && pct < Decimal::from(100) {
            Ok(Self(pct.normalize()))
        } else {
            Err(bad())
        }
    }
}

impl std::fmt::Display for ServiceLevel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl ServiceLevel {
    /// The standard normal quantile of this level (1.6449 for 95).
    pub fn z(self) -> f64 {
        let p = (self.0 / Decimal::from(100)).to_f64().unwrap_or(0.5);
        Normal::standard().inverse_cdf(p)
    }
}

/// The sales of a pair's window, day by day: what σ needs, without the days
/// themselves (days without a sale count as 0).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Sales {
    /// Units sold in the window.
    pub sold: i64,
    /// The sum over the window's days of (units sold that day)².
    pub sum_of_squares: i128,
    /// Days of the window with a sale.
    pub days_with_sales: i64,
}

impl Sales {
    /// The totals of a daily series.
    pub fn of_days(days: &[i64]) -> Self {
        days.iter().fold(Self::default(), |acc, &d| Self {
            sold: acc.sold.saturating_add(d),
            sum_of_squares: acc
                .sum_of_squares
                .saturating_add(i128::from(d) * i128::from(d)),
            days_with_sales: acc.days_with_sales + i64::from(d != 0),
        })
    }

    /// The sample standard deviation of the daily sales over `window_days`
    /// days (`None` for a window of one day).
    pub fn std_dev(self, window_days: i64) -> Option<f64> {
        if window_days < 2 {
            return None;
        }
        let n = window_days as f64;
        let sum = self.sold as f64;
        let squares = self.sum_of_squares as f64;
        let variance = (squares - sum * sum / n) / (n - 1.0);
        Some(variance.max(0.0).sqrt())
    }
}

/// The sales window of a pair: `min(days, ceil((as_of − first) / 1 day))`,
/// at least 1, where `first` is the pair's earliest movement (Unix seconds).
pub fn window_days(days: i64, as_of: i64, first_movement_at: i64) -> i64 {
    let age = i128::from(as_of) - i128::from(first_movement_at);
    let age_days = ceil_div(age, SECONDS_PER_DAY.into());
    clamp(age_days.min(days.into())).max(1)
}

/// What the rule needs to know about one pair.
#[derive(Debug, Clone, Copy)]
pub struct Pair {
    /// Units in stock.
    pub stock: i64,
    /// Ordered and not yet received, on the pair's open purchase orders.
    pub on_order: i64,
    /// The threshold that applies (SPEC section 4).
    pub threshold: i64,
    /// The pair's most stock wanted, if set (`threshold set --max`).
    pub max: Option<i64>,
    /// The window's sales.
    pub sales: Sales,
    /// The window's length in days (>= 1), see [`window_days`].
    pub window_days: i64,
    /// The primary supplier's lead time (0 without one).
    pub lead_time_days: i64,
    /// The review period: days to cover beyond the lead time.
    pub cover_days: i64,
    /// The supplier sells only multiples of this (>= 1).
    pub pack_size: i64,
    /// The supplier's smallest order (0: none).
    pub min_order_quantity: i64,
    /// The service level to hold safety stock for, if any.
    pub service_level: Option<ServiceLevel>,
}

/// How much to order for one pair, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Replenishment {
    /// Units in stock.
    pub stock: i64,
    /// Units on order.
    pub on_order: i64,
    /// stock + on order.
    pub position: i64,
    /// Units sold in the window.
    pub sold: i64,
    /// The window's length in days.
    pub window_days: i64,
    /// The lead time the figures use.
    pub lead_time_days: i64,
    /// Safety stock (0 without a service level).
    pub safety_stock: i64,
    /// Why there is no safety stock although a service level was asked for.
    pub safety_stock_note: Option<String>,
    /// Order when the position is below this.
    pub reorder_point: i64,
    /// What an order brings the position up to.
    pub target: i64,
    /// target − position when ordering, else 0.
    pub need: i64,
    /// The supplier's pack size.
    pub pack_size: i64,
    /// The supplier's minimum order.
    pub min_order_quantity: i64,
    /// What to order: whole packs, at least the minimum order (0: nothing).
    pub quantity: i64,
    /// The order takes the position past the pair's max.
    pub over_max: bool,
    /// The computation in one line.
    pub explain: String,
}

impl Pair {
    /// The replenishment rule, steps 1 to 8 of SPEC section 11.
    pub fn replenish(&self) -> Replenishment {
        let days = i128::from(self.window_days.max(1));
        let sold = i128::from(self.sales.sold.max(0));
        let lead = i128::from(self.lead_time_days.max(0));
        let pack = i128::from(self.pack_size.max(1));
        let moq = i128::from(self.min_order_quantity.max(0));
        let threshold = i128::from(self.threshold);
        let position = i128::from(self.stock) + i128::from(self.on_order);

        let (safety, safety_stock_note) = self.safety_stock();
        let safety = i128::from(safety);
        let reorder_point = threshold.max(ceil_div(sold * lead, days) + safety);
        let target = match self.max {
            Some(max) => i128::from(max),
            None => {
                let cover = lead + i128::from(self.cover_days.max(0));
                threshold.max(ceil_div(sold * cover, days) + safety)
            }
        };

        let mut explain = position_text(self.stock, self.on_order, position);
        let (need, quantity, over_max) = if position < reorder_point {
            let need = (target - position).max(0);
            let _ = write!(
                explain,
                " < reorder point {reorder_point}; need {target}-{position}={need}"
            );
            let (quantity, fit) = self.round(need, pack, moq, position, reorder_point);
            explain.push_str("; ");
            explain.push_str(&order_text(need, quantity, pack, moq));
            match fit {
                Fit::Within => {}
                Fit::OnePackLess => {
                    let _ = write!(explain, ", one pack less to stay within max {target}");
                }
                Fit::OverMax(by) => {
                    let _ = write!(explain, "; over max {target} by {by}");
                }
            }
            (need, quantity, matches!(fit, Fit::OverMax(_)))
        } else {
            let _ = write!(
                explain,
                " >= reorder point {reorder_point}: nothing to order"
            );
            (0, 0, false)
        };

        Replenishment {
            stock: self.stock,
            on_order: self.on_order,
            position: clamp(position),
            sold: self.sales.sold,
            window_days: self.window_days,
            lead_time_days: self.lead_time_days,
            safety_stock: clamp(safety),
            safety_stock_note,
            reorder_point: clamp(reorder_point),
            target: clamp(target),
            need: clamp(need),
            pack_size: self.pack_size,
            min_order_quantity: self.min_order_quantity,
            quantity: clamp(quantity),
            over_max,
            explain,
        }
    }

    /// Step 3: `ceil(z · σ · √L)`, or 0 and why.
    fn safety_stock(&self) -> (i64, Option<String>) {
        let Some(level) = self.service_level else {
            return (0, None);
        };
        if self.sales.days_with_sales < MIN_SALE_DAYS {
            return (
                0,
                Some(format!(
                    "no safety stock: {} of the window's {} days had a sale (fewer than {MIN_SALE_DAYS})",
                    self.sales.days_with_sales, self.window_days
                )),
            );
        }
        let sigma = self.sales.std_dev(self.window_days).unwrap_or(0.0);
        let lead = (self.lead_time_days.max(0) as f64).sqrt();
        let units = (level.z() * sigma * lead).ceil();
        if units.is_finite() && units >= 0.0 {
            (units.min(i64::MAX as f64) as i64, None)
        } else {
            (0, None)
        }
    }

    /// Step 8: whole packs, at least the minimum order; one pack less when
    /// that keeps a max without falling below the reorder point (or the
    /// minimum order: a supplier does not take less), else over the max.
    fn round(&self, need: i128, pack: i128, moq: i128, position: i128, rop: i128) -> (i128, Fit) {
        let floor = rounded_up(moq, pack);
        let quantity = rounded_up(need, pack).max(floor);
        let Some(max) = self.max.map(i128::from) else {
            return (quantity, Fit::Within);
        };
        if position + quantity <= max {
            return (quantity, Fit::Within);
        }
        let less = quantity - pack;
        if less > 0 && less >= floor && position + less >= rop {
            (less, Fit::OnePackLess)
        } else {
            (quantity, Fit::OverMax(position + quantity - max))
        }
    }
}

/// How a rounded order stands against the pair's max.
#[derive(Debug, Clone, Copy)]
enum Fit {
    /// Within it, or there is none.
    Within,
    /// One pack less than the rounding gave, to stay within it.
    OnePackLess,
    /// Past it by this many units.
    OverMax(i128),
}

fn position_text(stock: i64, on_order: i64, position: i128) -> String {
    if on_order == 0 {
        format!("position {position}")
    } else {
        format!("position {position} (stock {stock} + {on_order} on order)")
    }
}

/// How `quantity` came from `need`: packs, the minimum order, or both.
fn order_text(need: i128, quantity: i128, pack: i128, moq: i128) -> String {
    let packs = |n: i128| {
        let count = n / pack;
        format!(
            "{count} pack{} of {pack}",
            if count == 1 { "" } else { "s" }
        )
    };
    let by_moq = rounded_up(moq, pack) > rounded_up(need, pack);
    match (by_moq, pack > 1) {
        (true, true) => format!("minimum order {moq}: {}", packs(quantity)),
        (true, false) => format!("minimum order {moq}: order {quantity}"),
        (false, true) => packs(quantity),
        (false, false) => format!("order {quantity}"),
    }
}

fn rounded_up(units: i128, pack: i128) -> i128 {
    ceil_div(units.max(0), pack) * pack
}

/// ceil(a / b) for b > 0.
fn ceil_div(a: i128, b: i128) -> i128 {
    let q = a.div_euclid(b);
    if a.rem_euclid(b) == 0 { q } else { q + 1 }
}

fn clamp(v: i128) -> i64 {
    i64::try_from(v).unwrap_or(if v < 0 { i64::MIN } else { i64::MAX })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pair(stock: i64, threshold: i64, sales: Sales, window_days: i64, lead: i64) -> Pair {
        Pair {
            stock,
            on_order: 0,
            threshold,
            max: None,
            sales,
            window_days,
            lead_time_days: lead,
            cover_days: 14,
            pack_size: 1,
            min_order_quantity: 0,
            service_level: None,
        }
    }

    /// The worked example's 30 days, 60 units: seven days of 0, five of 1,
    /// six of 2, five of 3, seven of 4.
    fn worked_series() -> Vec<i64> {
        [(0, 7), (1, 5), (2, 6), (3, 5), (4, 7)]
            .iter()
            .flat_map(|&(units, days)| std::iter::repeat_n(units, days))
            .collect()
    }

    #[test]
    fn the_worked_example_series_has_sigma_1_5() {
        let s = Sales::of_days(&worked_series());
        // Σx = 5·1 + 6·2 + 5·3 + 7·4 = 5 + 12 + 15 + 28 = 60 over 7 + 5 + 6 + 5 + 7 = 30 days.
        assert_eq!(s.sold, 60);
        // Σx² = 5·1 + 6·4 + 5·9 + 7·16 = 5 + 24 + 45 + 112 = 186.
        assert_eq!(s.sum_of_squares, 186);
        assert_eq!(s.days_with_sales, 23);
        // variance = (186 − 60²/30) / 29 = 66/29 = 2.2759; σ = 1.5086.
        let sigma = s.std_dev(30).unwrap();
        assert!((sigma - (66.0f64 / 29.0).sqrt()).abs() < 1e-12, "{sigma}");
        assert!((sigma - 1.5).abs() < 0.01, "{sigma}");
    }

    #[test]
    fn the_spec_worked_example_orders_48() {
        // SPEC 11: sold 60 in 30 days, σ 1.5, L 7, 95 %, cover 14, on hand
        // 10, pack 12, MOQ 24. z(0.95) = 1.644854; √7 = 2.645751;
        // SS = ceil(1.644854 × 1.508592 × 2.645751 = 6.5652) = 7.
        // ROP = max(10, ceil(60·7/30) = 14 + 7) = 21.
        // S = max(10, ceil(60·(7+14)/30) = 42 + 7) = 49; need = 49 − 10 = 39.
        // quantity = max(ceil(39/12)·12 = 48, ceil(24/12)·12 = 24) = 48.
        let mut p = pair(10, 10, Sales::of_days(&worked_series()), 30, 7);
        p.pack_size = 12;
        p.min_order_quantity = 24;
        p.service_level = Some("95".parse().unwrap());
        let r = p.replenish();
        assert_eq!(
            (
                r.safety_stock,
                r.reorder_point,
                r.target,
                r.need,
                r.quantity
            ),
            (7, 21, 49, 39, 48)
        );
        assert_eq!(
            r.explain,
            "position 10 < reorder point 21; need 49-10=39; 4 packs of 12"
        );
        assert!(!r.over_max);
        assert_eq!(r.safety_stock_note, None);
    }

    /// The wave-one suggestion, as alerts computed it before this rule:
    /// max(threshold − stock, ceil(sold × cover / days) − stock), where
    /// cover = lead time + review period.
    fn wave_one(stock: i64, threshold: i64, sold: i64, days: i64, cover: i64) -> i64 {
        let (stock, sold, days) = (i128::from(stock), i128::from(sold), i128::from(days));
        let demand = (sold * i128::from(cover) + days - 1).div_euclid(days);
        clamp((i128::from(threshold) - stock).max(demand - stock))
    }

    #[test]
    fn without_service_level_pack_or_moq_it_is_the_wave_one_suggestion() {
        // Wave one: max(threshold − stock, ceil(sold × (L + cover) / days) − stock).
        for (stock, threshold, sold, days, lead, cover) in [
            (5, 20, 12, 30, 7, 30),
            (5, 20, 90, 30, 7, 30),
            (0, 5, 10, 3, 0, 7),
            (1, 10, 1, 30, 30, 14),
            (9, 10, 300, 7, 2, 0),
        ] {
            let mut p = pair(
                stock,
                threshold,
                Sales {
                    sold,
                    ..Sales::default()
                },
                days,
                lead,
            );
            p.cover_days = cover;
            let wave_one = wave_one(stock, threshold, sold, days, lead + cover);
            assert_eq!(
                p.replenish().quantity,
                wave_one,
                "{stock} {threshold} {sold} {days}"
            );
        }
    }

    proptest::proptest! {
        #[test]
        fn for_every_alert_without_terms_it_is_the_wave_one_suggestion(
            threshold in 1i64..10_000,
            below in 1i64..10_000,
            sold in 1i64..1_000_000,
            days in 1i64..=36_500,
            lead in 0i64..=365,
            cover in 0i64..=365,
        ) {
            // An alert: stock strictly below the threshold, sales in the window.
            let stock = (threshold - below).max(0);
            let mut p = pair(stock, threshold, Sales { sold, ..Sales::default() }, days, lead);
            p.cover_days = cover;
            let wave_one = wave_one(stock, threshold, sold, days, lead + cover);
            proptest::prop_assert_eq!(p.replenish().quantity, wave_one);
        }
    }

    /// A slow mover (3 sold in 30 days, lead 7) with Min 200 and Max 250.
    fn slow_with_max(stock: i64) -> Pair {
        let mut p = pair(
            stock,
            200,
            Sales {
                sold: 3,
                ..Sales::default()
            },
            30,
            7,
        );
        p.max = Some(250);
        p
    }

    #[test]
    fn a_max_steps_down_one_pack_only_when_the_reorder_point_still_holds() {
        // Max 250, threshold (Min) 200, 194 on hand, pack 100, slow sales:
        // ROP = 200, S = 250, need 56 → 1 pack = 100; 294 > 250, but
        // 194 + 0 < 200, so it stays 100 and is over max by 44.
        let mut p = slow_with_max(194);
        p.pack_size = 100;
        let r = p.replenish();
        assert_eq!(
            (r.reorder_point, r.target, r.need, r.quantity),
            (200, 250, 56, 100)
        );
        assert!(r.over_max);
        assert_eq!(
            r.explain,
            "position 194 < reorder point 200; need 250-194=56; 1 pack of 100; over max 250 by 44"
        );

        // The other way: 150 on hand, pack 60: need 100 → 2 packs = 120;
        // 270 > 250, and 150 + 60 = 210 >= 200: one pack less, 60.
        p.stock = 150;
        p.pack_size = 60;
        let r = p.replenish();
        assert_eq!((r.need, r.quantity, r.over_max), (100, 60, false));
        assert_eq!(
            r.explain,
            "position 150 < reorder point 200; need 250-150=100; 1 pack of 60, one pack less to stay within max 250"
        );
    }

    #[test]
    fn a_max_never_steps_below_the_minimum_order() {
        // need 100 → 2 packs of 60 = 120, MOQ 120: one pack less would be 60 < MOQ.
        let mut p = slow_with_max(150);
        p.pack_size = 60;
        p.min_order_quantity = 120;
        let r = p.replenish();
        assert_eq!((r.quantity, r.over_max), (120, true));
    }

    #[test]
    fn what_is_on_order_counts_toward_the_position() {
        // 5 in stock + 20 on order = 25 >= ROP 20: nothing more.
        let mut p = pair(
            5,
            20,
            Sales {
                sold: 12,
                ..Sales::default()
            },
            30,
            7,
        );
        p.on_order = 20;
        let r = p.replenish();
        assert_eq!((r.position, r.need, r.quantity), (25, 0, 0));
        assert_eq!(
            r.explain,
            "position 25 (stock 5 + 20 on order) >= reorder point 20: nothing to order"
        );
        // 5 on order leaves 10 < 20: top up to S = max(20, ceil(12·21/30) = 9) = 20.
        p.on_order = 5;
        let r = p.replenish();
        assert_eq!((r.position, r.need, r.quantity), (10, 10, 10));
    }

    #[test]
    fn the_minimum_order_lifts_a_small_need() {
        let mut p = pair(
            18,
            20,
            Sales {
                sold: 3,
                ..Sales::default()
            },
            30,
            7,
        );
        p.min_order_quantity = 25;
        let r = p.replenish();
        assert_eq!((r.need, r.quantity), (2, 25));
        assert!(
            r.explain.ends_with("; minimum order 25: order 25"),
            "{}",
            r.explain
        );
        p.pack_size = 10;
        let r = p.replenish();
        assert_eq!(r.quantity, 30);
        assert!(
            r.explain.ends_with("; minimum order 25: 3 packs of 10"),
            "{}",
            r.explain
        );
    }

    #[test]
    fn a_slow_mover_gets_no_safety_stock_and_says_why() {
        let mut p = pair(0, 5, Sales::of_days(&[3, 0, 0, 4, 0, 2]), 30, 7);
        p.service_level = Some("99.5".parse().unwrap());
        let r = p.replenish();
        assert_eq!(r.safety_stock, 0);
        assert_eq!(
            r.safety_stock_note.as_deref(),
            Some("no safety stock: 3 of the window's 30 days had a sale (fewer than 10)")
        );
    }

    #[test]
    fn window_days_start_at_the_first_movement() {
        let day = SECONDS_PER_DAY;
        // Stocked a week ago: 7 days, not 30.
        assert_eq!(window_days(30, 100 * day, 93 * day), 7);
        // Six and a half days round up to 7.
        assert_eq!(window_days(30, 100 * day, 93 * day + day / 2), 7);
        // Older than the window: the window.
        assert_eq!(window_days(30, 100 * day, 10 * day), 30);
        // A movement a second ago, or one after as_of: at least one day.
        assert_eq!(window_days(30, 100 * day, 100 * day - 1), 1);
        assert_eq!(window_days(30, 100 * day, 101 * day), 1);
        // Extremes do not wrap.
        assert_eq!(window_days(36_500, i64::MAX, i64::MIN), 36_500);
    }

    #[test]
    fn service_levels_are_strictly_between_50_and_100() {
        for ok in ["95", "99.5", "50.01", "99.99"] {
            assert!(ok.parse::<ServiceLevel>().is_ok(), "{ok}");
        }
        for bad in ["50", "100", "0", "-95", "abc", "95%", "1e2", "NaN", ""] {
            let e = bad.parse::<ServiceLevel>().unwrap_err();
            assert_eq!(e.kind(), crate::Kind::InvalidInput, "{bad}");
        }
        let z = "95".parse::<ServiceLevel>().unwrap().z();
        assert!((z - 1.644_853_626_951_472_2).abs() < 1e-9, "{z}");
    }

    #[test]
    fn huge_figures_saturate_instead_of_wrapping() {
        let mut p = pair(
            0,
            1,
            Sales {
                sold: i64::MAX,
                ..Sales::default()
            },
            1,
            i64::MAX,
        );
        p.cover_days = i64::MAX;
        p.pack_size = i64::MAX;
        let r = p.replenish();
        assert_eq!(r.quantity, i64::MAX);
        assert_eq!(r.target, i64::MAX);
    }
}
