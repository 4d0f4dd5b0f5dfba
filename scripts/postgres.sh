#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests and for trying the shared store by hand:
# Debian's postgresql package, a temporary data directory, loopback only, trust auth.
#
#   scripts/postgres.sh start [PORT]   # prints the URL: postgres://postgres@127.0.0.1:PORT/postgres
#   scripts/postgres.sh stop  [PORT]
#   scripts/postgres.sh crash [PORT]   # kill -9 the server, keep its data (a fault trial)
#   scripts/postgres.sh revive [PORT]  # start it again on its data, after a crash
#
# Runs the server as the postgres user when started as root (initdb refuses root).
# BM_PG_LISTEN=ADDRESS also listens there and trusts 10.77.0.0/16 (scripts/netns.sh's addresses).
set -euo pipefail

command="${1:-start}"
port="${2:-55432}"
dir="${TMPDIR:-/tmp}/booking-monitor-pg-$port"
bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
if [[ -z "$bin" ]]; then
    echo "postgres.sh: PostgreSQL is not installed (apt-get install -y postgresql)" >&2
    exit 1
fi

as_owner() {
    if [[ "$(id -u)" == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$command" in
start)
    # The server outlives whoever started it: it must not keep their descriptors (a test
    # runner's pipes and sockets) open, so close everything but stdin, stdout and stderr.
    for fd in /proc/$$/fd/*; do
        fd=${fd##*/}
        # No 2> here: bash would park stderr on a high descriptor, which this loop closes.
        [[ $fd -gt 2 ]] && eval "exec $fd>&-" || true
    done
    if [[ -f "$dir/postmaster.pid" ]] && as_owner "$bin/pg_ctl" -D "$dir" status >/dev/null 2>&1; then
        echo "postgres://postgres@127.0.0.1:$port/postgres"
        exit 0
    fi
    rm -rf "$dir"
    mkdir -p "$dir"
    [[ "$(id -u)" == 0 ]] && chown postgres: "$dir"
    as_owner "$bin/initdb" -D "$dir" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$dir.initdb.log" 2>&1 \
        || { cat "$dir.initdb.log" >&2; exit 1; }
    # Loopback only, unless BM_PG_LISTEN names a namespace's host address too.
    echo "listen_addresses = '127.0.0.1${BM_PG_LISTEN:+,$BM_PG_LISTEN}'" >> "$dir/postgresql.conf"
    [[ -n "${BM_PG_LISTEN:-}" ]] && echo "host all all 10.77.0.0/16 trust" >> "$dir/pg_hba.conf"
    # fsync off: a test server, thrown away; the sockets directory is the data directory.
    as_owner "$bin/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 30 \
        -o "-p $port -k $dir -c fsync=off -c max_connections=200" start >/dev/null \
        || { cat "$dir/server.log" >&2; exit 1; }
    echo "postgres://postgres@127.0.0.1:$port/postgres"
    ;;
crash)
    # The whole server at once, as a machine's crash takes it: the postmaster and every
    # backend (a backend outliving its postmaster for a moment would still commit).
    pid=$(head -1 "$dir/postmaster.pid" 2>/dev/null || true)
    if [[ -n "$pid" ]]; then
        children=$(pgrep -P "$pid" || true)
        kill -STOP "$pid" 2>/dev/null || true
        # shellcheck disable=SC2086
        [[ -n "$children" ]] && kill -9 $children 2>/dev/null || true
        kill -9 "$pid" 2>/dev/null || true
    fi
    ;;
revive)
    for fd in /proc/$$/fd/*; do
        fd=${fd##*/}
        [[ $fd -gt 2 ]] && eval "exec $fd>&-" || true
    done
    # The old backends notice their postmaster's death within moments; until they are gone
    # the new server refuses to start (shared memory still in use): try again a few times.
    for attempt in $(seq 1 20); do
        if as_owner "$bin/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 30 \
            -o "-p $port -k $dir -c fsync=off -c max_connections=200" start >/dev/null 2>&1; then
            echo "postgres://postgres@127.0.0.1:$port/postgres"
            exit 0
        fi
        sleep 0.25
    done
    tail -20 "$dir/server.log" >&2
    exit 1
    ;;
stop)
    [[ -d "$dir" ]] && as_owner "$bin/pg_ctl" -D "$dir" -m fast stop >/dev/null 2>&1 || true
    rm -rf "$dir" "$dir.initdb.log"
    ;;
*)
    echo "usage: scripts/postgres.sh start|stop|crash|revive [PORT]" >&2
    exit 2
    ;;
esac
