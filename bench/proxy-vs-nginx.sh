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
# The machine may be shared, and its speed drifts over minutes. So the
# proxies take turns: ROUNDS rounds, each running every proxy once (the
# order rotating from round to round), and the summary gives each
# proxy's median run, the ratios of those medians, and the median of the
# ratios within each round (a pair of runs less than a minute apart).
#
#   bash bench/proxy-vs-nginx.sh            # 3 rounds of 10 s runs, 64 connections
#   ROUNDS=5 DURATION=15s CONNECTIONS=128 bash bench/proxy-vs-nginx.sh
#   ONLY="gateway nginx" bash bench/proxy-vs-nginx.sh
#
# Installs nginx and wrk from Debian if missing. Sends traffic to 127.0.0.1
# only and stops everything it started on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
. bench/lib.sh

BASE_PORT=${BASE_PORT:-19180}
ONLY=${ONLY:-gateway gateway-1p nginx nginx-1w}

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

install_tools
start_upstream
go build -o "$OUT/gateway" ./examples/gateway
i=0
for name in gateway gateway-1p nginx nginx-1w; do port[$name]=$((BASE_PORT + i)); i=$((i + 1)); done
for name in $ONLY; do
  case $name in
    gateway) start_gateway gateway "${port[gateway]}" "" "$OUT/gateway" ;;
    gateway-1p) start_gateway gateway-1p "${port[gateway-1p]}" 1 "$OUT/gateway" ;;
    nginx) start_nginx nginx "${port[nginx]}" auto ;;
    nginx-1w) start_nginx nginx-1w "${port[nginx-1w]}" 1 ;;
    *) echo "unknown proxy $name (gateway, gateway-1p, nginx, nginx-1w)" >&2; exit 2 ;;
  esac
done
wait_for "$UPSTREAM_PORT"
for name in $ONLY; do wait_for "${port[$name]}"; done

echo "wrk -t$THREADS -c$CONNECTIONS -d$DURATION, upstream keep-alive, $(nproc) cores, $ROUNDS rounds"
read -r -a order <<<"$ONLY"
rounds "${order[@]}"
echo "medians over $ROUNDS rounds (range in brackets)"
for name in $ONLY; do summary_line "$name"; done
ratio gateway nginx
ratio gateway-1p nginx-1w
ratio gateway-1p nginx
