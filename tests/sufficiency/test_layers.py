"""The layers are checked: `lint-imports` (in `make lint`) passes on the tree and fails on an upward import,
a sideways import between surfaces, or Django in a pure module (shown on a copy of the tree with one
offending module added)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
PACKAGES = ("sufficiency", "placements", "forecasting")


def _lint_imports(cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo"], cwd=cwd, capture_output=True, text=True, check=False
    )


def test_the_tree_keeps_every_import_contract():
    result = _lint_imports(ROOT)
    assert result.returncode == 0, result.stdout
    assert "0 broken" in result.stdout


@pytest.fixture(scope="module")
def broken_tree(tmp_path_factory: pytest.TempPathFactory) -> str:
    """lint-imports' report on a copy of the tree (Python files only) with three offending modules."""
    tree = tmp_path_factory.mktemp("tree")
    shutil.copy(ROOT / "pyproject.toml", tree / "pyproject.toml")
    for package in PACKAGES:
        shutil.copytree(
            ROOT / package,
            tree / package,
            ignore=lambda folder, names: [
                n for n in names if not n.endswith(".py") and not (Path(folder) / n).is_dir()
            ],
        )
    (tree / "placements" / "upward.py").write_text("from sufficiency.dashboards import selectors\n")
    (tree / "sufficiency" / "dashboards" / "sideways.py").write_text(
        "from sufficiency.reports import models\n"
    )
    (tree / "forecasting" / "engine" / "framework.py").write_text("from django.db import models\n")
    result = _lint_imports(tree)
    assert result.returncode == 1
    return result.stdout


def test_an_upward_import_breaks_the_layers(broken_tree):
    assert "placements is not allowed to import sufficiency.dashboards" in broken_tree
    assert "placements.upward -> sufficiency.dashboards.selectors" in broken_tree


def test_dashboards_may_not_import_reports(broken_tree):
    assert "sufficiency.dashboards is not allowed to import sufficiency.reports" in broken_tree
    assert "sufficiency.dashboards.sideways -> sufficiency.reports.models" in broken_tree


def test_the_engine_may_not_import_django(broken_tree):
    assert "forecasting.engine is not allowed to import django" in broken_tree
    assert "forecasting.engine.framework -> django (l.1)" in broken_tree
