#!/bin/sh
# Builds the C floor programs of the ruleset benchmark (needs libmnl-dev and libnftnl-dev).
set -eu
cd "$(dirname "$0")"
cc -O2 -Wall -o nft_floor nft_floor.c $(pkg-config --cflags --libs libnftnl libmnl)
echo "built $(pwd)/nft_floor"
