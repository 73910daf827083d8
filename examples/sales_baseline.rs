//! The in-process baseline of `bench/api.sh`: the library recording one
//! sale per transaction (`synchronous=FULL`, one fsync each) on a database
//! file, as fast as one writer can, with no HTTP in between.
//!
//!     cargo run --release --example sales_baseline -- DB SKU WAREHOUSE SECONDS
//!
//! Prints `sales N seconds S per_second R`.

use std::io::Write;
use std::time::{Duration, Instant};

use stockflow::model::{Delta, Reason, Timestamp, WarehouseId};
use stockflow::ops::stock::{self, Adjustment};
use stockflow::store::{DEFAULT_BUSY_TIMEOUT, Db};
use stockflow::{Ctx, Error, Result};

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [db, sku, warehouse, seconds] = args.as_slice() else {
        return Err(Error::invalid(
            "usage: sales_baseline DB SKU WAREHOUSE SECONDS",
        ));
    };
    let seconds: u64 = seconds
        .parse()
        .map_err(|_| Error::invalid(format!("seconds must be a whole number: {seconds}")))?;
    let mut db = Db::open(db.as_ref(), DEFAULT_BUSY_TIMEOUT)?;
    let sale = Adjustment {
        sku,
        warehouse: WarehouseId::parse(warehouse)?,
        delta: Delta::parse("-1")?,
        reason: Reason::Sale,
        note: None,
        reference: None,
        at: None,
    };
    let start = Instant::now();
    let mut sales = 0u64;
    while start.elapsed() < Duration::from_secs(seconds) {
        stock::adjust(&mut db, &ctx(), &sale)?;
        sales += 1;
    }
    let secs = start.elapsed().as_secs_f64();
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "sales {sales} seconds {secs:.2} per_second {:.1}",
        sales as f64 / secs
    )?;
    Ok(())
}

/// A benchmark reads the clock per sale, as the server does per request.
#[allow(clippy::disallowed_methods)]
fn ctx() -> Ctx {
    Ctx {
        now: Timestamp::from_datetime(chrono::Utc::now()),
        actor: "bench".to_owned(),
    }
}
