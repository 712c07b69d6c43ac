#!/usr/bin/env bash
# Side-by-side load test: the example gateway and nginx proxy the same
# upstream on loopback with keep-alive upstream connections; wrk drives
# each in turn and the script prints requests/s, p50 and p99 for both and
# the gateway/nginx ratios, plus the CPU time each proxy spent per request
# (its own processes only), which stays meaningful on a busy machine where
# requests/s does not.
#
#   bash bench/proxy-vs-nginx.sh            # 15 s per run, 64 connections
#   DURATION=30s CONNECTIONS=128 bash bench/proxy-vs-nginx.sh
#
# Installs nginx and wrk from Debian if missing. Sends traffic to 127.0.0.1
# only and stops everything it started on exit.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-15s}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-1}
UPSTREAM_PORT=${UPSTREAM_PORT:-19100}
GATEWAY_PORT=${GATEWAY_PORT:-19180}
NGINX_PORT=${NGINX_PORT:-19181}
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
  for f in "$OUT/nginx.pid" "$OUT/upstream.pid"; do
    if [ -f "$f" ]; then kill "$(cat "$f" 2>/dev/null)" 2>/dev/null || true; fi
  done
  wait 2>/dev/null || true
}
trap cleanup EXIT

# The upstream is an nginx instance of its own; a second nginx instance is
# the proxy compared with the gateway. Both proxies reach the same upstream
# over keep-alive connections.
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
cat >"$OUT/nginx.conf" <<NGINX
worker_processes auto;
pid $PWD/$OUT/nginx.pid;
error_log $PWD/$OUT/nginx-error.log warn;
daemon off;
events { worker_connections 4096; }
http {
  access_log off;
  upstream backend { server 127.0.0.1:$UPSTREAM_PORT; keepalive 128; }
  server {
    listen 127.0.0.1:$NGINX_PORT;
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
"$NGINX" -c "$PWD/$OUT/upstream.conf" -p "$PWD/$OUT" &
pids+=($!)
"$NGINX" -c "$PWD/$OUT/nginx.conf" -p "$PWD/$OUT" &
pids+=($!)

cat >"$OUT/gateway.yaml" <<YAML
kind: Node
name: bench
dataDir: $PWD/$OUT/data
---
kind: HTTPServer
name: bench-server
port: $GATEWAY_PORT
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
rm -rf "$OUT/data"
go build -o "$OUT/gateway" ./examples/gateway
"$OUT/gateway" --config "$OUT/gateway.yaml" --log-level warn --api-addr off 2>"$OUT/gateway.log" &
gateway_pid=$!
pids+=($gateway_pid)

wait_for() {
  for _ in $(seq 1 100); do
    if curl -fs -o /dev/null "http://127.0.0.1:$1/" 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  echo "nothing answers on port $1" >&2; cat "$OUT/gateway.log" >&2; exit 1
}
wait_for "$UPSTREAM_PORT"; wait_for "$NGINX_PORT"; wait_for "$GATEWAY_PORT"

# cpu_ticks PID...: user+system clock ticks used so far by the processes
# and their threads.
cpu_ticks() {
  local total=0 pid
  for pid in "$@"; do
    total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat")))
  done
  echo "$total"
}

run() { # name port pid...
  local name=$1 port=$2; shift 2
  wrk -t"$THREADS" -c"$CONNECTIONS" -d5s "http://127.0.0.1:$port/" >/dev/null # warm-up
  local before after
  before=$(cpu_ticks "$@")
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "http://127.0.0.1:$port/" >"$OUT/$name.wrk"
  after=$(cpu_ticks "$@")
  local rps p50 p99 errors requests cpu_us
  rps=$(awk '/^Requests\/sec:/ {print $2}' "$OUT/$name.wrk")
  p50=$(awk '$1=="50%" {print $2}' "$OUT/$name.wrk")
  p99=$(awk '$1=="99%" {print $2}' "$OUT/$name.wrk")
  requests=$(awk '/requests in/ {print $1}' "$OUT/$name.wrk")
  errors=$(awk '/Non-2xx|Socket errors/ {print}' "$OUT/$name.wrk")
  cpu_us=$(awk -v t=$((after - before)) -v hz="$(getconf CLK_TCK)" -v n="$requests" 'BEGIN {printf "%.1f", t / hz * 1e6 / n}')
  printf '%-8s %12s req/s   p50 %-9s p99 %-9s CPU %6s us/req %s\n' "$name" "$rps" "$p50" "$p99" "$cpu_us" "$errors"
  eval "${name}_rps=$rps; ${name}_p50=$p50; ${name}_p99=$p99; ${name}_cpu=$cpu_us"
}

to_us() { # wrk latency (e.g. 1.23ms, 850.00us, 1.01s) to microseconds
  awk -v v="$1" 'BEGIN {
    n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
    if (u == "us") print n; else if (u == "ms") print n * 1000; else if (u == "s") print n * 1000000; else print n
  }'
}

echo "wrk -t$THREADS -c$CONNECTIONS -d$DURATION, upstream keep-alive, $(nproc) cores"
nginx_pids=("$(cat "$OUT/nginx.pid")")
mapfile -t -O 1 nginx_pids < <(pgrep -P "${nginx_pids[0]}")
run gateway "$GATEWAY_PORT" "$gateway_pid"
run nginx "$NGINX_PORT" "${nginx_pids[@]}"
awk -v g="$gateway_rps" -v n="$nginx_rps" -v gp="$(to_us "$gateway_p99")" -v np="$(to_us "$nginx_p99")" \
    -v g5="$(to_us "$gateway_p50")" -v n5="$(to_us "$nginx_p50")" -v gc="$gateway_cpu" -v nc="$nginx_cpu" 'BEGIN {
  printf "ratio gateway/nginx: requests/s %.2f   p50 %.2f   p99 %.2f   CPU/request %.2f\n", g / n, g5 / n5, gp / np, gc / nc
}'
