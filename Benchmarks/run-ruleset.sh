#!/bin/bash
# Ruleset benchmark (needs root): generated kube-proxy iptables-mode rulesets of 1,000 / 10,000 / 20,000
# services, each loaded with iptables-nft-restore into a throwaway namespace, then read by:
#   nft_floor                           (C floor: libmnl + libnftnl, one rule dump per chain, parse only)
#   iptables-nft-save                   (the tool operators use)
#   nfscope ruleset --format iptables   (release build: read + decode + render + write, consistent read)
#   nfscope ruleset --format nft
#   nft list ruleset                    (only up to NFT_MAX_SERVICES, default 1000: it takes minutes beyond)
# The tools run in paired rounds (one run of each per round, RUNS rounds, default 5), so that load from other
# work on the machine falls on all of them alike. Reports the median wall time, the median user+sys CPU time,
# the peak RSS of the median run, and the ratios against the floor and iptables-nft-save. Also checks that
# nfscope's iptables text equals iptables-nft-save's (headers and counters normalised).
#
# On a shared machine, PRIO=nice runs every measured command at nice -20 (the scheduler then gives it nearly
# all of the cores it wants, threads scheduled as usual), PRIO=rt at real-time priority (chrt -f 50: other
# processes wait, but its threads are not time-sliced). Every tool gets the same.
#
# Guard (CI): MAX_FLOOR_RATIO=1.5 and/or MAX_SAVE_RATIO=1.0 make the script fail when nfscope's iptables
# rendering is slower than that many times the floor / iptables-nft-save at any size (ratios of paired
# medians, not wall times, so a slower machine does not trip it).
#
# Usage: sudo Benchmarks/run-ruleset.sh [SERVICES...]       e.g. sudo Benchmarks/run-ruleset.sh 1000 10000 20000
# NFSCOPE= and CORPUS= point at already built binaries (skips the builds).
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES=("${@:-1000 10000 20000}")
SIZES=(${SIZES[*]})
RUNS=${RUNS:-5}
NFT_MAX_SERVICES=${NFT_MAX_SERVICES:-1000}
OUT=${OUT:-/tmp/nfscope-ruleset-bench}
mkdir -p "$OUT"
PREFIX=()
case "${PRIO:-}" in
    nice) PREFIX=(nice -n -20) ;;
    rt) PREFIX=(chrt -f 50) ;;
esac

if [ -z "${NFSCOPE:-}" ]; then
    swift build -c release --product nfscope >/dev/null
    NFSCOPE=$(swift build -c release --show-bin-path)/nfscope
fi
if [ -z "${CORPUS:-}" ]; then
    swift build --package-path Benchmarks --product ruleset-corpus >/dev/null
    CORPUS=$(swift build --package-path Benchmarks --show-bin-path)/ruleset-corpus
fi
Benchmarks/Floors/build.sh >/dev/null
FLOOR=$PWD/Benchmarks/Floors/nft_floor

# measure NAME CMD...: one run; appends "wall cpu peak_kib" to $OUT/NAME.times.
measure() {
    local name=$1; shift
    "${PREFIX[@]}" /usr/bin/time -f "%e %U %S %M" -o "$OUT/time" "$@" >/dev/null 2>"$OUT/stderr" \
        || { cat "$OUT/stderr" >&2; return 1; }
    read -r wall user sys kib < "$OUT/time"
    echo "$wall $(echo "$user + $sys" | bc -l) $kib" >> "$OUT/$name.times"
}

# median NAME: "wall cpu peak_kib" of the median run (by wall time).
median() {
    sort -n "$OUT/$1.times" | sed -n "$(( (RUNS + 1) / 2 ))p"
}

guard_failed=0
printf '%-9s %-34s %9s %9s %9s %10s %10s\n' services tool "median s" "cpu s" "peak MiB" "x floor" "x ipt-save"
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

    rm -f "$OUT"/*.times
    for _ in $(seq "$RUNS"); do
        measure floor ip netns exec "$ns" "$FLOOR"
        measure save ip netns exec "$ns" iptables-nft-save
        measure iptables "$NFSCOPE" ruleset --netns "$ns" --format iptables --family ip
        measure nft "$NFSCOPE" ruleset --netns "$ns" --format nft
        if [ "$services" -le "$NFT_MAX_SERVICES" ]; then measure nftlist ip netns exec "$ns" nft list ruleset; fi
    done
    read -r floor _ _ < <(median floor)
    read -r save _ _ < <(median save)
    row() {
        read -r wall cpu kib < <(median "$1")
        printf '%-9s %-34s %9.2f %9.2f %9.1f %10.2f %10.2f\n' "$services" "$2" "$wall" "$cpu" "$(echo "$kib / 1024" | bc -l)" \
            "$(echo "$wall / $floor" | bc -l)" "$(echo "$wall / $save" | bc -l)"
    }
    row floor "C floor (per-chain dumps)"
    row save "iptables-nft-save"
    row iptables "nfscope ruleset --format iptables"
    row nft "nfscope ruleset --format nft"
    if [ "$services" -le "$NFT_MAX_SERVICES" ]; then row nftlist "nft list ruleset"; fi

    read -r ipt _ _ < <(median iptables)
    if [ -n "${MAX_FLOOR_RATIO:-}" ] && [ "$(echo "$ipt > $floor * $MAX_FLOOR_RATIO" | bc -l)" = 1 ]; then
        echo "guard: iptables rendering at $services services is over ${MAX_FLOOR_RATIO}x the floor" >&2
        guard_failed=1
    fi
    if [ -n "${MAX_SAVE_RATIO:-}" ] && [ "$(echo "$ipt > $save * $MAX_SAVE_RATIO" | bc -l)" = 1 ]; then
        echo "guard: iptables rendering at $services services is over ${MAX_SAVE_RATIO}x iptables-nft-save" >&2
        guard_failed=1
    fi
    ip netns del "$ns"
    trap - EXIT
done
exit "$guard_failed"
