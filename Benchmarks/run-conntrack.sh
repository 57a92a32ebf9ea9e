#!/usr/bin/env bash
# The conntrack dump benchmark: `nfscope conntrack list --json` (release build) against `conntrack -L` and
# the C floor (libnetfilter_conntrack, dump only), each writing to /dev/null, in the same run, on tables of
# 10,000 / 100,000 / 250,000 entries made in a throwaway namespace (nf_conntrack_max is global: 262,144).
# Prints the best of RUNS wall times, the peak RSS, and the ratios. Needs root.
#
#   Benchmarks/run-conntrack.sh                      full run
#   NFSCOPE_BENCH_SHORT=1 Benchmarks/run-conntrack.sh   CI: 10,000 and 50,000 entries, 2 runs each
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH=/opt/swift/usr/bin:$PATH
if [ -n "${NFSCOPE_BENCH_SHORT:-}" ]; then sizes=(10000 50000); runs=2; else sizes=(10000 100000 250000); runs=5; fi
namespace="nfs-bench-ct-$$"

swift build -c release --product nfscope >/dev/null
bash Benchmarks/build-floors.sh
nfscope="$PWD/.build/release/nfscope"
floor="$PWD/Benchmarks/.build/floors/ct_floor"
fill="$PWD/Benchmarks/.build/floors/ct_fill"

cleanup() { ip netns del "$namespace" 2>/dev/null || true; }
trap cleanup EXIT
ip netns add "$namespace"

# best wall seconds and max RSS (KiB) over $runs runs of "$@" inside the namespace, output to /dev/null
measure() {
  local best="" peak=0 line seconds rss report
  report=$(mktemp)
  for _ in $(seq "$runs"); do
    /usr/bin/time -o "$report" -f "%e %M" ip netns exec "$namespace" "$@" >/dev/null 2>/dev/null
    line=$(tail -1 "$report")
    seconds=${line% *}; rss=${line#* }
    if [ -z "$best" ] || awk "BEGIN{exit !($seconds < $best)}"; then best=$seconds; fi
    if (( rss > peak )); then peak=$rss; fi
  done
  rm -f "$report"
  echo "$best $peak"
}

printf "%-9s %-26s %8s %10s %8s\n" entries tool seconds peak_KiB ratio
have=0
for size in "${sizes[@]}"; do
  ip netns exec "$namespace" "$fill" $((size - have)) "$have"
  have=$size
  count=$(ip netns exec "$namespace" conntrack -C)
  [ "$count" -eq "$size" ] || { echo "table has $count entries, wanted $size" >&2; exit 1; }
  read -r floor_s floor_kb < <(measure "$floor")
  read -r ours_s ours_kb < <(measure "$nfscope" conntrack list --json)
  read -r text_s text_kb < <(measure "$nfscope" conntrack list)
  read -r tool_s tool_kb < <(measure conntrack -L)
  ratio() { awk "BEGIN{printf \"%.2f\", $1 / ($2 > 0 ? $2 : 0.01)}"; }
  printf "%-9s %-26s %8s %10s %8s\n" "$size" "C floor (libnfct dump)" "$floor_s" "$floor_kb" "1.00"
  printf "%-9s %-26s %8s %10s %8s\n" "$size" "nfscope list --json" "$ours_s" "$ours_kb" "$(ratio "$ours_s" "$floor_s")"
  printf "%-9s %-26s %8s %10s %8s\n" "$size" "nfscope list (table)" "$text_s" "$text_kb" "$(ratio "$text_s" "$floor_s")"
  printf "%-9s %-26s %8s %10s %8s\n" "$size" "conntrack -L" "$tool_s" "$tool_kb" "$(ratio "$tool_s" "$floor_s")"
done
echo "ratio = seconds / C floor seconds (best of $runs); peak_KiB = maximum resident set size"
