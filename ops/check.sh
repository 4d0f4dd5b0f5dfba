#!/usr/bin/env bash
# Checks the alerts and the dashboard with Prometheus's own promtool (Debian's prometheus
# package): the rules load, each alert's unit tests pass, and every query of the dashboard
# parses as PromQL (Grafana's variables replaced by plain values). .ci/run runs it.
# PROMTOOL names the binary (default: promtool on PATH).
set -euo pipefail
cd "$(dirname "$0")"
promtool=${PROMTOOL:-promtool}

"$promtool" check rules prometheus/alerts.yml
"$promtool" test rules prometheus/alerts.test.yml
"$promtool" check config prometheus/prometheus.yml

# The dashboard's queries as recording rules, so promtool parses each one.
rules=$(mktemp --suffix=.yml)
trap 'rm -f "$rules"' EXIT
python3 - grafana/booking-monitor.json "$rules" <<'PY'
import json, sys
dashboard = json.load(open(sys.argv[1]))
exprs = [t["expr"] for p in dashboard["panels"] for t in p.get("targets", [])]
if not exprs:
    sys.exit("grafana/booking-monitor.json: no queries")
def plain(expr):
    for variable, value in (("$__rate_interval", "5m"), ("$group", ".*"), ("$instance", ".*")):
        expr = expr.replace(variable, value)
    if "$" in expr:
        sys.exit(f"grafana/booking-monitor.json: unknown variable in {expr!r}")
    return expr
with open(sys.argv[2], "w") as out:
    out.write("groups:\n  - name: dashboard\n    rules:\n")
    for i, expr in enumerate(exprs):
        out.write(f"      - record: dashboard:query{i}\n        expr: {json.dumps(plain(expr))}\n")
print(f"grafana/booking-monitor.json: {len(exprs)} queries")
PY
"$promtool" check rules "$rules"
