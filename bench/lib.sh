# Shared parts of the load scripts in bench/: sourced, not run.
#
# A script sets DURATION, ROUNDS, CONNECTIONS, THREADS, UPSTREAM_PORT and
# OUT (defaults below), fills port[NAME] for every proxy it starts, and
# calls: install_tools, start_upstream, start_gateway (or its own
# starters), wait_for, then run NAME once per proxy and round, and the
# summary helpers (median, minmax, summary_line, ratio).
#
# Everything listens on 127.0.0.1 and stops when the script exits.

DURATION=${DURATION:-10s}
ROUNDS=${ROUNDS:-3}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-1}
UPSTREAM_PORT=${UPSTREAM_PORT:-19100}
OUT=${OUT:-bench/out}
mkdir -p "$OUT"

declare -A port
# runs[NAME] collects "rps p50_us p99_us cpu_us" lines, one per run.
declare -A runs
pids=()

cleanup() {
  for p in "${pids[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
  for f in "$OUT"/*.pid; do
    if [ -f "$f" ]; then kill "$(cat "$f" 2>/dev/null)" 2>/dev/null || true; fi
  done
  wait 2>/dev/null || true
}
trap cleanup EXIT

need() { command -v "$1" >/dev/null 2>&1; }

# install_tools installs nginx (the upstream, and a proxy to compare
# with) and wrk from Debian when missing, and sets NGINX.
install_tools() {
  if ! need nginx || ! need wrk; then
    echo "installing nginx and wrk" >&2
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light wrk >/dev/null \
      || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx wrk >/dev/null
  fi
  NGINX=$(command -v nginx || echo /usr/sbin/nginx)
}

# start_upstream starts the upstream: an nginx worker of its own answering
# every request with a short body, keep-alive without a request limit.
start_upstream() {
  cat >"$OUT/upstream.conf" <<NGINX
worker_processes 1;
pid $PWD/$OUT/upstream.pid;
error_log $PWD/$OUT/upstream-error.log warn;
daemon off;
events { worker_connections 4096; }
http {
  access_log off;
  server {
    listen 127.0.0.1:$UPSTREAM_PORT;
    keepalive_requests 1000000;
    location / { default_type text/plain; return 200 "hello from the upstream\n"; }
  }
}
NGINX
  "$NGINX" -c "$PWD/$OUT/upstream.conf" -p "$PWD/$OUT" &
  pids+=($!)
}

# start_gateway NAME PORT GOMAXPROCS BINARY: a gateway binary built from
# examples/gateway proxying the upstream ("" GOMAXPROCS: Go's default).
start_gateway() {
  cat >"$OUT/$1.yaml" <<YAML
kind: Node
name: bench
dataDir: $PWD/$OUT/$1-data
---
kind: HTTPServer
name: bench-server
port: $2
address: 127.0.0.1
rules:
- paths:
  - pathPrefix: /
    backend: bench-pipeline
---
kind: Pipeline
name: bench-pipeline
filters:
- name: proxy
  kind: Proxy
  pools:
  - servers:
    - url: http://127.0.0.1:$UPSTREAM_PORT
YAML
  rm -rf "$OUT/$1-data"
  if [ -n "$3" ]; then
    GOMAXPROCS=$3 "$4" --config "$OUT/$1.yaml" --log-level warn --api-addr off 2>"$OUT/$1.log" &
  else
    env -u GOMAXPROCS "$4" --config "$OUT/$1.yaml" --log-level warn --api-addr off 2>"$OUT/$1.log" &
  fi
  pids+=($!)
  echo $! >"$OUT/$1.pid"
}

# wait_for PORT waits up to 10 s for a 2xx answer on PORT.
wait_for() {
  for _ in $(seq 1 100); do
    if curl -fs -o /dev/null "http://127.0.0.1:$1/" 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  echo "nothing answers on port $1" >&2
  cat "$OUT"/*.log >&2 2>/dev/null || true
  exit 1
}

# proxy_pids NAME: the processes of a proxy (an nginx master's workers
# included).
proxy_pids() {
  local main
  main=$(cat "$OUT/$1.pid")
  echo "$main"
  pgrep -P "$main" || true
}

# cpu_ticks PID...: user+system clock ticks used so far by the processes
# and their threads.
cpu_ticks() {
  local total=0 pid
  for pid in "$@"; do
    total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat")))
  done
  echo "$total"
}

# run NAME: a 3 s warm-up, then one measured wrk run against the proxy;
# prints the run and adds it to runs[NAME].
run() {
  local name=$1 p=${port[$1]} pids_of
  mapfile -t pids_of < <(proxy_pids "$name")
  wrk -t"$THREADS" -c"$CONNECTIONS" -d3s "http://127.0.0.1:$p/" >/dev/null # warm-up
  local before after
  before=$(cpu_ticks "${pids_of[@]}")
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "http://127.0.0.1:$p/" >"$OUT/$name.wrk"
  after=$(cpu_ticks "${pids_of[@]}")
  local requests errors rps p50 p99 cpu
  rps=$(awk '/^Requests\/sec:/ {print $2}' "$OUT/$name.wrk")
  p50=$(awk '$1=="50%" {print $2}' "$OUT/$name.wrk")
  p99=$(awk '$1=="99%" {print $2}' "$OUT/$name.wrk")
  requests=$(awk '/requests in/ {print $1}' "$OUT/$name.wrk")
  errors=$(awk '/Non-2xx|Socket errors/ {print}' "$OUT/$name.wrk")
  cpu=$(awk -v t=$((after - before)) -v hz="$(getconf CLK_TCK)" -v n="$requests" 'BEGIN {printf "%.1f", t / hz * 1e6 / n}')
  printf '  %-11s %10s req/s   p50 %-9s p99 %-9s CPU %6s us/req %s\n' "$name" "$rps" "$p50" "$p99" "$cpu" "$errors"
  runs[$name]+="$rps $(to_us "$p50") $(to_us "$p99") $cpu"$'\n'
}

# rounds NAME...: ROUNDS rounds, each running every proxy once, the order
# rotating from round to round.
rounds() {
  local order=("$@") round i
  for round in $(seq 1 "$ROUNDS"); do
    echo "round $round"
    for i in "${!order[@]}"; do
      run "${order[$(((i + round - 1) % ${#order[@]}))]}"
    done
  done
}

to_us() { # wrk latency (e.g. 1.23ms, 850.00us, 1.01s) to microseconds
  awk -v v="$1" 'BEGIN {
    n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
    if (u == "us") print n; else if (u == "ms") print n * 1000; else if (u == "s") print n * 1000000; else print n
  }'
}

# median_of: the median of the numbers on stdin, one per line; with
# FORMAT set (a printf format for median, min and max), all three.
median_of() {
  sort -g | awk -v f="${FORMAT:-}" '{v[NR] = $1} END {
    m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
    if (f == "") print m; else printf f, m, v[1], v[NR]
  }'
}

# median NAME COLUMN: the median of one column of a proxy's runs.
median() {
  printf '%s' "${runs[$1]}" | awk -v c="$2" 'NF {print $c}' | median_of
}

# minmax NAME COLUMN: "min-max" of one column of a proxy's runs.
minmax() {
  printf '%s' "${runs[$1]}" | awk -v c="$2" 'NF {print $c}' | sort -g | awk 'NR == 1 {lo = $1} {hi = $1} END {print lo "-" hi}'
}

# summary_line NAME: a proxy's medians, with the ranges of requests/s,
# p99 and CPU per request.
summary_line() {
  printf '  %-11s %10.0f req/s [%s]   p50 %6.0f us   p99 %6.0f us [%s]   CPU %5.1f us/req [%s]\n' "$1" \
    "$(median "$1" 1)" "$(minmax "$1" 1)" "$(median "$1" 2)" "$(median "$1" 3)" "$(minmax "$1" 3)" \
    "$(median "$1" 4)" "$(minmax "$1" 4)"
}

# paired A B: the ratios of A's run to B's run within each round, whose
# median (and range) is steadier than the ratio of the medians when the
# machine's speed drifts from round to round.
paired() {
  paste <(printf '%s' "${runs[$1]}" | awk 'NF') <(printf '%s' "${runs[$2]}" | awk 'NF') |
    awk '{print $1 / $5, $3 / $7, $4 / $8}' >"$OUT/paired.txt"
  local rq p99 cpu
  rq=$(awk '{print $1}' "$OUT/paired.txt" | FORMAT="%.2f [%.2f-%.2f]" median_of)
  p99=$(awk '{print $2}' "$OUT/paired.txt" | FORMAT="%.2f [%.2f-%.2f]" median_of)
  cpu=$(awk '{print $3}' "$OUT/paired.txt" | FORMAT="%.2f [%.2f-%.2f]" median_of)
  echo "  within rounds: requests/s $rq   p99 $p99   CPU/request $cpu"
}

# ratio A B: the ratios of A's medians to B's, then the median ratio
# within rounds.
ratio() {
  [ -n "${runs[$1]:-}" ] && [ -n "${runs[$2]:-}" ] || return 0
  awk -v a="$1" -v b="$2" -v g="$(median "$1" 1)" -v n="$(median "$2" 1)" -v g5="$(median "$1" 2)" -v n5="$(median "$2" 2)" \
      -v gp="$(median "$1" 3)" -v np="$(median "$2" 3)" -v gc="$(median "$1" 4)" -v nc="$(median "$2" 4)" 'BEGIN {
    printf "ratio %s/%s: requests/s %.2f   p50 %.2f   p99 %.2f   CPU/request %.2f\n", a, b, g / n, g5 / n5, gp / np, gc / nc
  }'
  paired "$1" "$2"
}
