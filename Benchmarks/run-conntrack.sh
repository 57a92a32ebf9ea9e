#!/usr/bin/env bash
# The conntrack dump benchmark: `nfscope conntrack list --json` (release build) against `conntrack -L` and
# the C floor (libnetfilter_conntrack, dump only), each writing to /dev/null, in the same run, on tables of
# 10,000 / 100,000 / 250,000 entries made in a throwaway namespace (nf_conntrack_max is global: 262,144).
# Prints the best of RUNS wall and CPU (user + system) times, the peak RSS, and the ratios; on a shared,
# loaded machine the CPU ratio is the steadier figure. Each tool's output is counted once first, so a tool
# that lost entries (ENOBUFS) cannot look fast. Needs root.
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

# best wall seconds, best CPU seconds and max RSS (KiB) over $runs runs of "$@" in the namespace, output to /dev/null
measure() {
  local best="" best_cpu="" peak=0 seconds user system cpu rss report
  report=$(mktemp)
  for _ in $(seq "$runs"); do
    /usr/bin/time -o "$report" -f "%e %U %S %M" ip netns exec "$namespace" "$@" >/dev/null 2>/dev/null
    read -r seconds user system rss < <(tail -1 "$report")
    cpu=$(awk "BEGIN{print $user + $system}")
    if [ -z "$best" ] || awk "BEGIN{exit !($seconds < $best)}"; then best=$seconds; fi
    if [ -z "$best_cpu" ] || awk "BEGIN{exit !($cpu < $best_cpu)}"; then best_cpu=$cpu; fi
    if (( rss > peak )); then peak=$rss; fi
  done
  rm -f "$report"
  echo "$best $best_cpu $peak"
}

# lines a tool prints for the whole table (conntrack -L and nfscope one per flow; the floor says on stderr)
check_counts() {
  local want=$1 got
  got=$(ip netns exec "$namespace" "$nfscope" conntrack list --json | wc -l)
  [ "$got" -eq "$want" ] || { echo "nfscope listed $got of $want" >&2; exit 1; }
  got=$(ip netns exec "$namespace" conntrack -L 2>/dev/null | wc -l)
  [ "$got" -eq "$want" ] || { echo "conntrack -L listed $got of $want" >&2; exit 1; }
  got=$(ip netns exec "$namespace" "$floor" 2>&1 >/dev/null | awk '{print $1}')
  [ "$got" -eq "$want" ] || { echo "the floor dumped $got of $want" >&2; exit 1; }
}

row() { printf "%-9s %-24s %8s %7s %8s %10s %9s\n" "$@"; }
row entries tool wall_s ratio cpu_s cpu_ratio peak_KiB
have=0
for size in "${sizes[@]}"; do
  ip netns exec "$namespace" "$fill" $((size - have)) "$have"
  have=$size
  count=$(ip netns exec "$namespace" conntrack -C)
  [ "$count" -eq "$size" ] || { echo "table has $count entries, wanted $size" >&2; exit 1; }
  check_counts "$size"
  ratio() { awk "BEGIN{printf \"%.2f\", $1 / ($2 > 0 ? $2 : 0.01)}"; }
  read -r floor_s floor_cpu floor_kb < <(measure "$floor")
  row "$size" "C floor (libnfct dump)" "$floor_s" 1.00 "$floor_cpu" 1.00 "$floor_kb"
  for tool in "nfscope list --json" "nfscope list (table)" "conntrack -L"; do
    case $tool in
      "nfscope list --json") read -r s c k < <(measure "$nfscope" conntrack list --json) ;;
      "nfscope list (table)") read -r s c k < <(measure "$nfscope" conntrack list) ;;
      "conntrack -L") read -r s c k < <(measure conntrack -L) ;;
    esac
    row "$size" "$tool" "$s" "$(ratio "$s" "$floor_s")" "$c" "$(ratio "$c" "$floor_cpu")" "$k"
  done
done
echo "best of $runs runs; ratios against the C floor; peak_KiB = maximum resident set size; load: $(cut -d' ' -f1-3 /proc/loadavg)"
