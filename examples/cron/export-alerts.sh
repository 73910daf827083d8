#!/usr/bin/env bash
# Exports today's low-stock alerts as CSV, atomically, for a cron job.
#
#   export-alerts.sh COMPANY_ID OUT_DIR
#
# Writes OUT_DIR/alerts-COMPANY-YYYY-MM-DD.csv (the date in UTC) through a
# temporary file in the same directory and a rename, so a reader never sees
# half a file, and prints the file's path on stdout, so whoever mails it uses
# the very name written (no second `date` that could disagree). Exit codes:
# 0 no alerts (the file holds only the header), 10 alerts found (mail them),
# anything else a failure (stockflow's message is on stderr). The database is
# $STOCKFLOW_DB (default ./stockflow.db); the binary is $STOCKFLOW_BIN, else
# `stockflow` on PATH.
#
# cron runs jobs with PATH=/usr/bin:/bin and little else, so the crontab line
# says where stockflow is (`cargo install` puts it in ~/.cargo/bin) and where
# the database is. Every morning at 06:30, mail the file when there are alerts:
#   30 6 * * *  f=$(PATH=$HOME/.cargo/bin:/usr/bin:/bin STOCKFLOW_DB=/srv/stock/stockflow.db /opt/stockflow/export-alerts.sh 1 /srv/stock/alerts); [ $? -eq 10 ] && mail -s "Low stock" purchasing@example.com < "$f"
set -uo pipefail
company=${1:?usage: export-alerts.sh COMPANY_ID OUT_DIR}
out_dir=${2:?usage: export-alerts.sh COMPANY_ID OUT_DIR}
stockflow=${STOCKFLOW_BIN:-stockflow}
if ! command -v "$stockflow" > /dev/null; then
    echo "export-alerts.sh: $stockflow not found on PATH ($PATH); set PATH or STOCKFLOW_BIN in the crontab line" >&2
    exit 127
fi
target="$out_dir/alerts-$company-$(date -u +%F).csv"
tmp=$(mktemp "$out_dir/.alerts-XXXXXX.csv") || exit 1
trap 'rm -f "$tmp"' EXIT

"$stockflow" alerts low-stock --company "$company" --format csv --exit-code > "$tmp"
status=$?
if [ "$status" -ne 0 ] && [ "$status" -ne 10 ]; then
    exit "$status"
fi
chmod 644 "$tmp"
mv -f "$tmp" "$target"
trap - EXIT
echo "$target"
exit "$status"
