#!/usr/bin/env bash
# Builds the C floor programs the benchmarks compare against into Benchmarks/.build/floors/.
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p .build/floors
cc -O2 -Wall -Wextra -o .build/floors/ct_floor Floors/ct_floor.c -lnetfilter_conntrack
cc -O2 -Wall -Wextra -o .build/floors/ct_fill Floors/ct_fill.c -lnetfilter_conntrack
