#!/usr/bin/env bash
# Removes namespaces left behind by a test run or demo that was killed before it could clean up. Tests
# name theirs nfs-test-<pid>-…, the demo nfs-demo-<pid>-…; a namespace whose creator <pid> is still alive
# belongs to a run in progress (another terminal, another CI job) and is left alone.
set -u
for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep -E '^nfs-(test|demo)-[0-9]+-' || true); do
  pid=$(echo "$ns" | cut -d- -f3)
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then continue; fi
  ip netns del "$ns" 2>/dev/null || true
done
