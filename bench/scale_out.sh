#!/usr/bin/env bash
# Several app servers behind a load balancer on one PostgreSQL (docs/deploy.md, "Scaling out"): one gunicorn
# reached directly, the same behind HAProxy, then two gunicorns behind HAProxy, each driven by wrk with the
# benchmark's headline and detail requests. Needs the database `make bench` made, wrk and haproxy (Debian
# packages). Run by hand: bash bench/scale_out.sh [seconds per step, default 15]
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_STEP="${1:-15}"
DATABASE_URL="${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/dealgraph_bench}"
WORK="$(mktemp -d -t dealgraph-scale-XXXXXX)"
PIDS=()
cleanup() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
for tool in wrk haproxy; do command -v "$tool" >/dev/null || { echo "$tool is not installed (apt-get install $tool)" >&2; exit 1; }; done

app() {  # app PORT WORKERS: a gunicorn as make serve starts it, production settings over plain http
  env DATABASE_URL="$DATABASE_URL" CONN_MAX_AGE=60 PRODUCTION=true SECURE_SSL_REDIRECT=false ALLOWED_HOSTS=127.0.0.1 \
      SECRET_KEY="$(python3 -c 'import secrets; print(secrets.token_urlsafe(64))')" THROTTLE_ANON= THROTTLE_USER= \
      PORT="$1" WEB_CONCURRENCY="$2" .venv/bin/gunicorn --config config/gunicorn.conf.py config.wsgi \
      >"$WORK/app-$1.log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 1 60); do curl -sf -o /dev/null "http://127.0.0.1:$1/api/v1/deals/?cursor=&page_size=1" && return; sleep 0.5; done
  echo "app on $1 did not start; see $WORK/app-$1.log" >&2; exit 1
}

balancer() {  # balancer PORT BACKEND_PORT...: HAProxy, round robin, keep-alive to the backends
  {
    printf 'global\n  maxconn 512\ndefaults\n  mode http\n  timeout connect 5s\n  timeout client 60s\n  timeout server 60s\n'
    printf '  option http-keep-alive\nfrontend web\n  bind 127.0.0.1:%s\n  default_backend apps\nbackend apps\n  balance roundrobin\n' "$1"
    shift
    for port in "$@"; do printf '  server app%s 127.0.0.1:%s\n' "$port" "$port"; done
  } >"$WORK/haproxy.cfg"
  haproxy -f "$WORK/haproxy.cfg" -db >"$WORK/haproxy.log" 2>&1 &
  PIDS+=($!)
  sleep 1
}

psql "$DATABASE_URL" -Atc "SELECT '/api/v1/deals/' || id || '/' FROM deals_deal WHERE review_status = 'reviewed'
  AND id % 997 = 13 ORDER BY id LIMIT 1000" >"$WORK/detail.txt"
echo "/api/v1/deals/?recipient=serbia&kind=purchase&year_from=2021&year_to=2022" >"$WORK/headline.txt"

drive() {  # drive LABEL PORT
  for case in headline detail; do
    BENCH_PATHS="$WORK/$case.txt" wrk -t2 -c16 -d3s -s bench/wrk.lua "http://127.0.0.1:$2" >/dev/null
    BENCH_PATHS="$WORK/$case.txt" wrk -t2 -c16 -d"${SECONDS_PER_STEP}s" -s bench/wrk.lua "http://127.0.0.1:$2" \
      | sed -n 's/^BENCH_JSON //p' \
      | python3 -c "import json, sys; r = json.load(sys.stdin); print(f'$1 | $case | ' + str(round(r['requests'] / r['duration_us'] * 1e6, 1)) + ' | ' + str(round(r['p50_us'] / 1000, 1)) + ' | ' + str(round(r['p99_us'] / 1000, 1)) + ' | ' + str(r['non_2xx'] + r['socket_errors']))"
  done
}

echo "step | case | req/s | p50 ms | p99 ms | errors"
app 18101 5
drive "one app server (5 workers), direct" 18101
balancer 18100 18101
drive "one app server (5 workers) behind HAProxy" 18100
kill "${PIDS[-1]}"; unset 'PIDS[-1]'; sleep 1
app 18102 5
balancer 18100 18101 18102
drive "two app servers (5 workers each) behind HAProxy" 18100
