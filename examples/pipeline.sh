#!/usr/bin/env bash
# Pipeline examples: stockflow's JSON Lines into jq (one alert per line).
#
#   examples/pipeline.sh [COMPANY_ID]
set -euo pipefail
company=${1:-1}

echo "# What runs out within a week, by supplier e-mail:"
stockflow alerts low-stock --company "$company" --format jsonl \
    | jq -r 'select(.days_until_stockout <= 7)
             | [.supplier.contact_email // "no supplier", .sku, .warehouse_name, .suggested_reorder_quantity]
             | @tsv'

echo "# Units to order per supplier:"
stockflow alerts low-stock --company "$company" --format jsonl \
    | jq -s -r 'group_by(.supplier.name // "no supplier")[]
                | "\(.[0].supplier.name // "no supplier"): \(map(.suggested_reorder_quantity) | add) units"'

echo "# Today's sales per SKU, from the ledger:"
stockflow stock history --since "$(date -u +%F)" --format jsonl \
    | jq -s -r 'map(select(.reason == "sale")) | group_by(.sku)[] | "\(.[0].sku) \(map(-.delta) | add)"'
