#!/usr/bin/env bash
# Pipeline examples: stockflow's JSON Lines into jq (one alert or movement per
# line). Needs jq; the database is $STOCKFLOW_DB (or add --db PATH).
#
#   examples/pipeline.sh [COMPANY_ID]
#
# On the demo database, from the repository:
#   cargo build --release && STOCKFLOW_DB=demo.db PATH=$PWD/target/release:$PATH examples/pipeline.sh
set -euo pipefail
company=${1:-1}

echo "# What runs out within a week, grouped by supplier e-mail:"
stockflow alerts low-stock --company "$company" --format jsonl \
    | jq -s -r 'map(select(.days_until_stockout <= 7))
                | group_by(.supplier.contact_email // "no supplier")[]
                | (.[0].supplier.contact_email // "no supplier"),
                  (.[] | "  \(.sku)\t\(.warehouse_name)\treorder \(.suggested_reorder_quantity)")'

echo "# Units to order per supplier:"
stockflow alerts low-stock --company "$company" --format jsonl \
    | jq -s -r 'group_by(.supplier.name // "no supplier")[]
                | "\(.[0].supplier.name // "no supplier"): \(map(.suggested_reorder_quantity) | add) units"'

echo "# Units sold per SKU over the last 7 days (UTC), from the ledger, the 20 best sellers:"
since=$(date -u -d '7 days ago' +%F 2> /dev/null || date -u -v-7d +%F)
stockflow stock history --since "$since" --format jsonl \
    | jq -s -r 'map(select(.reason == "sale")) | group_by(.sku)
                | map({sku: .[0].sku, sold: (map(-.delta) | add)}) | sort_by(-.sold)[:20][]
                | "\(.sku)\t\(.sold)"'
