#!/usr/bin/env bash
# Regenerates what packaging/ holds from the argument parser, after a change of flags or help:
#   packaging/man/booking-monitor.1          swift-argument-parser's generate-manual plugin
#   packaging/completions/booking-monitor.*  --generate-completion-script bash|zsh|fish
# Tests/BookingMonitorTests/Process/PackagingTests.swift fails while they differ from the binary.
# MANUAL_DATE sets the page's date (default: today, UTC).
set -euo pipefail
cd "$(dirname "$0")/.."

swift build --product booking-monitor
binary="$(swift build --show-bin-path)/booking-monitor"
mkdir -p packaging/completions packaging/man
for shell in bash zsh fish; do
    "$binary" --generate-completion-script "$shell" > "packaging/completions/booking-monitor.$shell"
done

# The plugin builds the package (debug: the build above) and writes to its work directory.
swift package plugin generate-manual --configuration debug --date "${MANUAL_DATE:-$(date -u +%F)}" \
    --authors "the booking-monitor authors"
cp .build/plugins/GenerateManual/outputs/booking-monitor/booking-monitor.1 packaging/man/booking-monitor.1
echo "gen-manual.sh: packaging/man/booking-monitor.1 and packaging/completions/ written"
