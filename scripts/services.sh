#!/usr/bin/env bash
# Local services for tests and development: PostgreSQL, Redis and an OpenSearch
# node (plus the Elasticsearch-compatibility proxy in front of it).
#
#   scripts/services.sh start    install what is missing (as root), start what is not running
#   scripts/services.sh stop     stop what this script started
#   scripts/services.sh status   one line per service
#   scripts/services.sh env      the environment variables that point at them
#
# Idempotent: a service that already answers on its port is reused. Data lives
# under var/services/ in this checkout, never in the system cluster.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
svc=${SERVICES_DIR:-$root/var/services}
PG_PORT=${PG_PORT:-55432}
REDIS_PORT=${REDIS_PORT:-56379}
# The node runner only takes HTTP ports from 9200 to 9299.
SEARCH_PORT=${SEARCH_PORT:-9250}
ES_PROXY_PORT=${ES_PROXY_PORT:-9251}
SEARCH_HEAP=${SEARCH_HEAP:-1g}

log() { printf '[services] %s\n' "$*" >&2; }

pg_bin() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$dir" ] && echo "$dir"
}

need_install=()
ensure_packages() {
  [ -n "$(pg_bin)" ] || need_install+=(postgresql)
  command -v redis-server >/dev/null || need_install+=(redis-server)
  command -v chromium >/dev/null || need_install+=(chromium)
  [ -d /usr/share/fonts/opentype/noto ] || need_install+=(fonts-noto-cjk)
  command -v java >/dev/null || need_install+=(default-jre-headless)
  command -v mvn >/dev/null || need_install+=(maven)
  command -v curl >/dev/null || need_install+=(curl)
  command -v msgfmt >/dev/null || need_install+=(gettext)
  if [ ${#need_install[@]} -gt 0 ]; then
    if [ "$(id -u)" -ne 0 ]; then
      log "missing packages: ${need_install[*]}; install them (sudo apt-get install ${need_install[*]}) and run again"
      exit 1
    fi
    log "installing ${need_install[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_install[@]}" >/dev/null
  fi
}

as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start_postgres() {
  local bin data=$svc/postgres
  bin=$(pg_bin)
  if as_postgres "$bin/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" 2>/dev/null; then
    log "postgres already answers on $PG_PORT"; return
  fi
  mkdir -p "$svc"
  if [ ! -s "$data/PG_VERSION" ]; then
    mkdir -p "$data"
    [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$data"
    chmod 700 "$data"
    # A throwaway cluster on loopback for tests: trust auth, no password to leak.
    as_postgres "$bin/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  [ "$(id -u)" -eq 0 ] && chown -R postgres:postgres "$data"
  as_postgres "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w -t 60 \
    -o "-p $PG_PORT -k $data -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
    start >/dev/null
  log "postgres started on $PG_PORT"
}

start_redis() {
  if redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; then
    log "redis already answers on $REDIS_PORT"; return
  fi
  mkdir -p "$svc/redis"
  redis-server --daemonize yes --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$svc/redis" \
    --pidfile "$svc/redis/redis.pid" --logfile "$svc/redis/redis.log" --save "" --appendonly no
  for _ in $(seq 1 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
  log "redis started on $REDIS_PORT"
}

start_search() {
  PORT=$SEARCH_PORT HEAP=$SEARCH_HEAP "$root/scripts/search-node/start.sh" "$svc/search-node" >&2
  if ! curl -fsS "http://127.0.0.1:$ES_PROXY_PORT/" >/dev/null 2>&1; then
    nohup python3 "$root/scripts/search-node/es-compat-proxy.py" "$ES_PROXY_PORT" \
      "http://127.0.0.1:$SEARCH_PORT" >"$svc/es-proxy.log" 2>&1 &
    echo $! >"$svc/es-proxy.pid"
    for _ in $(seq 1 50); do curl -fsS "http://127.0.0.1:$ES_PROXY_PORT/" >/dev/null 2>&1 && break; sleep 0.1; done
    log "elasticsearch-compatibility proxy on $ES_PROXY_PORT"
  fi
}

stop_all() {
  local bin
  bin=$(pg_bin || true)
  if [ -n "$bin" ] && [ -s "$svc/postgres/postmaster.pid" ]; then
    as_postgres "$bin/pg_ctl" -D "$svc/postgres" -m fast stop >/dev/null 2>&1 || true
  fi
  redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
  for pidfile in "$svc/search-node/node.pid" "$svc/es-proxy.pid"; do
    [ -s "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null || true
    rm -f "$pidfile"
  done
  log "stopped"
}

print_env() {
  cat <<EOF
export DATABASE_URL=postgres://postgres@127.0.0.1:$PG_PORT/complaints
export REDIS_URL=redis://127.0.0.1:$REDIS_PORT/0
export SEARCH_ENGINE=opensearch
export SEARCH_URL=http://127.0.0.1:$SEARCH_PORT
export ELASTICSEARCH_COMPAT_URL=http://127.0.0.1:$ES_PROXY_PORT
EOF
}

status() {
  local bin
  bin=$(pg_bin || true)
  if [ -n "$bin" ] && "$bin/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" 2>/dev/null; then echo "postgres  up   :$PG_PORT"; else echo "postgres  down :$PG_PORT"; fi
  if redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; then echo "redis     up   :$REDIS_PORT"; else echo "redis     down :$REDIS_PORT"; fi
  if curl -fsS "http://127.0.0.1:$SEARCH_PORT/" >/dev/null 2>&1; then echo "search    up   :$SEARCH_PORT"; else echo "search    down :$SEARCH_PORT"; fi
  if curl -fsS "http://127.0.0.1:$ES_PROXY_PORT/" >/dev/null 2>&1; then echo "es-proxy  up   :$ES_PROXY_PORT"; else echo "es-proxy  down :$ES_PROXY_PORT"; fi
}

case "${1:-start}" in
  start)
    ensure_packages
    # The search node takes the longest: start it while the others come up.
    start_search & search_pid=$!
    start_postgres
    start_redis
    wait "$search_pid"
    ;;
  stop) stop_all ;;
  status) status ;;
  env) print_env ;;
  *) echo "usage: $0 start|stop|status|env" >&2; exit 2 ;;
esac
