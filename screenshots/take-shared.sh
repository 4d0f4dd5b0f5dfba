#!/usr/bin/env bash
# Takes screenshots/shared.png from a real terminal: xterm under Xvfb showing one tmux window
# split in two (tmux's status line is off), the consoles of two instances, a and b, of the
# group east sharing one PostgreSQL store (scripts/postgres.sh). The Orchestrator simulator
# pushes its queues to a only: the shared store hands them to b. Stock arrives on both.
# Usage: screenshots/take-shared.sh   (from the repository root, after `swift build`;
# needs PostgreSQL, Xvfb, xterm, tmux, ImageMagick and xwininfo)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=$PWD/.build/debug/booking-monitor
OUT=$PWD/screenshots
WORK=$(mktemp -d)
MON_A=47401 MON_B=47402 ORCH=47403 PG=55440 DISP=:78 SOCK=bm-shared-$$
COLS=170 ROWS=49   # two panes of 170x24 and tmux's one-row divider

cleanup() {
  tmux -L "$SOCK" kill-server 2>/dev/null || true
  [[ -n ${XTERM_PID:-} ]] && kill "$XTERM_PID" 2>/dev/null || true
  [[ -n ${ORCH_PID:-} ]] && kill "$ORCH_PID" 2>/dev/null || true
  [[ -n ${XVFB_PID:-} ]] && kill "$XVFB_PID" 2>/dev/null || true
  sleep 0.5
  scripts/postgres.sh stop $PG || true
  rm -rf "$WORK"
}
trap cleanup EXIT

for _ in 1 2 3 4 5 6 7 8 9 10; do [[ -x $BIN ]] && break; sleep 3; done   # a build may be relinking it
URL=$(scripts/postgres.sh start $PG)
PGOPTIONS='-c client_min_messages=warning' psql -q "$URL" -c 'DROP DATABASE IF EXISTS shots' -c 'CREATE DATABASE shots' >/dev/null
DB=${URL%/*}/shots

Xvfb "$DISP" -screen 0 1600x1000x24 -nolisten tcp >/dev/null 2>&1 & XVFB_PID=$!
"$BIN" orchestrator --port $ORCH --monitor http://127.0.0.1:$MON_A >"$WORK/orchestrator.log" 2>&1 & ORCH_PID=$!

listening() {  # PORT: waits until something answers there, up to 10 s
  for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$1/" && return; sleep 0.2; done
  echo "take-shared.sh: nothing listens on port $1" >&2; return 1
}
monitor() {  # NAME PORT
  echo "env LANG=C.UTF-8 TERM=xterm-256color $BIN --db $DB --port $2 --name $1 --group east" \
    "--orchestrator http://127.0.0.1:$ORCH --log-file $WORK/$1.log"
}
tmux -L "$SOCK" -f /dev/null new-session -d -s shots -x $COLS -y $ROWS "$(monitor a $MON_A)"
tmux -L "$SOCK" set -g status off
listening $MON_A; sleep 2   # a takes the sender role first
tmux -L "$SOCK" split-window -v -t shots "$(monitor b $MON_B)"
listening $MON_B; listening $ORCH
DISPLAY=$DISP xterm -geometry ${COLS}x${ROWS}+0+0 -fa 'DejaVu Sans Mono' -fs 11 -bg '#1d1f21' -fg '#d8d8d8' \
  -bc -title booking-monitor -e tmux -L "$SOCK" attach -t shots & XTERM_PID=$!
sleep 2

order() { curl -fsS -X POST -H 'Content-Type: application/json' -d "{\"CustomerId\":$1,\"Title\":\"$2\"}" \
  http://127.0.0.1:$ORCH/orchestrator/add-new-order >/dev/null; }
stock() { curl -fsS -X PUT "http://127.0.0.1:$1/administration/switch-state/$2?isAvailable=$3" >/dev/null; }
shot() { sleep 0.6; DISPLAY=$DISP import -window "$(DISPLAY=$DISP xwininfo -name booking-monitor | awk '/Window id/{print $4}')" "$OUT/$1"; }

order 101 "Мастер и Маргарита"; order 102 "Мастер и Маргарита"; order 103 "Мастер и Маргарита"
order 104 "Война и мир. Том 1"; order 105 "Анна Каренина"; order 106 "Анна Каренина"
order 107 "Преступление и наказание"; order 108 "Идиот"; order 109 "Евгений Онегин"
stock $MON_A 7 true; stock $MON_B 8 true; stock $MON_A 1 true; stock $MON_B 12 true
stock $MON_A 10 true; stock $MON_B 13 true
sleep 1
order 110 "Мастер и Маргарита"; order 111 "Отцы и дети"; order 112 "Война и мир. Том 2"
stock $MON_B 3 true; stock $MON_A 6 false
sleep 2
shot shared.png
