#!/usr/bin/env bash
# Takes the console screenshots in screenshots/ from a real terminal: xterm under Xvfb,
# showing a tmux pane (tmux only types the keys; its status line is off). A monitor and the
# Orchestrator simulator run on loopback ports; orders and stock arrive over HTTP.
# Usage: screenshots/take.sh   (from the repository root, after `swift build`)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=$PWD/.build/debug/booking-monitor
OUT=$PWD/screenshots
WORK=$(mktemp -d)
MON=47391 ORCH=47392 DISP=:77 SOCK=bm-shots-$$
COLS=150 ROWS=42

cleanup() {
  tmux -L "$SOCK" kill-server 2>/dev/null || true
  [[ -n ${XTERM_PID:-} ]] && kill "$XTERM_PID" 2>/dev/null || true
  [[ -n ${ORCH_PID:-} ]] && kill "$ORCH_PID" 2>/dev/null || true
  [[ -n ${XVFB_PID:-} ]] && kill "$XVFB_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

Xvfb "$DISP" -screen 0 1600x1000x24 -nolisten tcp >/dev/null 2>&1 & XVFB_PID=$!
"$BIN" orchestrator --port $ORCH --monitor http://127.0.0.1:$MON >"$WORK/orchestrator.log" 2>&1 & ORCH_PID=$!

tmux -L "$SOCK" -f /dev/null new-session -d -s shots -x $COLS -y $ROWS \
  "env LANG=C.UTF-8 TERM=xterm-256color $BIN --db $WORK/monitor.sqlite --port $MON --group east --orchestrator http://127.0.0.1:$ORCH"
tmux -L "$SOCK" set -g status off
sleep 1
DISPLAY=$DISP xterm -geometry ${COLS}x${ROWS}+0+0 -fa 'DejaVu Sans Mono' -fs 11 -bg '#1d1f21' -fg '#d8d8d8' \
  -bc -title booking-monitor -e tmux -L "$SOCK" attach -t shots & XTERM_PID=$!
sleep 2

order() { curl -fsS -X POST -H 'Content-Type: application/json' -d "{\"CustomerId\":$1,\"Title\":\"$2\"}" \
  http://127.0.0.1:$ORCH/orchestrator/add-new-order >/dev/null; }
stock() { curl -fsS -X PUT "http://127.0.0.1:$MON/administration/switch-state/$1?isAvailable=$2" >/dev/null; }
keys() { tmux -L "$SOCK" send-keys -t shots "$@"; sleep 0.4; }
TITLE=booking-monitor
shot() { sleep 0.6; DISPLAY=$DISP import -window "$(DISPLAY=$DISP xwininfo -name "$TITLE" | awk '/Window id/{print $4}')" "$OUT/$1"; }

order 101 "Мастер и Маргарита"; order 102 "Мастер и Маргарита"; order 103 "Мастер и Маргарита"
order 104 "Война и мир. Том 1"; order 105 "Анна Каренина"; order 106 "Анна Каренина"
order 107 "Преступление и наказание"; order 108 "Идиот"; order 109 "Евгений Онегин"
stock 7 true; stock 8 true; stock 1 true; stock 12 true; stock 10 true; stock 13 true
sleep 1
order 110 "Мастер и Маргарита"; order 111 "Отцы и дети"; order 112 "Война и мир. Том 2"
stock 3 true; stock 6 false
keys j j j j j j
shot dashboard.png

keys '?'
shot help.png
keys Escape

keys / М а с т е р
shot filter.png
keys Escape

# The views: a product's detail, a whole queue, a customer.
keys j j j j j j Enter
shot product.png
keys Escape 2 Enter
shot queue.png
keys Escape c 1 0 2 Enter
shot customer.png
keys Escape

# A working day: three products marked and sorted by title, the command line completing, and
# an undo that says why it cannot (the copy made available was booked at once).
keys 1 g m m m s s
shot marks.png
keys x : s o Tab
shot command-line.png
keys Escape : s o r t Space i d Enter
keys g j j j j a U
shot undo.png

# A booking made over the API: its row and its queue highlighted for five seconds, and the
# header's sparkline of bookings per minute.
order 114 "Отцы и дети"; stock 14 true
sleep 0.3
shot highlight.png
keys q
sleep 1

# A session of its own on the same store: `session COLS ROWS BACKGROUND FOREGROUND ARGS…`.
session() {
  local cols=$1 rows=$2 bg=$3 fg=$4; shift 4
  kill "$XTERM_PID" 2>/dev/null || true
  wait "$XTERM_PID" 2>/dev/null || true
  tmux -L "$SOCK" kill-server 2>/dev/null || true
  sleep 0.5
  # A title and an X server of its own: with the display of the session before, the light
  # session's xterm came up with the dark background.
  TITLE=booking-monitor-$RANDOM
  kill "$XVFB_PID" 2>/dev/null || true
  wait "$XVFB_PID" 2>/dev/null || true
  DISP=:$(( ${DISP#:} + 1 ))
  Xvfb "$DISP" -screen 0 1600x1000x24 -nolisten tcp >/dev/null 2>&1 & XVFB_PID=$!
  sleep 1
  tmux -L "$SOCK" -f /dev/null new-session -d -s shots -x "$cols" -y "$rows" \
    "env LANG=C.UTF-8 TERM=xterm-256color $BIN --db $WORK/monitor.sqlite --port $MON --group east --orchestrator http://127.0.0.1:$ORCH $*"
  tmux -L "$SOCK" set -g status off
  sleep 1
  # -tn: tmux learns the 256 colours from TERM at once, not later from the terminal's answers
  # (else the first screen is drawn in 8 colours: orange as red).
  DISPLAY=$DISP xterm -tn xterm-256color -geometry "${cols}x${rows}+0+0" -fa 'DejaVu Sans Mono' -fs 11 -bg "$bg" -fg "$fg" \
    -bc -title "$TITLE" -e tmux -L "$SOCK" attach -t shots & XTERM_PID=$!
  sleep 2
}

# The light theme on a white background, the colour-blind theme on a dark one; a change
# highlighted in each.
session $COLS $ROWS '#ffffff' '#1d1f21' --theme light
order 115 "Мастер и Маргарита"; stock 9 true
sleep 0.3
shot theme-light.png
keys q
sleep 1
session $COLS $ROWS '#1d1f21' '#d8d8d8' --theme colourblind
order 116 "Война и мир. Том 1"; stock 2 true
sleep 0.3
shot theme-colourblind.png
keys q
sleep 1

# The fallbacks: the same store, monochrome (NO_COLOR) and ASCII, in a 100x30 terminal.
TITLE=booking-monitor
kill "$XTERM_PID" 2>/dev/null || true
tmux -L "$SOCK" kill-server 2>/dev/null || true
sleep 0.5
tmux -L "$SOCK" -f /dev/null new-session -d -s shots -x 100 -y 30 \
  "env LANG=C.UTF-8 TERM=xterm-256color NO_COLOR=1 $BIN --ascii --db $WORK/monitor.sqlite --port $MON --group east --orchestrator http://127.0.0.1:$ORCH"
tmux -L "$SOCK" set -g status off
sleep 1
DISPLAY=$DISP xterm -geometry 100x30+0+0 -fa 'DejaVu Sans Mono' -fs 11 -bg '#1d1f21' -fg '#d8d8d8' \
  -bc -title booking-monitor -e tmux -L "$SOCK" attach -t shots & XTERM_PID=$!
sleep 2
order 113 "Мастер и Маргарита"; stock 9 true; stock 2 true
keys j j j j j j j j
shot monochrome-ascii.png
keys q
