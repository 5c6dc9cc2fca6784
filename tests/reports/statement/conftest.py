"""Statement fixtures: the hand-built register (tests/reports/conftest.py) and the board report's strategy
with measures and actions, so the "what we will do" section has content."""

from tests.reports.board.conftest import strategy  # noqa: F401
