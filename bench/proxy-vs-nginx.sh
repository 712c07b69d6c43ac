#!/usr/bin/env bash
# Side-by-side load test: the example gateway and nginx proxy the same
# upstream on loopback with keep-alive upstream connections; wrk drives
# each in turn and the script prints requests/s, p50 and p99 for each,
# plus the CPU time each proxy spent per request (its own processes only),
# which stays meaningful on a busy machine where requests/s does not.
#
# Each proxy runs in two configurations:
#   gateway      Go's default GOMAXPROCS (every core)
#   gateway-1p   GOMAXPROCS=1
#   nginx        worker_processes auto (a worker per core)
#   nginx-1w     worker_processes 1
# and the ratios compare like with like: defaults with defaults, one core
# with one core. On a machine where wrk and the upstream share the cores
# with the proxy, one scheduler thread (or one worker) is the faster
# setting for both.
#
#   bash bench/proxy-vs-nginx.sh            # 15 s per run, 64 connections
#   DURATION=30s CONNECTIONS=128 bash bench/proxy-vs-nginx.sh
#   ONLY="gateway nginx" bash bench/proxy-vs-nginx.sh
#
# Installs nginx and wrk from Debian if missing. Sends traffic to 127.0.0.1
# only and stops everything it started on exit.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-15s}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-1}
UPSTREAM_PORT=${UPSTREAM_PORT:-19100}
BASE_PORT=${BASE_PORT:-19180}
ONLY=${ONLY:-gateway gateway-1p nginx nginx-1w}
OUT=bench/out
mkdir -p "$OUT"

need() { command -v "$1" >/dev/null 2>&1; }
if ! need nginx || ! need wrk; then
  echo "installing nginx and wrk" >&2
  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light wrk >/dev/null \
    || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx wrk >/dev/null
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

pids=()
cleanup() {
  for p in "${pids[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
  for f in "$OUT"/*.pid; do
    if [ -f "$f" ]; then kill "$(cat "$f" 2>/dev/null)" 2>/dev/null || true; fi
  done
  wait 2>/dev/null || true
}
trap cleanup EXIT

# The upstream is an nginx instance of its own.
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

# start_nginx NAME PORT WORKERS: nginx proxying the upstream.
start_nginx() {
  cat >"$OUT/$1.conf" <<NGINX
worker_processes $3;
pid $PWD/$OUT/$1.pid;
error_log $PWD/$OUT/$1-error.log warn;
daemon off;
events { worker_connections 4096; }
http {
  access_log off;
  upstream backend { server 127.0.0.1:$UPSTREAM_PORT; keepalive 128; }
  server {
    listen 127.0.0.1:$2;
    keepalive_requests 1000000;
    location / {
      proxy_pass http://backend;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
    }
  }
}
NGINX
  "$NGINX" -c "$PWD/$OUT/$1.conf" -p "$PWD/$OUT" &
  pids+=($!)
}

# start_gateway NAME PORT GOMAXPROCS: the example gateway proxying the
# upstream ("" GOMAXPROCS: Go's default).
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
    GOMAXPROCS=$3 "$OUT/gateway" --config "$OUT/$1.yaml" --log-level warn --api-addr off 2>"$OUT/$1.log" &
  else
    env -u GOMAXPROCS "$OUT/gateway" --config "$OUT/$1.yaml" --log-level warn --api-addr off 2>"$OUT/$1.log" &
  fi
  pids+=($!)
  echo $! >"$OUT/$1.pid"
}

go build -o "$OUT/gateway" ./examples/gateway
declare -A port
i=0
for name in gateway gateway-1p nginx nginx-1w; do port[$name]=$((BASE_PORT + i)); i=$((i + 1)); done
for name in $ONLY; do
  case $name in
    gateway) start_gateway gateway "${port[gateway]}" "" ;;
    gateway-1p) start_gateway gateway-1p "${port[gateway-1p]}" 1 ;;
    nginx) start_nginx nginx "${port[nginx]}" auto ;;
    nginx-1w) start_nginx nginx-1w "${port[nginx-1w]}" 1 ;;
    *) echo "unknown proxy $name (gateway, gateway-1p, nginx, nginx-1w)" >&2; exit 2 ;;
  esac
done

wait_for() {
  for _ in $(seq 1 100); do
    if curl -fs -o /dev/null "http://127.0.0.1:$1/" 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  echo "nothing answers on port $1" >&2; cat "$OUT"/gateway*.log >&2; exit 1
}
wait_for "$UPSTREAM_PORT"
for name in $ONLY; do wait_for "${port[$name]}"; done

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

declare -A rps p50 p99 cpu
run() { # name
  local name=$1 p=${port[$1]} pids_of
  mapfile -t pids_of < <(proxy_pids "$name")
  wrk -t"$THREADS" -c"$CONNECTIONS" -d5s "http://127.0.0.1:$p/" >/dev/null # warm-up
  local before after
  before=$(cpu_ticks "${pids_of[@]}")
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "http://127.0.0.1:$p/" >"$OUT/$name.wrk"
  after=$(cpu_ticks "${pids_of[@]}")
  local requests errors
  rps[$name]=$(awk '/^Requests\/sec:/ {print $2}' "$OUT/$name.wrk")
  p50[$name]=$(awk '$1=="50%" {print $2}' "$OUT/$name.wrk")
  p99[$name]=$(awk '$1=="99%" {print $2}' "$OUT/$name.wrk")
  requests=$(awk '/requests in/ {print $1}' "$OUT/$name.wrk")
  errors=$(awk '/Non-2xx|Socket errors/ {print}' "$OUT/$name.wrk")
  cpu[$name]=$(awk -v t=$((after - before)) -v hz="$(getconf CLK_TCK)" -v n="$requests" 'BEGIN {printf "%.1f", t / hz * 1e6 / n}')
  printf '%-11s %12s req/s   p50 %-9s p99 %-9s CPU %6s us/req %s\n' "$name" "${rps[$name]}" "${p50[$name]}" "${p99[$name]}" "${cpu[$name]}" "$errors"
}

to_us() { # wrk latency (e.g. 1.23ms, 850.00us, 1.01s) to microseconds
  awk -v v="$1" 'BEGIN {
    n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
    if (u == "us") print n; else if (u == "ms") print n * 1000; else if (u == "s") print n * 1000000; else print n
  }'
}

ratio() { # a b
  [ -n "${rps[$1]:-}" ] && [ -n "${rps[$2]:-}" ] || return 0
  awk -v a="$1" -v b="$2" -v g="${rps[$1]}" -v n="${rps[$2]}" -v gp="$(to_us "${p99[$1]}")" -v np="$(to_us "${p99[$2]}")" \
      -v g5="$(to_us "${p50[$1]}")" -v n5="$(to_us "${p50[$2]}")" -v gc="${cpu[$1]}" -v nc="${cpu[$2]}" 'BEGIN {
    printf "ratio %s/%s: requests/s %.2f   p50 %.2f   p99 %.2f   CPU/request %.2f\n", a, b, g / n, g5 / n5, gp / np, gc / nc
  }'
}

echo "wrk -t$THREADS -c$CONNECTIONS -d$DURATION, upstream keep-alive, $(nproc) cores"
for name in $ONLY; do run "$name"; done
ratio gateway nginx
ratio gateway-1p nginx-1w
ratio gateway-1p nginx
