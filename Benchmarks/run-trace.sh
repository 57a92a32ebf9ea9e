#!/bin/bash
# End-to-end `nfscope trace` benchmark (needs root): a generated kube-proxy iptables-mode ruleset of SERVICES
# services (default 20,000) loaded with iptables-nft-restore into a throwaway "node" namespace, a pod-like
# namespace behind a veth (172.16.0.10 → node 172.16.0.1, default route via the node), and an "endpoints"
# namespace that owns every endpoint address (a local route for 10.0.0.0/8) behind another veth, so the
# trace takes the whole path: PREROUTING's DNAT, FORWARD, POSTROUTING's masquerade, delivery, the way back:
#   nfscope trace --from-netns POD --proto tcp --dst CLUSTER-IP --dport 80      (release build)
# timed RUNS times (default 7); prints the median wall time and peak RSS, and with CALLGRIND=1 also the
# instruction count of one run under valgrind --tool=callgrind (stable on a busy machine, unlike wall time).
# Both namespaces are removed on any exit.
#
# Usage: sudo Benchmarks/run-trace.sh [SERVICES]          e.g. sudo CALLGRIND=1 Benchmarks/run-trace.sh 20000
set -euo pipefail
cd "$(dirname "$0")/.."
SERVICES=${1:-20000}
RUNS=${RUNS:-7}
OUT=${OUT:-/tmp/nfscope-trace-bench}
mkdir -p "$OUT"

NODE="nfs-bench-trace-$$-node"
POD="nfs-bench-trace-$$-pod"
EP="nfs-bench-trace-$$-ep"
cleanup() {
    ip netns del "$POD" 2>/dev/null || true
    ip netns del "$EP" 2>/dev/null || true
    ip netns del "$NODE" 2>/dev/null || true
}
trap cleanup EXIT INT TERM

swift build -c release --product nfscope >/dev/null
NFSCOPE=$(swift build -c release --show-bin-path)/nfscope
swift build --package-path Benchmarks --product ruleset-corpus >/dev/null
CORPUS=$(swift build --package-path Benchmarks --show-bin-path)/ruleset-corpus

for ns in "$NODE" "$POD" "$EP"; do ip netns add "$ns"; ip -n "$ns" link set lo up; done
ip -n "$NODE" link add veth-pod type veth peer name eth0 netns "$POD"
ip -n "$NODE" addr add 172.16.0.1/24 dev veth-pod
ip -n "$POD" addr add 172.16.0.10/24 dev eth0
ip -n "$NODE" link set veth-pod up
ip -n "$POD" link set eth0 up
ip -n "$POD" route add default via 172.16.0.1
ip -n "$NODE" link add veth-ep type veth peer name eth0 netns "$EP"
ip -n "$NODE" addr add 192.168.77.1/30 dev veth-ep
ip -n "$EP" addr add 192.168.77.2/30 dev eth0
ip -n "$NODE" link set veth-ep up
ip -n "$EP" link set eth0 up
ip -n "$NODE" route add 10.0.0.0/8 via 192.168.77.2
ip -n "$EP" route add local 10.0.0.0/8 dev lo
ip -n "$EP" route add default via 192.168.77.1
ip netns exec "$NODE" sysctl -qw net.ipv4.ip_forward=1
"$CORPUS" iptables "$SERVICES" > "$OUT/kube-proxy-$SERVICES.rules"
ip netns exec "$NODE" iptables-nft-restore < "$OUT/kube-proxy-$SERVICES.rules"

# The last service of the corpus: a ClusterIP service (index % 8 == 7) whose rule sits at the end of
# KUBE-SERVICES, so nothing can stop early.
last=$((SERVICES - 1))
while [ $((last % 8)) -ne 7 ] && [ $((last % 8)) -ne 0 ]; do last=$((last - 1)); done
DST="172.30.$((last / 250 % 250)).$((last % 250 + 1))"
TRACE=("$NFSCOPE" trace --from-netns "$POD" --proto tcp --dst "$DST" --dport 80)

"${TRACE[@]}" > "$OUT/trace-$SERVICES.txt"
# Nothing listens in the endpoints namespace: the kernel would answer with a reset that reaches the pod.
grep -q "KUBE-SVC" "$OUT/trace-$SERVICES.txt" && grep -q "^outcome: REFUSED" "$OUT/trace-$SERVICES.txt" \
    || { echo "the trace did not take the whole path:" >&2; cat "$OUT/trace-$SERVICES.txt" >&2; exit 1; }

results=()
for _ in $(seq "$RUNS"); do
    /usr/bin/time -f "%e %M" -o "$OUT/time" "${TRACE[@]}" >/dev/null
    results+=("$(cat "$OUT/time")")
done
read -r median kib < <(printf '%s\n' "${results[@]}" | sort -n | sed -n "$(( (RUNS + 1) / 2 ))p")
printf 'services %s  trace to %s:80  median %.3f s of %s runs (all: %s)  peak %.1f MiB\n' "$SERVICES" "$DST" "$median" \
    "$RUNS" "$(printf '%s\n' "${results[@]}" | cut -d' ' -f1 | sort -n | tr '\n' ' ')" "$(echo "$kib / 1024" | bc -l)"

if [ "${CALLGRIND:-0}" = 1 ]; then
    # Valgrind 3.19 cannot read the DWARF 5 of Swift 6 binaries: profile a copy without debug info.
    cp "$NFSCOPE" "$OUT/nfscope-stripped" && strip -g "$OUT/nfscope-stripped"
    valgrind --tool=callgrind --callgrind-out-file="$OUT/callgrind.out" "$OUT/nfscope-stripped" "${TRACE[@]:1}" \
        >/dev/null 2>"$OUT/callgrind.log"
    printf 'instructions (callgrind, one run): %s\n' "$(grep -o 'Collected : [0-9]*' "$OUT/callgrind.log" | grep -o '[0-9]*')"
    echo "profile: callgrind_annotate $OUT/callgrind.out | head -40"
fi
