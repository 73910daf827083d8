# The PostgreSQL half of bench/run.sh (ENGINE=postgres), sourced by it once the
# SQLite catalog ($BASE) is built through the CLI; uses its $SF, $DIR, $RUNS,
# $ROWS, median and elapsed. Every database it creates is named
# sfbench_<pid>_<what> on the server of $PG (an URL whose role may CREATE
# DATABASE, default the local one) and dropped again on exit.
#
# 1. `stock adjust --file` with the ~9,000,000 movements into a fresh database
#    holding the catalog (`stockflow copy --to URL` from base.db, then VACUUM
#    ANALYZE as autovacuum would do), vs psql `\copy` of the same CSV into a
#    bare table (same columns, no index or constraint) on the same server;
# 2. one `stock adjust` process vs psql running the same transaction;
# 3. `alerts low-stock` (JSON and CSV) on the loaded database vs the best
#    single SQL statement for the rule, run by psql on the same server over
#    the same tables (checked to give the same alerts).
PG=${PG:-postgresql://stockflow:stockflow@localhost:5432/postgres}
need psql || { echo "ENGINE=postgres needs psql (apt-get install postgresql-client)" >&2; exit 1; }
PREFIX=sfbench_$$
url() { # NAME [PARAM=VALUE] -> $PG with its database replaced by NAME (query string kept)
    local base=${PG%%\?*} query=
    [ "$base" != "$PG" ] && query="?${PG#*\?}"
    [ -n "${2:-}" ] && query="${query:-?}${query:+&}$2"
    echo "${base%/*}/$1${query/\?&/?}"
}
pg() { PGOPTIONS="-c client_min_messages=warning" psql -X -q -v ON_ERROR_STOP=1 "$@"; }
created=()
createdb() { pg "$PG" -c "CREATE DATABASE $1" >/dev/null; created+=("$1"); }
# Not WITH (FORCE): that needs the right to end every session on the database,
# an autovacuum worker's too; a plain drop ends autovacuum by itself.
dropdb() { pg "$PG" -c "DROP DATABASE IF EXISTS $1" >/dev/null; }
cleanup() { for d in "${created[@]}"; do dropdb "$d" || true; done; }
trap cleanup EXIT

# --- 1. batch ledger writes ------------------------------------------------------
echo "== PostgreSQL: stock adjust --file: $ROWS movements ($RUNS runs)"
: > "$DIR/file.txt"; : > "$DIR/import.txt"; : > "$DIR/rss.txt"
RUN=
for _ in $(seq "$RUNS"); do
    [ -n "$RUN" ] && dropdb "${PREFIX}_run"
    createdb "${PREFIX}_run"; RUN=$(url "${PREFIX}_run"); RUN_PSQL=$(url "${PREFIX}_run" sslmode=disable)
    "$SF" --db "$BASE" copy --to "$RUN" >/dev/null
    read -r secs rss < <(elapsed "$SF" --db "$RUN" stock adjust --file "$DIR/movements.csv" --format json)
    echo "$secs" >> "$DIR/file.txt"; echo "$rss" >> "$DIR/rss.txt"
    have=$(pg "$RUN" -Atc "SELECT count(*) FROM movement")
    want=$(($(sqlite3 "$BASE" "SELECT count(*) FROM movement") + ROWS))
    [ "$have" = "$want" ] || { echo "the batch left $have movements, not $want" >&2; exit 1; }
    createdb "${PREFIX}_bare"; BARE=$(url "${PREFIX}_bare" sslmode=disable)
    pg "$BARE" -c "CREATE TABLE m (sku TEXT, warehouse_id BIGINT, delta BIGINT, reason TEXT, at TEXT)"
    read -r secs _ < <(elapsed psql -X -q -v ON_ERROR_STOP=1 "$BARE" \
        -c "\\copy m FROM '$DIR/movements.csv' WITH (FORMAT csv, HEADER true)")
    echo "$secs" >> "$DIR/import.txt"
    dropdb "${PREFIX}_bare"
done
FILE=$(median < "$DIR/file.txt"); IMPORT=$(median < "$DIR/import.txt")
RSS=$(sort -n "$DIR/rss.txt" | tail -1)
awk -v r="$ROWS" -v f="$FILE" -v i="$IMPORT" -v m="$RSS" 'BEGIN {
    printf "file        %6.2f s  %9.0f movements/s  %5.2f x \\copy\n", f, r / f, f / i
    printf "psql        %6.2f s  %9.0f rows/s (\\copy into a bare table)\n", i, r / i
    printf "peak memory %6.1f MB (stockflow, largest of all runs)\n", m / 1024
    printf "targets: >= 100000/s, <= 2.0x \\copy\n" }'
FULL=$RUN
# psql gets the connection stockflow makes: no TLS (libpq's default is to try it).
PSQL_FULL=$RUN_PSQL
# What autovacuum does after a large load, done now so the runs below do not
# race it: statistics for the planner, the visibility map for index-only scans.
pg "$FULL" -c "VACUUM (ANALYZE) $(pg "$FULL" -Atc "SELECT string_agg(quote_ident(tablename), ', ')
                                                   FROM pg_tables WHERE schemaname = 'public'")"

# --- 2. one stock adjust process -------------------------------------------------
echo; echo "== PostgreSQL: one stock adjust, end to end"
hyperfine -N --warmup 5 --runs 100 --export-json "$DIR/single.json" \
    -n stockflow "$SF --db $FULL stock adjust --sku SKU-000000 --warehouse 12 --delta 1 --reason receipt" \
    -n psql "psql -X -q -v ON_ERROR_STOP=1 $PSQL_FULL -c \"BEGIN; SELECT quantity FROM inventory WHERE product_id = 1 AND warehouse_id = 12 FOR UPDATE; UPDATE inventory SET quantity = quantity + 1 WHERE product_id = 1 AND warehouse_id = 12; INSERT INTO movement (product_id, warehouse_id, delta, reason, actor, occurred_at, recorded_at) VALUES (1, 12, 1, 'receipt', 'bench', extract(epoch FROM now())::bigint, extract(epoch FROM now())::bigint); COMMIT;\"" >/dev/null
python3 - "$DIR/single.json" <<'EOF'
import json, sys
r = {x["command"]: x["median"] for x in json.load(open(sys.argv[1]))["results"]}
print(f"stockflow   {r['stockflow']*1000:6.2f} ms (median)")
print(f"psql        {r['psql']*1000:6.2f} ms (median)")
print(f"ratio       {r['stockflow']/r['psql']:6.2f} x  (target: <= 2x)")
EOF

# --- 3. low-stock alerts -----------------------------------------------------------
echo; echo "== PostgreSQL: alerts low-stock --company 1 --as-of 2026-11-01"
# The rule as one statement over the tables stockflow reads, with the index it
# has (movement_pair_time covers the window's sales per pair: index-only scans).
# JIT is off for the statement as stockflow turns it off for its sessions
# (its compile time, ~1 s here, would be most of either figure).
cat > "$DIR/alerts-pg.sql" <<'EOF'
SET jit = off;
WITH low AS MATERIALIZED (
    SELECT i.product_id, i.warehouse_id, i.quantity,
           coalesce(lt.quantity, p.threshold, tt.quantity, c.default_threshold, 10) AS threshold
    FROM product p JOIN company c ON c.id = p.company_id
    LEFT JOIN type_threshold tt ON tt.company_id = p.company_id AND tt.type = p.type
    JOIN inventory i ON i.product_id = p.id
    LEFT JOIN location_threshold lt ON lt.product_id = i.product_id AND lt.warehouse_id = i.warehouse_id
    WHERE p.company_id = 1 AND p.archived = 0 AND p.is_bundle = 0
      AND i.quantity < coalesce(lt.quantity, p.threshold, tt.quantity, c.default_threshold, 10))
SELECT p.sku, low.warehouse_id, low.quantity AS current_stock, low.threshold,
       low.quantity * 30 / sold.units AS days_until_stockout, s.id AS supplier_id
FROM low
CROSS JOIN LATERAL (SELECT CAST(-sum(m.delta) AS BIGINT) AS units FROM movement m
                    WHERE m.product_id = low.product_id AND m.warehouse_id = low.warehouse_id
                      AND m.occurred_at > 1793491200 - 30 * 86400 AND m.occurred_at <= 1793491200
                      AND m.reason = 'sale') sold
JOIN product p ON p.id = low.product_id
LEFT JOIN product_supplier ps ON ps.product_id = low.product_id AND ps.is_primary = 1
LEFT JOIN supplier s ON s.id = ps.supplier_id
WHERE sold.units > 0
ORDER BY days_until_stockout, p.sku, low.warehouse_id;
EOF
[ "$(date -u -d 2026-11-01 +%s)" = 1793491200 ] || { echo "as-of is not 1793491200" >&2; exit 1; }
ALERTS="alerts low-stock --company 1 --as-of 2026-11-01"
hyperfine -N --warmup 2 --runs 15 --export-json "$DIR/alerts.json" \
    -n json "$SF --db $FULL $ALERTS --format json" \
    -n csv "$SF --db $FULL $ALERTS --format csv" \
    -n psql "psql -X -q --csv -f $DIR/alerts-pg.sql $PSQL_FULL" >/dev/null
"$SF" --db "$FULL" $ALERTS --format csv > "$DIR/ours.csv"
psql -X -q --csv -f "$DIR/alerts-pg.sql" "$PSQL_FULL" > "$DIR/theirs.csv"
read -r _ ARSS < <(elapsed "$SF" --db "$FULL" $ALERTS --format json)
bench/alerts_compare.py "$DIR" "$ARSS" psql "<= 1.5x, < 1 s"
echo; echo "server: PostgreSQL $(pg "$PG" -Atc 'SHOW server_version'), shared_buffers $(pg "$PG" -Atc 'SHOW shared_buffers'), on this machine"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr)"
