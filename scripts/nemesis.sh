#!/usr/bin/env bash
# The nemesis suite (Tests/BookingMonitorTests/Shared/NemesisTests.swift) with more trials, and
# its table for RELIABILITY.md. Two real instances of one group on one real PostgreSQL, a
# booking storm, one fault per trial; each trial checks the database and what the Orchestrator's
# stand-in received. Bounded: every trial ends by itself (about 15 s each, 25 with a freeze).
#
#   scripts/nemesis.sh [TRIALS]      # default 20 per fault; .ci/run runs 1 of each through swift test
set -euo pipefail
cd "$(dirname "$0")/.."
trials="${1:-20}"
log=$(mktemp)
# NEMESIS_SKIP_BUILD=1: run the tests as built (a long run beside other work).
NEMESIS_TRIALS="$trials" swift test ${NEMESIS_SKIP_BUILD:+--skip-build} --filter NemesisTests 2>&1 | tee "$log" | grep -E "^nemesis:|✘" || true
echo
echo "| fault | trials | lost | doubled | out of order | undelivered | repeats by key | longest stall (s) | longest takeover (s) |"
echo "|---|---|---|---|---|---|---|---|---|"
python3 - "$log" <<'PY'
import re, sys
rows = {}
for line in open(sys.argv[1], encoding="utf-8"):
    m = re.match(r"nemesis: (.*) trial \d+: lost (\d+), doubled (\d+), out of order (\d+), undelivered (\d+), repeats by key (\d+), longest stall ([\d.]+) s(?:, takeover ([\d.]+) s)?", line)
    if not m: continue
    r = rows.setdefault(m.group(1), [0, 0, 0, 0, 0, 0, 0.0, None])
    r[0] += 1
    for i in range(4): r[i + 1] += int(m.group(i + 2))
    r[5] += int(m.group(6))
    r[6] = max(r[6], float(m.group(7)))
    if m.group(8): r[7] = max(r[7] or 0.0, float(m.group(8)))
for fault, r in rows.items():
    takeover = f"{r[7]:.2f}" if r[7] is not None else "–"
    print(f"| {fault} | {r[0]} | {r[1]} | {r[2]} | {r[3]} | {r[4]} | {r[5]} | {r[6]:.2f} | {takeover} |")
PY
grep -q "✘" "$log" && { rm -f "$log"; exit 1; }
rm -f "$log"
