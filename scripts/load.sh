#!/usr/bin/env bash
# `make load`: a bounded load test on loopback. gunicorn (production settings, DEBUG off) on the national
# benchmark database (<db>_bench, built by benchmarks/bench_import_national.py if missing) with PostgreSQL
# and Redis from `make services`; locust headless at 20 then 50 users for LOAD_SECONDS each.
# Results: benchmarks/results/load_<users>_*.csv and a Markdown table on stdout. A benchmark, not a test.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
set -a; . var/services.env; set +a
PY=.venv/bin/python
LOAD_SECONDS=${LOAD_SECONDS:-60}
LOAD_USERS=${LOAD_USERS:-"20 50"}
LOAD_WORKERS=${LOAD_WORKERS:-3}
PORT=${LOAD_PORT:-$(python3 -c "import socket; s=socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])")}
OUT=benchmarks/results
mkdir -p "$OUT" var/load
BENCH_URL="${DATABASE_URL%/*}/$(basename "$DATABASE_URL")_bench"

episodes=$(psql "$BENCH_URL" -tAc "select count(*) from placements_placementepisode" 2>/dev/null || echo 0)
if [ "${episodes:-0}" -lt 500000 ]; then
    echo "load: building the national benchmark database (benchmarks/bench_import_national.py)"
    $PY benchmarks/bench_import_national.py
fi

export DATABASE_URL="$BENCH_URL" DJANGO_SETTINGS_MODULE=benchmarks.load.settings \
    DJANGO_SECRET_KEY="$($PY -c 'import secrets; print(secrets.token_urlsafe(64))')" DJANGO_SECURE_SSL_REDIRECT=false \
    DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost API_THROTTLE_RATE_CLIENT=1000000/hour \
    API_THROTTLE_RATE_USER=1000000/hour LOG_LEVEL=WARNING PYTHONPATH=.
$PY manage.py migrate --noinput -v0
$PY manage.py collectstatic --noinput -v0
$PY benchmarks/load/prepare.py > var/load/plan.json
export LOAD_PLAN=var/load/plan.json

.venv/bin/gunicorn --bind "127.0.0.1:$PORT" --workers "$LOAD_WORKERS" --threads 2 --timeout 60 \
    --access-logfile /dev/null --error-logfile var/load/gunicorn.log sufficiency.wsgi:application &
GUNICORN=$!
trap 'kill $GUNICORN 2>/dev/null || true; wait $GUNICORN 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$PORT/healthz/" >/dev/null && break; sleep 0.2; done
# Make sure it is our gunicorn that answers (another server may hold a port we asked for).
kill -0 "$GUNICORN" 2>/dev/null || { echo "load: gunicorn did not start (see var/load/gunicorn.log)" >&2; exit 1; }

for users in $LOAD_USERS; do
    echo "load: $users users for ${LOAD_SECONDS}s"
    .venv/bin/locust -f benchmarks/load/locustfile.py --headless --host "http://127.0.0.1:$PORT" \
        -u "$users" -r 10 -t "${LOAD_SECONDS}s" --stop-timeout 10 --csv "$OUT/load_$users" \
        --only-summary --loglevel WARNING || true
done
$PY benchmarks/load/report.py "$OUT" | tee "$OUT/load.md"
