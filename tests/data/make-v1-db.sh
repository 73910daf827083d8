#!/usr/bin/env bash
# Builds tests/data/v1.db, the fixture of a schema-version-1 database, with the
# stockflow release that wrote version 1 (commit 82aee84), through its CLI:
#
#   git worktree add /tmp/v1 82aee84 && (cd /tmp/v1 && cargo build)
#   tests/data/make-v1-db.sh /tmp/v1/target/debug/stockflow
#
# It holds every kind of row: two companies, warehouses, suppliers, products of
# several types (one archived), a nested bundle, thresholds of every scope
# (company default, type, product, product in a warehouse), primary and other
# supplier links, receipts, sales (also of a bundle), a transfer, counts, an
# imported CSV and a batch. Times are fixed, so the alerts as of 2026-03-01 are
# fixed too (tests/data/v1-alerts.json, written by the same release).
set -euo pipefail
SF=${1:?usage: make-v1-db.sh PATH-TO-V1-STOCKFLOW}
cd "$(dirname "$0")"
rm -f v1.db v1.db-wal v1.db-shm
export STOCKFLOW_DB=$PWD/v1.db STOCKFLOW_ACTOR=fixture
q() { "$SF" "$@" >/dev/null; }
q init
q company create --name "Acme Trading"
q company create --name "Other Co"
q warehouse create --company 1 --name Hamburg --location "Dock 4"
q warehouse create --company 1 --name Berlin
q warehouse create --company 2 --name Elsewhere
q supplier create --company 1 --name "Rheinland Kabel" --email orders@rheinland.example --phone "+49 40 123"
q supplier create --company 1 --name "General Trade" --email hello@general.example
q supplier create --company 2 --name "Far Away" --email far@away.example
q product create --company 1 --sku CAB-1 --name "Cable 1m" --price 4.50 --type cable --warehouse 1 --quantity 100
q product create --company 1 --sku CAB-2 --name "Cable 2m" --price 5.90 --type cable --warehouse 1 --quantity 30
q product create --company 1 --sku WID-1 --name "Widget" --price 19.90 --type widget --threshold 25 --warehouse 2 --quantity 50
q product create --company 1 --sku GLU-1 --name "Glue" --price 0.99 --type adhesive
q product create --company 1 --sku OLD-1 --name "Old thing" --price 1 --warehouse 1 --quantity 3
q product create --company 2 --sku OTH-1 --name "Other product" --price 2 --warehouse 3 --quantity 9
q product archive OLD-1
q supplier link --sku CAB-1 --supplier 1 --primary --lead-time-days 7 --cost 2.10
q supplier link --sku CAB-1 --supplier 2 --lead-time-days 3
q supplier link --sku WID-1 --supplier 2 --primary --lead-time-days 14 --cost 11.00
q supplier link --sku OTH-1 --supplier 3 --primary
q threshold set --company 1 --default --quantity 15
q threshold set --company 1 --type cable --quantity 60
q threshold set --sku CAB-2 --warehouse 1 --quantity 35
q product create --company 1 --sku KIT-1 --name "Cable kit" --price 9.00
q bundle set KIT-1 --component CAB-1=2 --component CAB-2=1
q product create --company 1 --sku KIT-2 --name "Big kit" --price 30.00
q bundle set KIT-2 --component KIT-1=2 --component WID-1=1
printf 'company_id,sku,name,price,type,threshold,warehouse_id,quantity,supplier_id,lead_time_days,cost\n1,IMP-1,Imported one,3.30,adhesive,,2,40,2,5,1.00\n1,IMP-2,"Imported, two",0.10,,8,,,,,\n' \
    | q import products -
q stock adjust --sku CAB-1 --warehouse 1 --delta 200 --reason receipt --reference PO-1 --at 2026-01-10
q stock adjust --sku CAB-1 --warehouse 1 --delta -150 --reason sale --note "big order" --at 2026-02-10
q stock adjust --sku KIT-1 --warehouse 1 --delta -5 --reason sale --reference INV-7 --at 2026-02-12
q stock adjust --sku WID-1 --warehouse 1 --delta 5 --reason receipt --at 2026-02-01
q stock adjust --sku KIT-2 --warehouse 1 --delta -1 --reason sale --at 2026-02-13
q stock adjust --sku WID-1 --warehouse 2 --delta -30 --reason sale --at 2026-02-15
q stock adjust --sku WID-1 --warehouse 2 --delta -2 --reason damage --at 2026-02-16
q stock adjust --sku CAB-2 --warehouse 1 --delta -4 --reason sale --at 2026-02-20
q stock transfer --sku CAB-1 --from 1 --to 2 --quantity 20 --note rebalance --at 2026-02-21
q stock count --sku CAB-1 --warehouse 2 --quantity 18 --note "two missing" --at 2026-02-22
q stock count --sku CAB-2 --warehouse 1 --quantity 30 --at 2026-02-22
q stock adjust --sku OLD-1 --warehouse 1 --delta -1 --reason sale --at 2026-02-23
q stock adjust --sku OTH-1 --warehouse 3 --delta -5 --reason sale --at 2026-02-24
printf 'sku,warehouse_id,delta,reason,note,reference,at\nIMP-1,2,-30,sale,,B-1,2026-02-25\nGLU-1,1,10,receipt,first lot,,2026-02-25\nGLU-1,1,-3,sale,,,2026-02-26\nCAB-1,2,1,return,came back,R-1,2026-02-27\nWID-1,2,-1,correction,,,2026-02-28\n' \
    | q stock adjust --file -
"$SF" check >/dev/null
"$SF" alerts low-stock --company 1 --as-of 2026-03-01 --format json > v1-alerts.json
