#!/usr/bin/env bash
# stockflow benchmark: builds a large deterministic data set through the public
# CLI and prints figures with ratios against baselines measured in the same run.
#
#   bench/run.sh [DIR]        (default DIR: bench-data; needs ~4 GB free)
#   SF=/other/stockflow bench/run.sh    (measure another build, e.g. without
#                                        overflow-checks; see README.md)
#   ENGINE=postgres [PG=URL] bench/run.sh [DIR]
#                             (the same figures on a PostgreSQL server, against
#                              psql on it: see bench/postgres.sh; default PG
#                              postgresql://stockflow:stockflow@localhost:5432/postgres)
#
# 1. `stock adjust --file` with ~9,000,000 movements, from the file and from a
#    pipe (`cat | --file -`), vs sqlite3 `.import` of the same CSV into a bare
#    table (movements/s, ratio, peak memory, and which path the batch took);
# 2. one `stock adjust` process vs sqlite3 running the same transaction;
# 3. `alerts low-stock` (JSON and CSV) vs the best single SQL statement for the
#    rule, run by sqlite3 over a plain ledger table with its ideal index
#    (and the two are checked to give the same alerts);
# 4. `reorder plan` (without and with --service-level 95) vs `alerts low-stock`
#    on the same database, in the same run.
# Medians of repeated runs; the machine is printed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
DIR=${1:-bench-data}
RUNS=${RUNS:-3}
ENGINE=${ENGINE:-sqlite}
case $ENGINE in sqlite | postgres) ;; *) echo "ENGINE must be sqlite or postgres: $ENGINE" >&2; exit 2 ;; esac

need() { command -v "$1" >/dev/null 2>&1; }
if ! need hyperfine || ! need sqlite3 || [ ! -x /usr/bin/time ]; then
    echo "installing hyperfine, sqlite3 and time from Debian's packages..." >&2
    apt-get update -qq && apt-get install -y -qq hyperfine sqlite3 time >/dev/null
fi

cargo build --release --locked --quiet
cargo build --release --locked --quiet --example bench_data
SF=${SF:-$PWD/target/release/stockflow}
mkdir -p "$DIR"
DIR=$(cd "$DIR" && pwd)
[ -f "$DIR/movements.csv" ] || ./target/release/examples/bench_data "$DIR"

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
elapsed() { /usr/bin/time -f "%e %M" -o "$DIR/time.out" "$@" > "$DIR/out.json"; cat "$DIR/time.out"; }

# --- the catalog, through the CLI ---------------------------------------------
BASE=$DIR/base.db
rm -f "$BASE"*
export STOCKFLOW_DB=$BASE
$SF init >/dev/null
$SF company create --name Bench >/dev/null
for i in $(seq 20); do $SF warehouse create --company 1 --name "W$i" >/dev/null; done
for i in $(seq 40); do $SF supplier create --company 1 --name "S$i" --email "s$i@example.com" >/dev/null; done
$SF import products "$DIR/products.csv" >/dev/null
ROWS=$(($(wc -l < "$DIR/movements.csv") - 1))
if [ "$ENGINE" = postgres ]; then
    . bench/postgres.sh
    exit
fi

# --- 1. batch ledger writes ------------------------------------------------------
echo "== stock adjust --file: $ROWS movements ($RUNS runs each, from the file and from a pipe)"
: > "$DIR/file.txt"; : > "$DIR/pipe.txt"; : > "$DIR/import.txt"; : > "$DIR/rss.txt"
for _ in $(seq "$RUNS"); do
    for how in file pipe; do
        rm -f "$DIR/run.db"*; cp "$BASE" "$DIR/run.db"
        if [ "$how" = file ]; then
            read -r secs rss < <(elapsed "$SF" --db "$DIR/run.db" stock adjust --file "$DIR/movements.csv" --format json)
        else
            read -r secs rss < <(elapsed sh -c "cat '$DIR/movements.csv' | '$SF' --db '$DIR/run.db' stock adjust --file - --format json")
        fi
        echo "$secs" >> "$DIR/$how.txt"; echo "$rss" >> "$DIR/rss.txt"
        grep -q '"bulk_load": true' "$DIR/out.json" || { echo "the $how batch did not take the bulk path" >&2; exit 1; }
    done
    rm -f "$DIR/bare.db"*
    read -r secs _ < <(elapsed sqlite3 "$DIR/bare.db" "PRAGMA journal_mode=WAL" "PRAGMA synchronous=FULL" \
        "CREATE TABLE m (sku TEXT, warehouse_id INTEGER, delta INTEGER, reason TEXT, at TEXT)" \
        ".import --csv --skip 1 $DIR/movements.csv m")
    echo "$secs" >> "$DIR/import.txt"
done
FILE=$(median < "$DIR/file.txt"); PIPE=$(median < "$DIR/pipe.txt")
IMPORT=$(median < "$DIR/import.txt"); RSS=$(sort -n "$DIR/rss.txt" | tail -1)
awk -v r="$ROWS" -v f="$FILE" -v p="$PIPE" -v i="$IMPORT" -v m="$RSS" 'BEGIN {
    printf "file        %6.2f s  %9.0f movements/s  %5.2f x .import\n", f, r / f, f / i
    printf "pipe        %6.2f s  %9.0f movements/s  %5.2f x .import\n", p, r / p, p / i
    printf "sqlite3     %6.2f s  %9.0f rows/s (.import into a bare table)\n", i, r / i
    printf "peak memory %6.1f MB (largest of all runs)\n", m / 1024
    printf "targets: >= 400000/s, <= 2.0x .import, < 200 MB, file and pipe alike\n" }'
rm -f "$DIR/bare.db"*
FULL=$DIR/run.db

# --- 2. one stock adjust process -------------------------------------------------
echo; echo "== one stock adjust, end to end"
hyperfine -N --warmup 5 --runs 100 --export-json "$DIR/single.json" \
    -n stockflow "$SF --db $FULL stock adjust --sku SKU-000000 --warehouse 12 --delta 1 --reason receipt" \
    -n sqlite3 "sqlite3 $FULL \"PRAGMA busy_timeout=5000; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; BEGIN IMMEDIATE; UPDATE inventory SET quantity = quantity + 1 WHERE product_id = 1 AND warehouse_id = 12; INSERT INTO movement (product_id, warehouse_id, delta, reason, actor, occurred_at, recorded_at) VALUES (1, 12, 1, 'receipt', 'bench', unixepoch(), unixepoch()); COMMIT;\"" >/dev/null
python3 - "$DIR/single.json" <<'EOF'
import json, sys
r = {x["command"]: x["median"] for x in json.load(open(sys.argv[1]))["results"]}
print(f"stockflow   {r['stockflow']*1000:6.2f} ms (median)")
print(f"sqlite3     {r['sqlite3']*1000:6.2f} ms (median)")
print(f"ratio       {r['stockflow']/r['sqlite3']:6.2f} x  (target: <= 2x)")
EOF

# --- 3. low-stock alerts -----------------------------------------------------------
echo; echo "== alerts low-stock --company 1 --as-of 2026-11-01"
PLAIN=$DIR/plain.db
rm -f "$PLAIN"*; cp "$FULL" "$PLAIN"
sqlite3 "$PLAIN" "CREATE TABLE ledger AS SELECT product_id, warehouse_id, reason, delta, occurred_at FROM movement" \
    "CREATE INDEX ledger_ideal ON ledger (product_id, warehouse_id, occurred_at, delta) WHERE reason = 'sale'"
cat > "$DIR/alerts.sql" <<'EOF'
.mode csv
.headers on
WITH low AS MATERIALIZED (
    SELECT i.product_id, i.warehouse_id, i.quantity,
           coalesce(lt.quantity, p.threshold, tt.quantity, c.default_threshold, 10) AS threshold
    FROM product p JOIN company c ON c.id = p.company_id
    LEFT JOIN type_threshold tt ON tt.company_id = p.company_id AND tt.type = p.type
    JOIN inventory i ON i.product_id = p.id
    LEFT JOIN location_threshold lt ON lt.product_id = i.product_id AND lt.warehouse_id = i.warehouse_id
    WHERE p.company_id = 1 AND p.archived = 0 AND p.is_bundle = 0
      AND i.quantity < coalesce(lt.quantity, p.threshold, tt.quantity, c.default_threshold, 10)),
sold AS MATERIALIZED (
    SELECT low.*, (SELECT -sum(l.delta) FROM ledger l
                   WHERE l.product_id = low.product_id AND l.warehouse_id = low.warehouse_id
                     AND l.reason = 'sale' AND l.occurred_at > unixepoch('2026-11-01') - 30 * 86400
                     AND l.occurred_at <= unixepoch('2026-11-01')) AS units_sold
    FROM low)
SELECT p.sku, sold.warehouse_id, sold.quantity AS current_stock, sold.threshold,
       sold.quantity * 30 / sold.units_sold AS days_until_stockout, s.id AS supplier_id
FROM sold JOIN product p ON p.id = sold.product_id
LEFT JOIN product_supplier ps ON ps.product_id = sold.product_id AND ps.is_primary = 1
LEFT JOIN supplier s ON s.id = ps.supplier_id
WHERE sold.units_sold > 0
ORDER BY days_until_stockout, p.sku, sold.warehouse_id;
EOF
ALERTS="alerts low-stock --company 1 --as-of 2026-11-01"
hyperfine -N --warmup 2 --runs 15 --export-json "$DIR/alerts.json" \
    -n json "$SF --db $FULL $ALERTS --format json" \
    -n csv "$SF --db $FULL $ALERTS --format csv" \
    -n sqlite3 "sqlite3 -init $DIR/alerts.sql $PLAIN .quit" >/dev/null
"$SF" --db "$FULL" $ALERTS --format csv > "$DIR/ours.csv"
sqlite3 -init "$DIR/alerts.sql" "$PLAIN" .quit > "$DIR/theirs.csv" 2>/dev/null
read -r _ ARSS < <(elapsed "$SF" --db "$FULL" $ALERTS --format json)
bench/alerts_compare.py "$DIR" "$ARSS" sqlite3 "<= 1.5x, < 500 ms, < 100 MB"

# --- 4. reorder plan against the alerts ---------------------------------------------
echo; echo "== reorder plan --company 1 --as-of 2026-11-01 vs alerts low-stock on the same data"
PLAN="reorder plan --company 1 --as-of 2026-11-01"
hyperfine -N -w 1 -r 5 --export-json "$DIR/plan.json" \
    -n alerts "$SF --db $FULL $ALERTS --format json" \
    -n plan "$SF --db $FULL $PLAN --format json" \
    -n plan-95 "$SF --db $FULL $PLAN --service-level 95 --format json" >/dev/null
python3 - "$DIR/plan.json" <<'EOF2'
import json, sys
r = {x["command"]: x["median"] for x in json.load(open(sys.argv[1]))["results"]}
a = r["alerts"]
print(f"alerts low-stock           {a*1000:7.1f} ms (median)")
print(f"reorder plan               {r['plan']*1000:7.1f} ms  {r['plan']/a:5.2f} x alerts")
print(f"reorder plan, level 95     {r['plan-95']*1000:7.1f} ms  {r['plan-95']/a:5.2f} x alerts")
print("target: <= 1.5x alerts")
EOF2
echo; echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr)"
