#!/usr/bin/env bash
# `make test-e2e`: browser journeys and accessibility checks in headless Chromium.
# Installs Debian's chromium if it is missing (as root; Playwright's own browser download is not used),
# then runs pytest -m e2e tests/e2e. The journeys start their own server and database (tests/e2e/conftest.py).
# Artefacts: test-results/playwright/ (screenshots of failures), test-results/axe/, test-results/e2e/.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
CHROMIUM_PATH=${CHROMIUM_PATH:-/usr/bin/chromium}
if [ ! -x "$CHROMIUM_PATH" ]; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "e2e: $CHROMIUM_PATH is missing; install Debian's chromium (apt-get install chromium) as root" >&2
        exit 1
    fi
    echo "e2e: installing chromium (apt-get)"
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium fonts-liberation
fi
export CHROMIUM_PATH DJANGO_ALLOW_ASYNC_UNSAFE=true
rc=0
.venv/bin/pytest -m e2e tests/e2e -rs -p no:cacheprovider --screenshot=only-on-failure --full-page-screenshot \
    --output=test-results/playwright "$@" || rc=$?
if [ -f test-results/axe/summary.json ]; then
    python3 - <<'PY'
import json

summary = json.load(open("test-results/axe/summary.json"))
print(f"axe: {summary['pages']} pages checked, {summary['pages_with_blocking']} with serious or critical violations")
PY
fi
exit $rc
