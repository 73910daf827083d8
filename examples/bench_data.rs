//! Writes the benchmark's deterministic data set as CSV files for the public CLI:
//!
//! - `products.csv` for `stockflow import products` (with opening stock and a
//!   primary supplier),
//! - `movements.csv` for `stockflow stock adjust --file`: receipts and sales
//!   over 90 days ending at `AS_OF`, in time order, never driving stock negative.
//!
//! Usage: `cargo run --release --example bench_data -- DIR [PRODUCTS] [WAREHOUSES]`
//! (defaults: 33,000 products over 20 warehouses, about 430,000 pairs and
//! 9,000,000 movements). Same arguments, same bytes.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;

/// The end of the generated history (and the benchmark's `--as-of`): 2026-11-01T00:00:00Z.
const AS_OF: i64 = 1_793_491_200;
const DAY: i64 = 86_400;
const SUPPLIERS: u64 = 40;

/// A small deterministic generator (SplitMix64), so the data set never varies.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn rfc3339(secs: i64) -> String {
    chrono::DateTime::from_timestamp(secs, 0)
        .map(|t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_default()
}

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(args.next().unwrap_or_else(|| "bench-data".to_owned()));
    let products: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(33_000);
    let warehouses: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(20);
    std::fs::create_dir_all(&dir)?;
    let mut rng = Rng(42);

    // Each product is stocked in 13 of the warehouses on average (10 to 16).
    let mut pairs: Vec<(u64, u64)> = Vec::new();
    for p in 0..products {
        let n = (10 + rng.below(7)).min(warehouses);
        let first = rng.below(warehouses);
        pairs.extend((0..n).map(|k| (p, (first + k) % warehouses + 1)));
    }

    let mut catalog = BufWriter::new(File::create(dir.join("products.csv"))?);
    writeln!(
        catalog,
        "company_id,sku,name,price,type,warehouse_id,quantity,supplier_id,lead_time_days,cost"
    )?;
    for p in 0..products {
        let ty = ["cable", "widget", "gadget", "tool", "part"][(p % 5) as usize];
        let price = 100 + rng.below(99_900);
        let supplier = p % SUPPLIERS + 1;
        let lead = 2 + rng.below(19);
        let first_warehouse = pairs.iter().find(|(q, _)| *q == p).map_or(1, |(_, w)| *w);
        writeln!(
            catalog,
            "1,SKU-{p:06},Product {p} ({ty}),{}.{:02},{ty},{first_warehouse},{},{supplier},{lead},{}.{:02}",
            price / 100,
            price % 100,
            rng.below(5),
            price * 6 / 1000,
            price * 6 / 10 % 100
        )?;
    }
    catalog.flush()?;

    // Per pair: one receipt on the first day, then 9 to 31 sales of 1-3 units
    // spread over the 90 days; the receipt covers the sales plus a final stock
    // that is below the default threshold (10) for about 6.5% of the pairs.
    let start = AS_OF - 90 * DAY;
    let mut events: Vec<(i64, u32, i32)> = Vec::with_capacity(9_200_000);
    for (i, _) in pairs.iter().enumerate() {
        let sales = 9 + rng.below(23);
        let mut sold = 0;
        for _ in 0..sales {
            let qty = 1 + rng.below(3) as i32;
            let at = start + DAY + rng.below((89 * DAY) as u64) as i64;
            events.push((at, i as u32, -qty));
            sold += qty;
        }
        let last = if rng.below(1000) < 65 {
            rng.below(10)
        } else {
            10 + rng.below(190)
        };
        events.push((
            start + rng.below(DAY as u64) as i64,
            i as u32,
            sold + last as i32,
        ));
    }
    events.sort_unstable();

    let mut moves = BufWriter::with_capacity(1 << 20, File::create(dir.join("movements.csv"))?);
    writeln!(moves, "sku,warehouse_id,delta,reason,at")?;
    for (at, pair, delta) in &events {
        let (p, w) = pairs[*pair as usize];
        let reason = if *delta > 0 { "receipt" } else { "sale" };
        writeln!(moves, "SKU-{p:06},{w},{delta},{reason},{}", rfc3339(*at))?;
    }
    moves.flush()?;
    eprintln!(
        "{}: {products} products, {warehouses} warehouses, {} pairs, {} movements, as of {}",
        dir.display(),
        pairs.len(),
        events.len(),
        rfc3339(AS_OF)
    );
    Ok(())
}
