"""The CI and service scripts run under `set -o pipefail`. A pipe into a reader that stops early
(`head`, `grep -q`, `grep -m`) can kill the writer with SIGPIPE, and pipefail then fails the whole
command with 141 at random: CI once failed that way in its first second. The scripts avoid such pipes."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = sorted([ROOT / ".ci" / "run", *(ROOT / "scripts").glob("*.sh")])
EARLY_EXIT_READER = re.compile(r"\|\s*(head\b|grep\s+(-\w*[qm]\w*|--quiet|--max-count))")


def test_the_scripts_are_found():
    assert ROOT / ".ci" / "run" in SCRIPTS
    assert len(SCRIPTS) >= 3


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_pipe_into_a_reader_that_exits_early(script):
    text = script.read_text()
    if "pipefail" not in text:
        pytest.skip("not run under pipefail")
    offending = [
        f"{script.name}:{number}: {line.strip()}"
        for number, line in enumerate(text.splitlines(), 1)
        if not line.lstrip().startswith("#") and EARLY_EXIT_READER.search(line)
    ]
    assert offending == []


def test_the_pattern_catches_the_pipe_that_failed_ci():
    assert EARLY_EXIT_READER.search("    make --version | head -1")
    assert EARLY_EXIT_READER.search('x | grep -q "install ok installed"')
    assert not EARLY_EXIT_READER.search('make test-integration 2>&1 | tee "$log"')
