#!/usr/bin/env bash
# First start as a newcomer has it: a clean clone at REV, `npm ci` (or NPM_COMMAND=install: `npm install`),
# then `npm start` until /healthz answers 200, timed separately (issue 15 item 9). Run from the project root: bash bench/first-start.sh [REV ...]
# Compare revisions back to back in one invocation; the machine's load changes both numbers. The CPU
# seconds each part used (its processes' user + system time) and what `npm ci` wrote (packages,
# files) are printed too: they move far less with the load than the wall times do.
set -u
top=$(git rev-parse --show-toplevel)
port=${PORT:-4572}
cpu_of() { # user+system seconds of a process and its waited-for children
  awk '{ printf "%.1f", ($14 + $15 + $16 + $17) / 100 }' "/proc/$1/stat" 2>/dev/null || echo '?'
}
for rev in "${@:-HEAD}"; do
  dir=$(mktemp -d)
  git clone -q "$top" "$dir/app" && git -C "$dir/app" checkout -q "$rev"
  cd "$dir/app"
  begin=$(date +%s.%N)
  /usr/bin/time -o "$dir/ci.time" -f '%U %S' npm "${NPM_COMMAND:-ci}" --silent >/dev/null 2>&1
  ci_cpu=$(awk '{ printf "%.1f", $1 + $2 }' "$dir/ci.time")
  installed=$(date +%s.%N)
  files=$(find node_modules -type f | wc -l)
  PORT=$port setsid npm start >"$dir/start.log" 2>&1 &
  pid=$!
  until curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; do sleep 0.1; done
  ready=$(date +%s.%N)
  # npm start is npm, and under it the service (`exec node …`).
  node=$(pgrep -P "$pid" | head -1)
  start_cpu=$(echo "$(cpu_of "$pid") + $(cpu_of "$node")" | bc)
  printf "%s: npm ${NPM_COMMAND:-ci} %.1f s (%s s CPU, %s files), npm start to /healthz %.1f s (%s s CPU), total %.1f s (load %s)\n" "$rev" \
    "$(echo "$installed - $begin" | bc)" "$ci_cpu" "$files" "$(echo "$ready - $installed" | bc)" "$start_cpu" \
    "$(echo "$ready - $begin" | bc)" "$(cut -d' ' -f1 /proc/loadavg)"
  kill -- -"$pid" 2>/dev/null; wait "$pid" 2>/dev/null
  cd "$top" && rm -rf "$dir"
done
