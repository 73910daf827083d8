#!/usr/bin/env bash
# stockflow API benchmark (not a test): wrk on loopback against `stockflow serve`,
# each figure against a baseline measured in the same run.
#
#   bench/api.sh [DIR]        (default DIR: bench-data; SECS=30 CONNS=32)
#
# 1. POST /api/stock/adjustments, one sale per request, synchronous=FULL, CONNS
#    connections for SECS seconds: durable sales/s (counted in the ledger
#    afterwards) vs the library recording one sale per transaction in-process
#    on the same file (examples/sales_baseline.rs); p50/p99 latency; and the
#    same with group commit off (STOCKFLOW_GROUP_MAX=1: one transaction per request).
# 2. GET /api/companies/1/alerts/low-stock on the large benchmark database
#    (built as bench/run.sh builds it, reused when present), one connection:
#    p50/p99 vs `alerts low-stock --format json` as a process (hyperfine median).
# 3. The server's memory (VmRSS and peak VmHWM) after the runs.
set -euo pipefail
cd "$(dirname "$0")/.."
DIR=${1:-bench-data}
SECS=${SECS:-30}
CONNS=${CONNS:-32}
PORT=${PORT:-18181}
RUNS=${RUNS:-3}

need() { command -v "$1" >/dev/null 2>&1; }
if ! need wrk || ! need hyperfine || ! need sqlite3 || ! need curl; then
    echo "installing wrk, hyperfine, sqlite3 and curl from Debian's packages..." >&2
    apt-get update -qq && apt-get install -y -qq wrk hyperfine sqlite3 curl >/dev/null
fi
cargo build --release --locked --quiet
cargo build --release --locked --quiet --example bench_data --example sales_baseline
SF=$PWD/target/release/stockflow
mkdir -p "$DIR"
DIR=$(cd "$DIR" && pwd)
SERVER=
cleanup() { [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null || true; }
trap cleanup EXIT

serve() { # DB [GROUP_MAX] -> starts the server in the background, sets SERVER
    STOCKFLOW_GROUP_MAX=${2:-256} "$SF" --db "$1" serve --listen "127.0.0.1:$PORT" > "$DIR/serve.out" 2> "$DIR/serve.log" &
    SERVER=$!
    for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/api/health" >/dev/null && return; sleep 0.1; done
    echo "the server did not start" >&2; exit 1
}
stop() { kill -TERM "$SERVER"; wait "$SERVER" || true; SERVER=; }
# RssFile is the mapped database file (shared, dropped by the kernel at will); RssAnon is the server's own.
rss() { awk '/VmHWM|VmRSS|RssAnon|RssFile/ {printf "%s %.1f MB  ", $1, $2/1024}' "/proc/$SERVER/status"; }

cat > "$DIR/wrk.lua" <<'LUA'
wrk.method = os.getenv("METHOD") or "GET"
wrk.body = os.getenv("BODY")
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT requests %d non2xx %d errors %d p50 %.2f p99 %.2f seconds %.2f\n",
    summary.requests, e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, summary.duration / 1e6))
end
LUA
field() { tr ' ' '\n' | awk -v k="$1" 'p {print; exit} $0 == k {p = 1}'; }

# --- 1. sales through the API vs in-process ------------------------------------
SALES=$DIR/sales.db
rm -f "$SALES"*
export STOCKFLOW_DB=$SALES
$SF init >/dev/null
$SF company create --name Bench >/dev/null
$SF warehouse create --company 1 --name Main >/dev/null
$SF product create --company 1 --sku BENCH --name Bench --price 1 --warehouse 1 --quantity 1000000000000 >/dev/null
TOKEN=$($SF token create --company 1 --name bench --format json | sed -n 's/.*"token": "\(.*\)".*/\1/p')
export TOKEN
unset STOCKFLOW_DB
ledger() { sqlite3 "$SALES" "SELECT count(*) FROM movement WHERE reason = 'sale'"; }

echo "== sales: one per request/transaction, synchronous=FULL, ${SECS}s each, $RUNS rounds (medians)"
sell() { # GROUP_MAX -> "sales/s p50 p99 rss-kB" of one wrk run
    local before wrk durable mem
    before=$(ledger)
    serve "$SALES" "$1"
    wrk=$(METHOD=POST BODY='{"sku":"BENCH","warehouse_id":1,"delta":-1,"reason":"sale"}' \
          wrk -t2 -c"$CONNS" -d"${SECS}s" --latency -s "$DIR/wrk.lua" "http://127.0.0.1:$PORT/api/stock/adjustments" | grep RESULT)
    mem=$(awk '/VmHWM/ {print $2}' "/proc/$SERVER/status")
    stop
    durable=$(( $(ledger) - before ))
    echo "$wrk" | awk -v d="$durable" -v m="$mem" '{
        if ($5 != 0 || $7 != 0) { print "non-2xx or socket errors: " $0 > "/dev/stderr"; exit 1 }
        printf "%.1f %s %s %s\n", d / $13, $9, $11, m }'
}
: > "$DIR/base.txt"; : > "$DIR/group.txt"; : > "$DIR/single.txt"
for _ in $(seq "$RUNS"); do
    ./target/release/examples/sales_baseline "$SALES" BENCH 1 "$SECS" | field per_second >> "$DIR/base.txt"
    sell 256 >> "$DIR/group.txt"
    sell 1 >> "$DIR/single.txt"
done
python3 - "$DIR" "$CONNS" <<'PY'
import statistics as st, sys
d, conns = sys.argv[1], sys.argv[2]
rows = lambda f: [list(map(float, l.split())) for l in open(f"{d}/{f}") if l.strip()]
base = st.median(float(l) for l in open(f"{d}/base.txt") if l.strip())
print(f"in-process   {base:9.1f} sales/s  (library, one transaction per sale, one thread)")
for name, label in (("group", "API, group commit (default)"), ("single", "API, STOCKFLOW_GROUP_MAX=1")):
    r = rows(f"{name}.txt")
    med = lambda i: st.median(x[i] for x in r)
    print(f"{label}")
    print(f"  durable    {med(0):9.1f} sales/s  {med(0) / base:5.2f} x in-process  (target >= 0.8x; {conns} connections)")
    print(f"  latency    p50 {med(1):.2f} ms  p99 {med(2):.2f} ms  (target p99 < 50 ms)")
    print(f"  server     peak RSS {med(3) / 1024:.1f} MB")
print("runs: " + "; ".join(open(f"{d}/{f}").read().replace("\n", " | ").strip(" |") for f in ("base.txt", "group.txt", "single.txt")))
PY
sqlite3 "$SALES" "PRAGMA integrity_check" | grep -qx ok
$SF --db "$SALES" check >/dev/null && echo "check       clean"

# --- 2. alerts on the large database --------------------------------------------
FULL=$DIR/run.db
if [ ! -f "$FULL" ]; then
    echo; echo "(building the large benchmark database as bench/run.sh does...)"
    [ -f "$DIR/movements.csv" ] || ./target/release/examples/bench_data "$DIR"
    rm -f "$FULL"*
    export STOCKFLOW_DB=$FULL
    $SF init >/dev/null
    $SF company create --name Bench >/dev/null
    for i in $(seq 20); do $SF warehouse create --company 1 --name "W$i" >/dev/null; done
    for i in $(seq 40); do $SF supplier create --company 1 --name "S$i" --email "s$i@example.com" >/dev/null; done
    $SF import products "$DIR/products.csv" >/dev/null
    $SF stock adjust --file "$DIR/movements.csv" >/dev/null
    unset STOCKFLOW_DB
fi
$SF --db "$FULL" init >/dev/null
TOKEN=$($SF --db "$FULL" token create --company 1 --name bench --format json | sed -n 's/.*"token": "\(.*\)".*/\1/p')
export TOKEN
ALERTS="alerts low-stock --company 1 --as-of 2026-11-01"
echo; echo "== $ALERTS (${SECS}s, one connection)"
hyperfine -N --warmup 2 --runs 15 --export-json "$DIR/api-alerts.json" \
    -n process "$SF --db $FULL $ALERTS --format json" >/dev/null
PROC=$(python3 -c "import json,sys; r=json.load(open(sys.argv[1]))['results'][0]; print(r['median']*1000)" "$DIR/api-alerts.json")
serve "$FULL"
URL="http://127.0.0.1:$PORT/api/companies/1/alerts/low-stock?as_of=2026-11-01"
curl -sf "$URL" -H "Authorization: Bearer $TOKEN" > "$DIR/api-alerts.out"
$SF --db "$FULL" $ALERTS --format json > "$DIR/cli-alerts.out"
python3 -c "import json,sys; a,b=(json.load(open(p)) for p in sys.argv[1:]); sys.exit(a != b)" \
    "$DIR/api-alerts.out" "$DIR/cli-alerts.out" && echo "same body   as the CLI's --format json"
WRK=$(wrk -t1 -c1 -d"${SECS}s" --latency -s "$DIR/wrk.lua" "$URL" | grep RESULT)
ALERT_RSS=$(rss)
stop
awk -v p="$PROC" -v w="$WRK" 'BEGIN {
    split(w, f, " ")
    printf "API         p50 %s ms  p99 %s ms  (%s requests)\n", f[9], f[11], f[3]
    printf "process     %.1f ms (hyperfine median)\n", p
    printf "ratio       %.2f x (API p50 / process; target <= 1.0x)\n", f[9] / p }'
echo "server      $ALERT_RSS"
echo; echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr)"
