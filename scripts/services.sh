#!/usr/bin/env bash
# Local services for tests and development: PostgreSQL, Redis and an OpenSearch
# node (plus the Elasticsearch-compatibility proxy in front of it).
#
#   scripts/services.sh start    install what is missing (as root), start what is not running
#   scripts/services.sh stop     stop what this script started
#   scripts/services.sh status   one line per service
#   scripts/services.sh env      the environment variables that point at them
#   scripts/services.sh datadir  where PostgreSQL keeps its data for this checkout
#
# Idempotent: a service that already answers on its port is reused. Data lives
# under var/services/ in this checkout (or SERVICES_DIR), never in the system
# cluster. PostgreSQL runs as the postgres user when started by root; if that
# user cannot reach the checkout (a clone under a private home directory), its
# data goes to /var/tmp/complaints-services/<hash of the checkout>/ instead.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
svc=${SERVICES_DIR:-$root/var/services}
# Outside the checkout, somewhere every user can traverse; one directory per
# checkout so that two clones never share a cluster.
fallback_base=/var/tmp/complaints-services
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
  # From /, as the caller's working directory may be one postgres cannot enter.
  if [ "$(id -u)" -eq 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

# Whether the user PostgreSQL runs as can use DIR. What does not exist yet is
# created by us, so the nearest existing ancestor decides: root can create
# anything but the postgres user must traverse it; anyone else must be able
# to create the missing part themselves.
pg_can_use() {
  local dir=$1
  while [ ! -e "$dir" ]; do dir=$(dirname "$dir"); done
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- test -x "$dir" 2>/dev/null
  else
    [ -x "$dir" ] && { [ "$dir" = "$1" ] || [ -w "$dir" ]; }
  fi
}

checkout_key() {
  # The physical path, so that a checkout reached through a symlink keeps its cluster.
  (cd "$root" && pwd -P) | tr -d '\n' | sha256sum | cut -c1-16
}

# Prints the PostgreSQL data directory; start, stop, status and env all ask
# here so they agree. Fails with a message when there is no usable place.
pg_data_dir() {
  local data=$svc/postgres
  if pg_can_use "$data"; then echo "$data"; return; fi
  if [ "$(id -u)" -eq 0 ] && [ -z "${SERVICES_DIR:-}" ]; then
    echo "$fallback_base/$(checkout_key)/postgres"; return
  fi
  if [ "$(id -u)" -eq 0 ]; then
    log "the postgres user cannot reach $data (a parent directory is private); set SERVICES_DIR to a directory it can traverse, e.g. SERVICES_DIR=$fallback_base/$(basename "$root")"
  else
    log "cannot create $data; set SERVICES_DIR to a directory you can write, e.g. SERVICES_DIR=\$HOME/.cache/complaints-services"
  fi
  return 1
}

# /var/tmp is writable by everyone: refuse a directory there that root does
# not own, or that others may write, so nobody can slip a symlink under it.
ensure_private_root_dir() {
  local dir=$1
  [ -d "$dir" ] || install -d -m 755 -o root -g root "$dir"
  if [ -L "$dir" ] || [ "$(stat -c %u "$dir")" != 0 ] || [ $(( 0$(stat -c %a "$dir") & 022 )) -ne 0 ]; then
    log "$dir must be a directory owned by root and writable only by root; remove it and run again"
    exit 1
  fi
}

# Only for the directory outside the checkout: make its parents and say why.
prepare_pg_fallback() {
  [ "$pgdata" != "$svc/postgres" ] || return 0
  log "the postgres user cannot reach $svc; its data goes to $pgdata"
  ensure_private_root_dir "$fallback_base"
  ensure_private_root_dir "$(dirname "$pgdata")"
  # Says which checkout a directory there belongs to, for whoever cleans up.
  echo "$root" >"$(dirname "$pgdata")/checkout"
}

start_postgres() {
  local bin data=$pgdata
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
  log "postgres started on $PG_PORT, data in $data"
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
  local bin data
  bin=$(pg_bin || true)
  data=$(pg_data_dir 2>/dev/null || true)
  if [ -n "$bin" ] && [ -n "$data" ] && [ -s "$data/postmaster.pid" ]; then
    as_postgres "$bin/pg_ctl" -D "$data" -m fast stop >/dev/null 2>&1 || true
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
  # The URLs stay usable for services started elsewhere even when this
  # checkout has no place for a cluster of its own (pg_data_dir said why).
  local data
  if data=$(pg_data_dir); then printf 'export PGDATA=%q\n' "$data"; fi
}

status() {
  local bin
  bin=$(pg_bin || true)
  local data state="down"
  data=$(pg_data_dir 2>/dev/null || echo "(no usable data directory)")
  if [ -n "$bin" ] && "$bin/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" 2>/dev/null; then state="up  "; fi
  echo "postgres  $state :$PG_PORT  $data"
  if redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; then echo "redis     up   :$REDIS_PORT"; else echo "redis     down :$REDIS_PORT"; fi
  if curl -fsS "http://127.0.0.1:$SEARCH_PORT/" >/dev/null 2>&1; then echo "search    up   :$SEARCH_PORT"; else echo "search    down :$SEARCH_PORT"; fi
  if curl -fsS "http://127.0.0.1:$ES_PROXY_PORT/" >/dev/null 2>&1; then echo "es-proxy  up   :$ES_PROXY_PORT"; else echo "es-proxy  down :$ES_PROXY_PORT"; fi
}

case "${1:-start}" in
  start)
    ensure_packages
    # Decided before anything starts, so a checkout with no usable place
    # fails here instead of leaving a search node behind.
    pgdata=$(pg_data_dir)
    prepare_pg_fallback
    # The search node takes the longest: start it while the others come up.
    start_search & search_pid=$!
    start_postgres
    start_redis
    wait "$search_pid"
    ;;
  stop) stop_all ;;
  status) status ;;
  env) print_env ;;
  datadir) pg_data_dir ;;
  *) echo "usage: $0 start|stop|status|env|datadir" >&2; exit 2 ;;
esac
