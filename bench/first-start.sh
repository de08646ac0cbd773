#!/usr/bin/env bash
# First start as a newcomer has it: a clean clone at REV, `npm ci`, then `npm start` until /healthz
# answers 200, timed separately (issue 15 item 9). Run from the project root: bash bench/first-start.sh [REV ...]
# Compare revisions back to back in one invocation; the machine's load changes both numbers.
set -u
top=$(git rev-parse --show-toplevel)
port=${PORT:-4572}
for rev in "${@:-HEAD}"; do
  dir=$(mktemp -d)
  git clone -q "$top" "$dir/app" && git -C "$dir/app" checkout -q "$rev"
  cd "$dir/app"
  begin=$(date +%s.%N)
  npm ci --silent >/dev/null 2>&1
  installed=$(date +%s.%N)
  PORT=$port setsid npm start >"$dir/start.log" 2>&1 &
  pid=$!
  until curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; do sleep 0.1; done
  ready=$(date +%s.%N)
  printf '%s: npm ci %.1f s, npm start to /healthz %.1f s, total %.1f s (load %s)\n' "$rev" \
    "$(echo "$installed - $begin" | bc)" "$(echo "$ready - $installed" | bc)" "$(echo "$ready - $begin" | bc)" "$(cut -d' ' -f1 /proc/loadavg)"
  kill -- -"$pid" 2>/dev/null; wait "$pid" 2>/dev/null
  cd "$top" && rm -rf "$dir"
done
