#!/usr/bin/env bash
# Local PostgreSQL and Redis for integration tests, the Celery worker and benchmarks, without Docker.
#
#   scripts/services.sh start    install (as root, only if missing) and start both; idempotent
#   scripts/services.sh stop     stop both, by the PIDs they recorded
#   scripts/services.sh status   say what is running; exit 0 only if both are up
#
# Both listen on 127.0.0.1 only and keep their data in var/services/ (git-ignored). `start` writes
# var/services.env with DATABASE_URL and REDIS_URL; `set -a; . var/services.env` loads it.
# Ports can be changed with PG_PORT and REDIS_PORT. Nothing here is for production.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VAR="$ROOT/var"
S="$VAR/services"
PG_DIR="$S/pg"
REDIS_DIR="$S/redis"
REDIS_PID="$REDIS_DIR/redis.pid"
ENV_FILE="$VAR/services.env"
PG_PORT="${PG_PORT:-5433}"
REDIS_PORT="${REDIS_PORT:-6380}"
DB_USER=app
DB_PASSWORD=app
DB_NAME=app

PG_DATA="$PG_DIR/data"

log() { printf 'services: %s\n' "$*"; }
die() { printf 'services: error: %s\n' "$*" >&2; exit 1; }

is_root() { [ "$(id -u)" -eq 0 ]; }

# The cluster lives in var/services/pg unless the postgres user cannot reach this checkout (a clone
# under /root, mode 700): then in a directory of its own under /var/tmp, named after the checkout.
resolve_pg_dir() {
    if is_root && id postgres >/dev/null 2>&1 \
        && ! su postgres -s /bin/sh -c "test -x '$ROOT'" 2>/dev/null; then
        PG_DIR="/var/tmp/sufficiency-pg-$(printf '%s' "$ROOT" | md5sum | cut -c1-12)"
        PG_DATA="$PG_DIR/data"
    fi
}

pg_bin() {
    local bin
    bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
    [ -n "$bin" ] && [ -x "$bin/initdb" ] && printf '%s\n' "$bin"
}

# Run a PostgreSQL server command as the cluster owner: initdb refuses to run as root.
as_pg_owner() {
    if is_root; then
        # From /, as the checkout itself may be unreadable to postgres.
        (cd / && su postgres -s /bin/bash -c "$*")
    else
        bash -c "$*"
    fi
}

install_missing() {
    local missing=()
    pg_bin >/dev/null || missing+=(postgresql)
    command -v redis-server >/dev/null || missing+=(redis-server)
    [ ${#missing[@]} -eq 0 ] && return 0
    is_root || die "missing ${missing[*]}: run 'make services' as root, or install them yourself"
    log "installing ${missing[*]} (apt-get)"
    # Debian images ship without package lists: update once, then install.
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
}

pg_running() {
    local bin
    bin=$(pg_bin) || return 1
    [ -f "$PG_DATA/PG_VERSION" ] && as_pg_owner "'$bin/pg_ctl' -D '$PG_DATA' status" >/dev/null 2>&1
}

redis_running() {
    [ -f "$REDIS_PID" ] && kill -0 "$(cat "$REDIS_PID")" 2>/dev/null
}

psql_admin() {
    psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres "$@"
}

start_pg() {
    local bin
    bin=$(pg_bin) || die "PostgreSQL server binaries not found under /usr/lib/postgresql"
    if is_root; then
        install -d -o postgres -m 700 "$PG_DIR"
    else
        install -d -m 700 "$PG_DIR"
    fi
    if [ ! -f "$PG_DATA/PG_VERSION" ]; then
        log "creating a PostgreSQL cluster in ${PG_DATA#"$ROOT"/}"
        as_pg_owner "'$bin/initdb' -D '$PG_DATA' -U postgres -A trust -E UTF8 --locale=C.UTF-8" >/dev/null
    fi
    if pg_running; then
        log "PostgreSQL already running on 127.0.0.1:$PG_PORT"
    else
        log "starting PostgreSQL on 127.0.0.1:$PG_PORT"
        as_pg_owner "'$bin/pg_ctl' -D '$PG_DATA' -l '$PG_DIR/log' -w -t 60 \
            -o '-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PG_DIR' start" >/dev/null \
            || { tail -n 20 "$PG_DIR/log" >&2 || true; die "PostgreSQL did not start"; }
    fi
    # The application role may create databases: pytest-django creates test_app and drops it after.
    if [ "$(psql_admin -tAc "select 1 from pg_roles where rolname = '$DB_USER'")" != 1 ]; then
        psql_admin -c "create role $DB_USER login password '$DB_PASSWORD' createdb"
    fi
    if [ "$(psql_admin -tAc "select 1 from pg_database where datname = '$DB_NAME'")" != 1 ]; then
        psql_admin -c "create database $DB_NAME owner $DB_USER"
    fi
}

start_redis() {
    install -d -m 755 "$REDIS_DIR"
    if redis_running; then
        log "Redis already running on 127.0.0.1:$REDIS_PORT"
        return 0
    fi
    log "starting Redis on 127.0.0.1:$REDIS_PORT"
    redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --dir "$REDIS_DIR" --daemonize yes \
        --pidfile "$REDIS_PID" --logfile "$REDIS_DIR/redis.log" --save "" --appendonly no
    local i
    for i in $(seq 1 50); do
        if [ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null || true)" = PONG ]; then
            return 0
        fi
        sleep 0.1
    done
    tail -n 20 "$REDIS_DIR/redis.log" >&2 || true
    die "Redis did not answer PING on 127.0.0.1:$REDIS_PORT"
}

write_env() {
    cat >"$ENV_FILE" <<EOF
# Written by scripts/services.sh: local PostgreSQL and Redis (127.0.0.1). Load with: set -a; . $ENV_FILE
export DATABASE_URL=postgres://$DB_USER:$DB_PASSWORD@127.0.0.1:$PG_PORT/$DB_NAME
export REDIS_URL=redis://127.0.0.1:$REDIS_PORT/0
EOF
}

start() {
    install_missing
    resolve_pg_dir
    # The postgres user must be able to reach var/services/pg: keep the chain world-traversable.
    install -d -m 755 "$VAR" "$S"
    start_pg
    start_redis
    write_env
    log "ready; environment in ${ENV_FILE#"$ROOT"/}"
    sed -n 's/^export /  /p' "$ENV_FILE"
}

stop() {
    local bin
    resolve_pg_dir
    if pg_running; then
        bin=$(pg_bin)
        log "stopping PostgreSQL"
        as_pg_owner "'$bin/pg_ctl' -D '$PG_DATA' -m fast -w stop" >/dev/null
    else
        log "PostgreSQL not running"
    fi
    if redis_running; then
        local pid
        pid=$(cat "$REDIS_PID")
        log "stopping Redis (pid $pid)"
        kill "$pid"
        for _ in $(seq 1 50); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        rm -f "$REDIS_PID"
    else
        log "Redis not running"
    fi
}

status() {
    local rc=0
    resolve_pg_dir
    if pg_running; then log "PostgreSQL running on 127.0.0.1:$PG_PORT"; else log "PostgreSQL stopped"; rc=1; fi
    if redis_running; then log "Redis running on 127.0.0.1:$REDIS_PORT (pid $(cat "$REDIS_PID"))"; else log "Redis stopped"; rc=1; fi
    return $rc
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    status) status ;;
    *) echo "usage: $0 {start|stop|status}" >&2; exit 2 ;;
esac
