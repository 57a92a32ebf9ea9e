#!/bin/bash
# Ruleset benchmark (needs root): generated kube-proxy iptables-mode rulesets of 1,000 / 10,000 / 20,000
# services, each loaded with iptables-nft-restore into a throwaway namespace, then read by:
#   nfscope ruleset --format iptables   (release build: read + decode + render + write, consistent read)
#   iptables-nft-save                   (the tool operators use)
#   nft_floor                           (C floor: libmnl + libnftnl, one rule dump per chain, parse only)
#   nfscope ruleset --format nft
#   nft list ruleset                    (only up to NFT_MAX_SERVICES, default 1000: it takes minutes beyond)
# Reports the median wall time of RUNS runs (default 5), the peak RSS of the median run, and the ratios
# against the floor and iptables-nft-save. Also checks that nfscope's iptables text equals
# iptables-nft-save's (headers and counters normalised).
#
# Usage: sudo Benchmarks/run-ruleset.sh [SERVICES...]       e.g. sudo Benchmarks/run-ruleset.sh 1000 10000 20000
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES=("${@:-1000 10000 20000}")
SIZES=(${SIZES[*]})
RUNS=${RUNS:-5}
NFT_MAX_SERVICES=${NFT_MAX_SERVICES:-1000}
OUT=${OUT:-/tmp/nfscope-ruleset-bench}
mkdir -p "$OUT"

swift build -c release --product nfscope >/dev/null
NFSCOPE=$(swift build -c release --show-bin-path)/nfscope
swift build --package-path Benchmarks --product ruleset-corpus >/dev/null
CORPUS=$(swift build --package-path Benchmarks --show-bin-path)/ruleset-corpus
Benchmarks/Floors/build.sh >/dev/null
FLOOR=$PWD/Benchmarks/Floors/nft_floor

# median_of CMD...: runs CMD RUNS times; prints "median_seconds peak_kib" of the median run.
median_of() {
    local results=()
    for _ in $(seq "$RUNS"); do
        /usr/bin/time -f "%e %M" -o "$OUT/time" "$@" >/dev/null 2>"$OUT/stderr" || { cat "$OUT/stderr" >&2; return 1; }
        results+=("$(cat "$OUT/time")")
    done
    printf '%s\n' "${results[@]}" | sort -n | sed -n "$(( (RUNS + 1) / 2 ))p"
}

printf '%-9s %-34s %9s %9s %10s %10s\n' services tool "median s" "peak MiB" "x floor" "x ipt-save"
for services in "${SIZES[@]}"; do
    ns="nfs-bench-ruleset-$$-$services"
    ip netns add "$ns"
    trap 'ip netns del "$ns" 2>/dev/null || true' EXIT
    "$CORPUS" iptables "$services" > "$OUT/kube-proxy-$services.rules"
    ip netns exec "$ns" iptables-nft-restore < "$OUT/kube-proxy-$services.rules"

    # Correctness first: the rendering must equal iptables-nft-save's.
    normalise() { grep -v '^#' | sed -E 's/\[[0-9]+:[0-9]+\]$/[0:0]/'; }
    "$NFSCOPE" ruleset --netns "$ns" --format iptables --family ip | normalise > "$OUT/nfscope-$services.txt"
    ip netns exec "$ns" iptables-nft-save | normalise > "$OUT/oracle-$services.txt"
    if ! cmp -s "$OUT/nfscope-$services.txt" "$OUT/oracle-$services.txt"; then
        echo "warning: iptables rendering differs from iptables-nft-save at $services services (see $OUT)" >&2
    fi

    read -r floor floor_kib < <(median_of ip netns exec "$ns" "$FLOOR")
    read -r save save_kib < <(median_of ip netns exec "$ns" iptables-nft-save)
    row() {
        printf '%-9s %-34s %9.2f %9.1f %10.2f %10.2f\n' "$services" "$1" "$2" "$(echo "$3 / 1024" | bc -l)" \
            "$(echo "$2 / $floor" | bc -l)" "$(echo "$2 / $save" | bc -l)"
    }
    row "C floor (per-chain dumps)" "$floor" "$floor_kib"
    row "iptables-nft-save" "$save" "$save_kib"
    read -r t kib < <(median_of "$NFSCOPE" ruleset --netns "$ns" --format iptables --family ip)
    row "nfscope ruleset --format iptables" "$t" "$kib"
    read -r t kib < <(median_of "$NFSCOPE" ruleset --netns "$ns" --format nft)
    row "nfscope ruleset --format nft" "$t" "$kib"
    if [ "$services" -le "$NFT_MAX_SERVICES" ]; then
        read -r t kib < <(median_of ip netns exec "$ns" nft list ruleset)
        row "nft list ruleset" "$t" "$kib"
    fi
    ip netns del "$ns"
    trap - EXIT
done
