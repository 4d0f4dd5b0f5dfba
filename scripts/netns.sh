#!/usr/bin/env bash
# A network namespace for fault trials (the nemesis suite's partition): an instance run inside
# reaches the host at 10.77.N.1 and is reached at 10.77.N.2, over a veth pair. `cut` drops, in
# the namespace only, every packet to and from one TCP port of the host (a silent partition: no
# RST, connections stay open), `heal` lets them through again. Needs root, iproute2 and nftables.
#
#   scripts/netns.sh create NAME N      # N in 1..250: the 10.77.N.0/24 addresses
#   scripts/netns.sh cut NAME N PORT    # drop 10.77.N.1:PORT both ways
#   scripts/netns.sh heal NAME
#   scripts/netns.sh remove NAME        # the namespace and its veth pair
set -euo pipefail
command="${1:-}"
name="${2:-}"
[[ -n "$name" ]] || { echo "usage: scripts/netns.sh create|cut|heal|remove NAME [N] [PORT]" >&2; exit 2; }
case "$command" in
create)
    n="$3"
    ip netns del "$name" 2>/dev/null || true
    ip link del "bm${n}h" 2>/dev/null || true
    ip netns add "$name"
    ip link add "bm${n}h" type veth peer name "bm${n}n"
    ip link set "bm${n}n" netns "$name"
    ip addr add "10.77.$n.1/24" dev "bm${n}h"
    ip link set "bm${n}h" up
    ip netns exec "$name" ip addr add "10.77.$n.2/24" dev "bm${n}n"
    ip netns exec "$name" ip link set "bm${n}n" up
    ip netns exec "$name" ip link set lo up
    ;;
cut)
    n="$3" port="$4"
    ip netns exec "$name" nft -f - <<NFT
table inet bm_cut {
    chain out { type filter hook output priority 0; ip daddr 10.77.$n.1 tcp dport $port drop; }
    chain in { type filter hook input priority 0; ip saddr 10.77.$n.1 tcp sport $port drop; }
}
NFT
    ;;
heal)
    ip netns exec "$name" nft delete table inet bm_cut 2>/dev/null || true
    ;;
remove)
    ip netns del "$name" 2>/dev/null || true
    ;;
*)
    echo "usage: scripts/netns.sh create|cut|heal|remove NAME [N] [PORT]" >&2
    exit 2
    ;;
esac
