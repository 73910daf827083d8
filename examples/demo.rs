//! The demo: builds a realistic sample database through the library (no CLI)
//! and prints its low-stock alerts.
//!
//!     cargo run --release --example demo [-- PATH]     (default PATH: demo.db)
//!
//! A wholesaler with three warehouses, 240 products of five types, six
//! suppliers with lead times, two bundles and ninety days of receipts and
//! sales up to today. The database stays behind for the CLI to explore:
//! `cargo run --release -- --db demo.db alerts low-stock --company 1 --format csv`.

use std::fmt::Write as _;
use std::io::BufWriter;
use std::path::PathBuf;

use stockflow::model::{CompanyId, Money, Quantity, Sku, SupplierId, Timestamp, WarehouseId};
use stockflow::ops::catalog::{self, Link, NewSupplier};
use stockflow::ops::threshold::{self, Scope};
use stockflow::ops::{alerts, bundle, product, stock};
use stockflow::render::{Format, Out};
use stockflow::store::{DEFAULT_BUSY_TIMEOUT, Db};
use stockflow::{Ctx, Result};

const TYPES: [(&str, i64, u64); 5] = [
    // (type, company threshold for the type, base daily demand)
    ("cable", 40, 6),
    ("fastener", 100, 14),
    ("tool", 8, 1),
    ("sensor", 12, 2),
    ("adhesive", 20, 3),
];
const SUPPLIERS: [(&str, &str, i64); 6] = [
    ("Rheinland Kabel GmbH", "orders@rheinland-kabel.example", 7),
    ("Nordic Fasteners AB", "sales@nordicfasteners.example", 12),
    ("Toolcraft Ltd", "purchasing@toolcraft.example", 21),
    ("Sensorik Partners", "orders@sensorik.example", 14),
    ("BondTech Adhesives", "supply@bondtech.example", 5),
    ("General Trade Co", "hello@generaltrade.example", 3),
];

/// A small deterministic generator (SplitMix64): the same demo every time.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        (z ^ (z >> 31)) % n
    }
}

// An example is a caller like the binary's main: it reads the clock once.
#[allow(clippy::disallowed_methods)]
fn main() -> Result<()> {
    let path = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "demo.db".to_owned()),
    );
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    let ctx = Ctx {
        now: Timestamp::from_datetime(chrono::Utc::now()),
        actor: "demo".to_owned(),
    };
    let (mut db, _) = Db::init(&path, DEFAULT_BUSY_TIMEOUT)?;
    let company = build(&mut db, &ctx)?;

    let report = alerts::low_stock(
        &mut db,
        &alerts::Query {
            company,
            warehouse: None,
            days: 30,
            as_of: ctx.now,
            cover_days: 30,
            limit: Some(25),
            offset: 0,
        },
    )?;
    let stdout = std::io::stdout();
    // Fit the terminal as the binary does (comfy-table asks it when stdout is one).
    let width = comfy_table::Table::new().width().map(usize::from);
    let mut out = Out::new(BufWriter::new(stdout.lock()), Format::Table, false).width(width);
    out.line(&format!(
        "Low-stock alerts for Northwind Industrial Supply, most urgent first (the first {}):",
        report.alerts.len()
    ))?;
    out.show(&report)?;
    // A command that works right after `cargo run --release --example demo`,
    // with nothing installed.
    out.line(&format!(
        "\nDatabase: {} — explore it with the CLI, e.g.\n  cargo run --release -- --db {} alerts low-stock --company 1 --limit 25",
        path.display(),
        path.display()
    ))?;
    out.finish()
}

/// Creates the company, its catalog and ninety days of history; returns its id.
fn build(db: &mut Db, ctx: &Ctx) -> Result<CompanyId> {
    let company = catalog::create_company(db, ctx, "Northwind Industrial Supply")?.id;
    let warehouses: Vec<WarehouseId> = [
        ("Hamburg", "Port of Hamburg, Shed 7"),
        ("Munich", "Freimann"),
        ("Leipzig", "GVZ Nord"),
    ]
    .iter()
    .map(|(name, location)| {
        catalog::create_warehouse(db, ctx, company, name, Some(location)).map(|w| w.id)
    })
    .collect::<Result<_>>()?;
    let suppliers: Vec<SupplierId> = SUPPLIERS
        .iter()
        .map(|(name, email, _)| {
            let new = NewSupplier {
                company,
                name: (*name).to_owned(),
                email: Some((*email).to_owned()),
                phone: None,
            };
            catalog::create_supplier(db, ctx, &new).map(|s| s.id)
        })
        .collect::<Result<_>>()?;
    threshold::set(
        db,
        &Scope::Default(company),
        Quantity::parse("threshold", "10")?,
    )?;
    for (ty, quantity, _) in TYPES {
        threshold::set(
            db,
            &Scope::Type(company, ty.to_owned()),
            Quantity::parse("threshold", &quantity.to_string())?,
        )?;
    }

    let mut rng = Rng(7);
    let mut history = String::from("sku,warehouse_id,delta,reason,reference,at\n");
    for i in 0..240u64 {
        let (ty, _, demand) = TYPES[(i % 5) as usize];
        let sku = Sku::parse(&format!("{}-{:04}", &ty[..3].to_uppercase(), 1000 + i))?;
        let new = product::NewProduct {
            company,
            sku: sku.clone(),
            name: format!("{} {}", capitalise(ty), 1000 + i),
            price: Money::parse(
                "price",
                &format!("{}.{:02}", 1 + rng.below(400), rng.below(100)),
            )?,
            product_type: Some(ty.to_owned()),
            threshold: None,
            stock: None,
        };
        product::create(db, ctx, &new)?;
        let supplier = (i % 5) as usize;
        let (_, _, lead) = SUPPLIERS[supplier];
        link(db, &sku, suppliers[supplier], true, lead)?;
        if i % 7 == 0 {
            link(db, &sku, suppliers[5], false, 3)?;
        }
        let stocked_in = 1 + (i % 3) as usize;
        for &warehouse in &warehouses[..stocked_in] {
            sales_history(
                &mut history,
                &mut rng,
                ctx.now,
                sku.as_str(),
                warehouse,
                demand,
            )?;
        }
    }
    stock::adjust_file(
        db,
        ctx,
        history.as_bytes(),
        &mut stockflow::ops::progress::Quiet,
    )?;

    for (kit, parts) in [
        ("KIT-CABLE-PRO", [("CAB-1000", 2), ("ADH-1004", 1)]),
        ("KIT-SENSOR", [("SEN-1003", 1), ("FAS-1001", 8)]),
    ] {
        let kit_sku = Sku::parse(kit)?;
        let new = product::NewProduct {
            company,
            sku: kit_sku.clone(),
            name: format!("Bundle {kit}"),
            price: Money::parse("price", "149.00")?,
            product_type: Some("kit".to_owned()),
            threshold: None,
            stock: None,
        };
        product::create(db, ctx, &new)?;
        let parts = parts
            .iter()
            .map(|(sku, qty)| {
                Ok((
                    Sku::parse(sku)?,
                    Quantity::parse("quantity", &qty.to_string())?,
                ))
            })
            .collect::<Result<Vec<_>>>()?;
        bundle::set(db, &kit_sku, &parts)?;
    }
    Ok(company)
}

fn link(db: &mut Db, sku: &Sku, supplier: SupplierId, primary: bool, lead: i64) -> Result<()> {
    let link = Link {
        sku: sku.clone(),
        supplier,
        primary,
        lead_time_days: Some(lead),
        cost: None,
        pack_size: None,
        min_order_quantity: None,
    };
    catalog::link_supplier(db, &link).map(|_| ())
}

/// Ninety days of one product in one warehouse: a receipt every few weeks and
/// daily sales around its demand; about one pair in six ends up running low.
fn sales_history(
    csv: &mut String,
    rng: &mut Rng,
    now: Timestamp,
    sku: &str,
    warehouse: WarehouseId,
    demand: u64,
) -> Result<()> {
    let line = |csv: &mut String, delta: i64, reason: &str, reference: &str, day: i64| {
        let at = now.plus_days(day - 90);
        writeln!(csv, "{sku},{warehouse},{delta},{reason},{reference},{at}")
            .map_err(|e| stockflow::Error::new(stockflow::Kind::Internal, e.to_string()))
    };
    let rate = 1 + rng.below(demand * 2);
    let running_low = rng.below(5) == 0;
    let mut stock = 0i64;
    for day in 0..90i64 {
        if day % 30 == 0 {
            // Enough for the month and a buffer; a pair running low got a
            // last delivery that leaves it 0 to 9 days' worth by now.
            let target = if running_low && day == 60 {
                30 + rng.below(10)
            } else {
                45
            };
            let delta = (rate * target) as i64 - stock;
            if delta > 0 {
                line(
                    csv,
                    delta,
                    "receipt",
                    &format!("PO-{:03}", day / 30 + 1),
                    day,
                )?;
                stock += delta;
            }
        }
        let sold = (rng.below(rate * 2 + 1) as i64).min(stock);
        if sold > 0 {
            line(csv, -sold, "sale", "", day)?;
            stock -= sold;
        }
    }
    Ok(())
}

fn capitalise(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}
