#!/usr/bin/env bash
# Where a 1M-entry set-queue push's CPU time goes (issue 17): perf samples of a headless
# release binary (1,000-product catalog, none queued) while it takes PUSHES pushes of 10,000
# titles × 100 customers (22 MB), each differing from the one before in one queue (`changed`,
# what the Orchestrator sends after an event) or in every queue (`full`).
# Usage: scripts/profile-push.sh [BINARY] [changed|full] [PUSHES]
#   BINARY defaults to .build/release/booking-monitor; prints the inclusive shares, top 40.
set -euo pipefail
binary=${1:-.build/release/booking-monitor}
kind=${2:-changed}
pushes=${3:-10}
dir=$(mktemp -d)
trap 'kill $monitor 2>/dev/null || true; rm -rf "$dir"' EXIT
python3 - "$dir" "$kind" "$pushes" <<'PY'
import sys
dir, kind, pushes = sys.argv[1], sys.argv[2], int(sys.argv[3])
titles, customers = 10000, 100
def body(turn, first):
    q = ",".join('{"Title":"Книга № %d «Война и мир»","Customers":[%s]}'
                 % (t, ",".join('{"CustomerId":%d}' % (t * customers + (c + (first if t == 0 else turn)) % customers)
                                for c in range(customers)))
                 for t in range(titles))
    return ("[" + q + "]").encode()
for n in range(pushes + 1):
    # changed: queue 0 turns with every push, the rest stay; full: every queue turns.
    data = body(0, n) if kind == "changed" else body(n, n)
    open("%s/body%d.json" % (dir, n), "wb").write(data)
open(dir + "/cat1k.json", "w").write("[" + ",".join(
    '{"id":%d,"title":"Книга № %d «Война и мир»","description":"Роман"}' % (i, 10000 + i) for i in range(1, 1001)) + "]")
PY
port=$((20000 + RANDOM % 20000))
"$binary" --headless --port $port --db "$dir/m.sqlite" --catalog "$dir/cat1k.json" \
    --orchestrator http://127.0.0.1:1 --max-body 67108864 2>/dev/null &
monitor=$!
for _ in $(seq 100); do curl -sf http://127.0.0.1:$port/health/live >/dev/null && break; sleep 0.1; done
post() { curl -s -o /dev/null -w '%{time_total}\n' -X POST -H 'Content-Type: application/json' \
              --data-binary @"$dir/body$1.json" http://127.0.0.1:$port/administration/set-queue; }
post 0 >/dev/null   # the first push: every queue new
perf record -q -e cpu-clock -F 1999 -g -p $monitor -o "$dir/perf.data" 2>/dev/null &
recorder=$!
sleep 0.5
echo "push times (s):"
for n in $(seq $pushes); do post $n; done
kill -INT $recorder; wait $recorder 2>/dev/null || true
perf report -i "$dir/perf.data" ${PERF_REPORT:---children} --sort symbol --stdio -g none 2>/dev/null \
    | swift demangle --simplified | grep -E '^ +[0-9]' | head -40
