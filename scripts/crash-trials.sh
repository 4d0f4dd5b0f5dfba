#!/usr/bin/env bash
# Crash trials (Tests/BookingMonitorTests/Hardening/CrashTrialTests.swift): start the real
# binary, storm it with bookings through the Orchestrator stand-in, SIGKILL at a random
# moment, restart, drain, and check that no event is lost or applied twice, no product is
# booked for two customers and no customer twice from one snapshot.
# Usage: scripts/crash-trials.sh [TRIALS]   (default 20; `swift test` alone runs 3)
set -euo pipefail
cd "$(dirname "$0")/.."
trials=${1:-20}
report=$(mktemp)
trap 'rm -f "$report"' EXIT
swift build --build-tests
started=$(date +%s)
CRASH_TRIALS=$trials CRASH_TRIALS_REPORT=$report swift test --skip-build --filter CrashTrialTests
echo "== $trials crash trials in $(($(date +%s) - started)) s"
cat "$report"
awk '{ if ($0 ~ /acknowledged/) n++;
       for (i = 1; i <= NF; i++) { if ($(i+1) == "events" && $(i+2) == "delivered") d += $i;
                                   if ($(i+1) == "bookings") b += $i;
                                   if ($(i+1) == "repeats") r += $i } }
     END { printf "trials %d, bookings %d, delivered before a kill %d, repeats dropped by key %d\n", n, b, d, r }' "$report"
