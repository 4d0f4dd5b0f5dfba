#!/usr/bin/env bash
# Load: 60 s of mixed get-products / switch-state / set-queue / get-queues-list traffic
# (scripts/load/mix.lua) from wrk against the release binary on loopback, after a 10 s
# warm-up. Passes when no request failed (every answer 2xx, no socket error) and the RSS at
# the end is within 10% of the RSS after the warm-up.
# Booking events go to a sink on loopback that answers 200 to everything, so the outbox
# drains as it would next to a healthy Orchestrator.
# Usage: scripts/load.sh [SECONDS]   (default 60); LOAD_THREADS, LOAD_CONNECTIONS.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
threads=${LOAD_THREADS:-2}
connections=${LOAD_CONNECTIONS:-32}
binary=.build/release/booking-monitor
command -v wrk >/dev/null || { echo "load.sh: wrk is missing: apt-get install wrk" >&2; exit 1; }
[ -x "$binary" ] || swift build -c release --product booking-monitor

work=$(mktemp -d)
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
sink_port=$(free_port)
port=$(free_port)
python3 - "$sink_port" <<'PY' >"$work/sink.log" 2>&1 &
import http.server, sys
class Sink(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(200); self.send_header("Content-Length", "0"); self.end_headers()
    do_GET = do_POST
    def log_message(self, *args): pass
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Sink).serve_forever()
PY
sink=$!
"$binary" --headless --port "$port" --db "$work/load.sqlite" --orchestrator "http://127.0.0.1:$sink_port" \
    >"$work/monitor.log" 2>&1 &
monitor=$!
cleanup() { kill "$monitor" "$sink" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
base="http://127.0.0.1:$port"
for _ in $(seq 1 300); do curl -sf "$base/health/ready" >/dev/null 2>&1 && break; sleep 0.1; done
curl -sf "$base/health/ready" >/dev/null || { echo "load.sh: the monitor did not start" >&2; cat "$work/monitor.log" >&2; exit 1; }
export LOAD_PRODUCTS
LOAD_PRODUCTS=$(curl -sf "$base/administration/get-products" | python3 -c 'import json, sys; print(len(json.load(sys.stdin)))')
rss() { awk '/VmRSS/ {print $2}' "/proc/$monitor/status"; }

echo "== warm-up 10 s"
wrk -t"$threads" -c"$connections" -d10s -s scripts/load/mix.lua "$base" >"$work/warmup.txt"
warm=$(rss)
echo "== ${seconds} s of mixed traffic, $threads threads, $connections connections; RSS after warm-up ${warm} kB"
wrk -t"$threads" -c"$connections" -d"${seconds}s" --latency -s scripts/load/mix.lua "$base" | tee "$work/run.txt"
end=$(rss)
link=$(curl -sf "$base/administration/link")
non2xx=$(awk '/^non2xx/ {print $2}' "$work/run.txt")
socket_errors=$(awk '/^errors connect/ {print $3 + $5 + $7 + $9}' "$work/run.txt")
growth=$(python3 -c "print(f'{($end - $warm) * 100 / $warm:+.1f}')")
echo "load.sh: non-2xx $non2xx, socket errors $socket_errors, RSS ${warm} kB after warm-up, ${end} kB at the end (${growth}%)"
echo "load.sh: link after the run: $link"
status=0
[ "$non2xx" = 0 ] || { echo "load.sh: $non2xx requests were not answered 2xx" >&2; status=1; }
[ "$socket_errors" = 0 ] || { echo "load.sh: $socket_errors socket errors" >&2; status=1; }
python3 -c "import sys; sys.exit(0 if abs($end - $warm) <= 0.1 * $warm else 1)" \
    || { echo "load.sh: RSS moved more than 10%" >&2; status=1; }
exit $status
