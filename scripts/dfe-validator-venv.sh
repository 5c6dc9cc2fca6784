#!/usr/bin/env bash
# A separate virtual environment for the DfE-aligned SSDA903 validator (PyPI `csc-validator-be-903`,
# import package `lac_validator`) and Social Finance's demand model (PyPI `cs-demand-model`, which ships
# sample SSDA903 files and counts children in care its own way), used only by benchmarks/rule_agreement.py
# to measure how far our import agrees with them. The validator pins pandas<2 and numpy<1.25, so it cannot live in
# .venv. Idempotent: does nothing when var/dfe-validator-venv already has the pinned version.
#
#   scripts/dfe-validator-venv.sh            create or check the venv; prints its python's path
#   DFE_VALIDATOR_VERSION=0.1.16 scripts/dfe-validator-venv.sh
#
# Python 3.11 (as the rest of the project). Installs from PyPI at set-up time only.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${DFE_VALIDATOR_VENV:-$ROOT/var/dfe-validator-venv}"
VERSION="${DFE_VALIDATOR_VERSION:-0.1.17}"
DEMAND_MODEL_VERSION="${DEMAND_MODEL_VERSION:-0.5.1}"
PYTHON="${PYTHON:-python3.11}"

if [[ -x "$VENV/bin/python" ]] && "$VENV/bin/python" - "$VERSION" "$DEMAND_MODEL_VERSION" <<'PY' 2>/dev/null; then
import sys
from importlib.metadata import version
import cs_demand_model_samples, lac_validator  # noqa: F401
sys.exit(0 if version("csc-validator-be-903") == sys.argv[1] and version("cs-demand-model") == sys.argv[2] else 1)
PY
    echo "$VENV/bin/python"
    exit 0
fi

mkdir -p "$(dirname "$VENV")"
"$PYTHON" -m venv "$VENV"
"$VENV/bin/python" -m pip install --quiet --upgrade pip >&2
# The validator's own pins (pandas<2, numpy<1.25) have wheels for CPython 3.11 (pandas 1.5.3,
# numpy 1.24.4), so nothing is overridden.
"$VENV/bin/python" -m pip install --quiet "csc-validator-be-903==$VERSION" >&2
# cs-demand-model's prpc-python[cli] extra conflicts with the validator's click pin; only its sample files,
# data container and population counts are used here, which need PyYAML and fs, not prpc's CLI.
"$VENV/bin/python" -m pip install --quiet --no-deps "cs-demand-model==$DEMAND_MODEL_VERSION" >&2
"$VENV/bin/python" -m pip install --quiet "PyYAML>=6,<7" "fs>=2.4.16,<3" >&2
"$VENV/bin/python" -c "import lac_validator, pandas, numpy; print('lac_validator ok: pandas', pandas.__version__, 'numpy', numpy.__version__)" >&2
echo "$VENV/bin/python"
