"""`make lint` runs mypy with the project's configuration: it must fail on a type error (and pass on the
same code corrected), with the Django plugin loaded."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

BAD = """
from placements.models import Child


def first_reference(children: list[Child]) -> int:
    return children[0].child_ref  # a str, not an int
"""


def _mypy(tmp_path: Path, source: str) -> subprocess.CompletedProcess[str]:
    snippet = tmp_path / "snippet.py"
    snippet.write_text(source)
    return subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, "-m", "mypy", "--config-file", str(ROOT / "pyproject.toml"),
         "--cache-dir", str(tmp_path / "cache"), str(snippet)],
        cwd=ROOT, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip


def test_mypy_fails_on_a_type_error_and_passes_when_corrected(tmp_path):
    failed = _mypy(tmp_path, BAD)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert 'Incompatible return value type (got "str", expected "int")  [return-value]' in failed.stdout
    passed = _mypy(tmp_path, BAD.replace("-> int:", "-> str:"))
    assert passed.returncode == 0, passed.stdout + passed.stderr
