#!/usr/bin/env bash
# Fuzzes a live booking-monitor (loopback, throwaway state) from docs/openapi.yaml, bounded:
#   1. schemathesis, time-boxed (FUZZ_SCHEMATHESIS_SECONDS, default 20): responses conform to
#      the document (status, content type, schema), no 5xx, and a rejected request changes
#      nothing (scripts/fuzz/hooks.py);
#   2. scripts/fuzz/generate.py, Hypothesis strategies built from the same document, for the
#      bulk (FUZZ_REQUESTS, default 10000): no 5xx, no hang, problem+json on every 4xx, and a
#      rejected PUT/POST leaves products, queues and outbox unchanged.
# Then: the process is still up, /health/live answers, and its own metrics count no 5xx.
# Needs python3 with schemathesis (pip install schemathesis; it brings hypothesis and pyyaml).
# FUZZ_PYTHON picks the interpreter, BOOKING_MONITOR the binary (default: the debug build).
set -euo pipefail
cd "$(dirname "$0")/.."

python=${FUZZ_PYTHON:-python3}
# 4,000: the generator runs about 60 requests a second here since the edge and the read paths grew;
# 10,000 no longer fitted its 170 s bound (FUZZ_REQUESTS sets more).
requests=${FUZZ_REQUESTS:-4000}
schemathesis_seconds=${FUZZ_SCHEMATHESIS_SECONDS:-20}
binary=${BOOKING_MONITOR:-.build/debug/booking-monitor}

if ! "$python" -c 'import schemathesis, hypothesis, yaml' 2>/dev/null; then
    echo "fuzz.sh: $python lacks schemathesis; install it with: $python -m pip install schemathesis" >&2
    exit 1
fi
[ -x "$binary" ] || swift build --product booking-monitor

work=$(mktemp -d)
port=$("$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
# Port 9 (discard) refuses: every booking event stays pending, so the outbox is part of the
# state the checks compare. --max-body 65536 makes 413 cheap to reach.
"$binary" --headless --in-memory --port "$port" --max-body 65536 --orchestrator http://127.0.0.1:9 \
    >"$work/monitor.log" 2>&1 &
monitor=$!
cleanup() {
    kill "$monitor" 2>/dev/null || true
    wait "$monitor" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
for _ in $(seq 1 300); do
    curl -sf "$base/health/ready" >/dev/null 2>&1 && break
    sleep 0.1
done
curl -sf "$base/health/ready" >/dev/null || { echo "fuzz.sh: the monitor did not start:" >&2; cat "$work/monitor.log" >&2; exit 1; }

started=$(date +%s)
echo "== schemathesis for ${schemathesis_seconds}s against $base"
# Run from the scratch directory: schemathesis leaves a .schemathesis/ folder where it runs.
(cd "$work" && FUZZ_BASE=$base FUZZ_SUMMARY=$work/hooks.json SCHEMATHESIS_HOOKS=hooks PYTHONPATH=$OLDPWD/scripts/fuzz \
    timeout $((schemathesis_seconds + 60)) "$python" -m schemathesis.cli run "$OLDPWD/docs/openapi.yaml" --url "$base" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,rejected_request_changes_nothing \
    --phases coverage,fuzzing --workers 1 --max-time "$schemathesis_seconds" --request-timeout 10 \
    --generation-database none --no-color --warnings off)
echo "schemathesis state check: $(cat "$work/hooks.json")"

echo "== property-based generator: $requests requests"
timeout 170 "$python" scripts/fuzz/generate.py "$base" docs/openapi.yaml "$requests"
elapsed=$(($(date +%s) - started))

kill -0 "$monitor" 2>/dev/null || { echo "fuzz.sh: the monitor died:" >&2; tail -20 "$work/monitor.log" >&2; exit 1; }
curl -sf "$base/health/live" >/dev/null || { echo "fuzz.sh: /health/live does not answer" >&2; exit 1; }
metrics=$(curl -sf "$base/metrics")
served=$(awk '/^hb_requests\{/ {s += $2} END {print s + 0}' <<<"$metrics")
errors=$(awk '/^hb_requests\{/ && /http_response_status_code="5/ {s += $2} END {print s + 0}' <<<"$metrics")
rss=$(awk '/VmRSS/ {print $2}' "/proc/$monitor/status")
echo "fuzz.sh: ${elapsed}s, the server answered $served requests (state reads included), $errors with 5xx, RSS ${rss} kB"
[ "$errors" -eq 0 ] || { echo "fuzz.sh: the server answered 5xx:" >&2; grep 'status_code="5' <<<"$metrics" >&2; exit 1; }
if [ "$elapsed" -gt 180 ]; then
    echo "fuzz.sh: took ${elapsed}s, over the 3-minute bound" >&2
    exit 1
fi
