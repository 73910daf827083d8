#!/usr/bin/env python3
"""Compares stockflow's alerts with the baseline statement's, and prints the
medians hyperfine measured (bench/run.sh and bench/postgres.sh).

    bench/alerts_compare.py DIR PEAK_RSS_KIB BASELINE TARGETS
"""
import csv
import json
import sys

d, rss, base, targets = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
r = {x["command"]: x["median"] for x in json.load(open(f"{d}/alerts.json"))["results"]}
cols = ["sku", "warehouse_id", "current_stock", "threshold", "days_until_stockout", "supplier_id"]
ours = [[row[c] for c in cols] for row in csv.DictReader(open(f"{d}/ours.csv"))]
theirs = [[row[c] for c in cols] for row in csv.DictReader(open(f"{d}/theirs.csv"))]
same = "same alerts" if ours == theirs else "DIFFERENT ALERTS"
print(f"alerts      {len(ours)} ({same} as the SQL statement)")
for name in ("json", "csv"):
    print(f"stockflow {name:4} {r[name]*1000:6.1f} ms (median)  {r[name]/r[base]:5.2f} x the statement")
print(f"{base:12} {r[base]*1000:6.1f} ms (median)")
print(f"peak memory {rss/1024:6.1f} MB  (targets: {targets})")
if ours != theirs:
    sys.exit(1)
