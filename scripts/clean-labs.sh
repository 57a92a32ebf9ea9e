#!/usr/bin/env bash
# Removes namespaces left behind by a test run that was killed before it could clean up (tests name
# theirs nfs-test-*, the demo nfs-demo-*). Touches nothing else.
set -u
for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep -E '^nfs-(test|demo)-' || true); do
  ip netns del "$ns" 2>/dev/null || true
done
