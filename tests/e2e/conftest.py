"""Browser journeys: a real server, the synthetic demo region, Debian's Chromium, axe-core.

`make test-e2e` runs `pytest -m e2e tests/e2e`. Once per session this harness
  * builds a SQLite database in a temporary folder (migrate + `load_demo` for Walsall and Sandwell, ~25 s)
    and adds the journeys' own people (`E2E_USERS`);
  * starts gunicorn on a free loopback port with `tests.e2e.settings` (DEBUG off, eager Celery, WhiteNoise);
  * drives Debian's `/usr/bin/chromium` through Playwright (`executable_path`: the Playwright browser
    download does not work here). pytest-playwright's `page` fixture gives each test a fresh context.
Failures leave a full-page screenshot under test-results/playwright/ (CI artefacts; pytest-playwright
empties that folder when a run starts), axe results go to test-results/axe/ and the server's log to
test-results/e2e/server.log.

Adding a journey (dashboards, placement finding, board reports): write `tests/e2e/test_<feature>.py`,
mark it `pytestmark = pytest.mark.e2e`, sign in with `sign_in(page, "<role email>")`, call
`url_or_skip("app:name", code=...)` for pages that may not exist yet, and `a11y(page, "<page name>")` on
every page the journey reaches. Keyboard journeys use `keyboard`: `keyboard.tab_to(page, ...)`.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

E2E_DIR = Path(__file__).resolve().parent
REPO_ROOT = E2E_DIR.parent.parent
RESULTS = Path(os.environ.get("E2E_RESULTS", REPO_ROOT / "test-results"))
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
SERVER_START_TIMEOUT_S = 60.0

DEMO_PASSWORD = "sufficiency-demo-2026"
DEMO_DOMAIN = "demo.sufficiency.invalid"
WALSALL, SANDWELL, WOLVERHAMPTON = "335", "333", "336"

# People the journeys need besides the demo's own (synthetic, in a reserved domain). The data manager
# imports for Wolverhampton, which the demo leaves empty, so replacing its register disturbs no other
# journey; the administrator enrols two-factor authentication without locking out the demo's.
E2E_USERS: dict[str, list[tuple[str, str]]] = {
    f"e2e.data.manager@{DEMO_DOMAIN}": [(WOLVERHAMPTON, "data_manager")],
    f"e2e.administrator@{DEMO_DOMAIN}": [(WOLVERHAMPTON, "administrator")],
}

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE_BLOCKING = {"serious", "critical"}


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Everything under tests/e2e is an e2e test, marked or not, so `make test` never starts a browser."""
    for item in items:
        if E2E_DIR in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.e2e)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class E2EServer:
    """The running app: its URL, environment (for manage.py) and database file (read-only checks)."""

    url: str
    env: dict[str, str]
    db_path: Path
    log_path: Path
    process: subprocess.Popen | None = None

    def manage(self, *args: str, timeout: float = 300) -> str:
        result = subprocess.run(  # noqa: S603 - our own interpreter and manage.py
            [sys.executable, "manage.py", *args],
            cwd=REPO_ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if result.returncode != 0:
            pytest.fail(
                f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}", pytrace=False
            )
        return result.stdout

    def query(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        """Read the server's database directly (read-only), for checks a person cannot see on a page."""
        connection = sqlite3.connect(f"file:{self.db_path}?mode=ro", uri=True, timeout=30)
        try:
            return connection.execute(sql, params).fetchall()
        finally:
            connection.close()

    def scalar(self, sql: str, params: tuple[Any, ...] = ()) -> Any:
        return self.query(sql, params)[0][0]


_CREATE_USERS = """
from sufficiency.accounts.services import user_create_or_update
from sufficiency.authorities.models import LocalAuthority
users = {users!r}
for email, roles in users.items():
    user_create_or_update(
        email=email, password={password!r},
        roles=[(LocalAuthority.objects.get(dfe_code=code), role) for code, role in roles],
        is_staff=any(role == "administrator" for _, role in roles),
    )
"""


@pytest.fixture(scope="session")
def e2e_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[E2EServer]:
    """Database with the demo (Walsall and Sandwell) and the journeys' users, served by gunicorn."""
    folder = tmp_path_factory.mktemp("e2e")
    (RESULTS / "e2e").mkdir(parents=True, exist_ok=True)
    db_path = folder / "e2e.sqlite3"
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.e2e.settings",
        "DATABASE_URL": f"sqlite:///{db_path}",
        "E2E_MEDIA_ROOT": str(folder / "media"),
        "USE_CELERY_EAGER": "true",
        # The demo's forecasts: fewer simulated paths than production, the same code.
        "FORECAST_PATHS": os.environ.get("E2E_FORECAST_PATHS", "100"),
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
    }
    server = E2EServer(
        url=f"http://127.0.0.1:{port}", env=env, db_path=db_path, log_path=RESULTS / "e2e" / "server.log"
    )
    started = time.monotonic()
    server.manage("migrate", "--noinput", "-v0")
    server.manage("load_demo", "--authority", WALSALL, "--authority", SANDWELL)
    server.manage("shell", "-c", _CREATE_USERS.format(users=E2E_USERS, password=DEMO_PASSWORD))
    print(f"\ne2e: database ready in {time.monotonic() - started:.1f} s")  # noqa: T201

    command = [
        sys.executable,
        "-m",
        "gunicorn",
        f"--bind=127.0.0.1:{port}",
        "--workers=1",
        "--threads=8",
        "--timeout=120",
        "--access-logfile=-",
        "sufficiency.wsgi:application",
    ]
    server.log_path.parent.mkdir(parents=True, exist_ok=True)
    with server.log_path.open("wb") as log:
        server.process = subprocess.Popen(  # noqa: S603 - fixed command
            command, cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT_S
        while True:
            if server.process.poll() is not None:
                pytest.fail(f"gunicorn exited while starting; see {server.log_path}", pytrace=False)
            with (
                contextlib.suppress(OSError),
                urllib.request.urlopen(f"{server.url}/healthz/", timeout=2) as response,  # noqa: S310
            ):
                if response.status == 200:
                    break
            if time.monotonic() > deadline:
                pytest.fail(f"gunicorn did not answer within {SERVER_START_TIMEOUT_S:.0f} s", pytrace=False)
            time.sleep(0.2)
        yield server
    finally:
        server.process.terminate()
        try:
            server.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.process.kill()


# --- Playwright: Debian's Chromium, our server as the base URL ------------------------------------------


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `apt-get install chromium` (make test-e2e does)", pytrace=False)
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def base_url(e2e_server: E2EServer) -> str:
    return e2e_server.url


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any], base_url: str) -> dict[str, Any]:
    return {
        **browser_context_args,
        "base_url": base_url,
        "accept_downloads": True,
        "viewport": {"width": 1280, "height": 900},
        "locale": "en-GB",
        "timezone_id": "Europe/London",
    }


@pytest.fixture(autouse=True)
def _short_timeouts(request: pytest.FixtureRequest) -> None:
    """Fail within 15 s, not Playwright's 30 s, when something a person waits for never comes."""
    if "page" in request.fixturenames:
        from playwright.sync_api import expect

        request.getfixturevalue("page").set_default_timeout(15_000)
        expect.set_options(timeout=10_000)


@pytest.fixture
def sign_in() -> Callable[..., None]:
    """Sign in through the sign-in page, as a person would."""

    def _sign_in(page: Any, email: str, password: str = DEMO_PASSWORD, *, expect_home: bool = True) -> None:
        page.goto("/sign-in/")
        page.get_by_label("Email address").fill(email)
        page.get_by_label("Password", exact=True).fill(password)
        page.get_by_role("button", name="Sign in").click()
        if expect_home:
            page.get_by_role("heading", name="Your authorities").wait_for()

    return _sign_in


def _url_or_skip(name: str, **kwargs: Any) -> str:
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        pytest.skip(f"awaiting {name}: the URL name does not resolve yet")


@pytest.fixture
def url_or_skip() -> Callable[..., str]:
    """`url_or_skip("dashboards:overview", code="335")`: the path of a named URL, or skip the test.
    Journeys for features still being built turn on by themselves when their URL name resolves."""
    return _url_or_skip


# --- Accessibility: axe-core on every page reached ----------------------------------------------------


@dataclass
class AxeRecorder:
    """Runs axe-core (WCAG 2.0/2.1/2.2 A and AA rules) on a page and keeps the results as artefacts."""

    folder: Path
    pages: dict[str, dict[str, Any]] = field(default_factory=dict)

    def __call__(self, page: Any, name: str) -> list[dict[str, Any]]:
        from axe_playwright_python.sync_playwright import Axe

        page.wait_for_load_state("load")
        results = Axe().run(
            page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
        )
        violations = results.response["violations"]
        slug = "".join(c if c.isalnum() else "-" for c in name.lower()).strip("-")
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / f"{slug}.json").write_text(
            json.dumps({"page": name, "url": page.url, "violations": violations}, indent=2)
        )
        blocking = [v for v in violations if v.get("impact") in AXE_BLOCKING]
        self.pages[name] = {
            "url": page.url,
            "violations": {v["id"]: v.get("impact") for v in violations},
            "blocking": len(blocking),
        }
        assert not blocking, f"axe: serious/critical violations on {name} ({page.url}):\n" + "\n".join(
            f"  {v['impact']}: {v['id']}: {v['help']} ({len(v['nodes'])} element(s), e.g. "
            f"{v['nodes'][0]['target']})"
            for v in blocking
        )
        return violations


@pytest.fixture(scope="session")
def _axe_recorder() -> Iterator[AxeRecorder]:
    folder = RESULTS / "axe"
    folder.mkdir(parents=True, exist_ok=True)
    recorder = AxeRecorder(folder=folder)
    yield recorder
    folder.mkdir(parents=True, exist_ok=True)
    summary = {
        "tags": AXE_TAGS,
        "pages": len(recorder.pages),
        "pages_with_blocking": sum(1 for p in recorder.pages.values() if p["blocking"]),
        "results": recorder.pages,
    }
    (folder / "summary.json").write_text(json.dumps(summary, indent=2, sort_keys=True))


@pytest.fixture
def a11y(_axe_recorder: AxeRecorder) -> AxeRecorder:
    """`a11y(page, "Import form")`: fail on serious or critical axe violations; record all of them."""
    return _axe_recorder


# --- Keyboard-only navigation --------------------------------------------------------------------------

_FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const s = getComputedStyle(el);
  const r = el.getBoundingClientRect();
  const transparent = c => c === 'transparent' || /rgba\\(.*,\\s*0\\)$/.test(c);
  return {
    tag: el.tagName.toLowerCase(), type: el.getAttribute('type'), id: el.id,
    cls: el.className || '', href: el.getAttribute('href'),
    text: (el.innerText || el.value || el.getAttribute('aria-label') || '').trim().slice(0, 80),
    visible: r.width > 0 && r.height > 0,
    indicator: (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0 && !transparent(s.outlineColor))
      || s.boxShadow !== 'none' || !transparent(s.backgroundColor) && s.backgroundColor === 'rgb(255, 221, 0)',
  };
}"""


@dataclass
class Keyboard:
    """Tab through a page as a keyboard-only user: every stop must show where focus is."""

    stops: list[dict[str, Any]] = field(default_factory=list)

    def focused(self, page: Any) -> dict[str, Any] | None:
        return page.evaluate(_FOCUSED)

    def tab(self, page: Any, *, shift: bool = False) -> dict[str, Any]:
        page.keyboard.press("Shift+Tab" if shift else "Tab")
        info = self.focused(page)
        assert info is not None, f"Tab left focus nowhere on {page.url}"
        assert info["visible"], f"focus went to an invisible element on {page.url}: {info}"
        assert info["indicator"], f"no visible focus indicator on {page.url}: {info}"
        self.stops.append(info)
        return info

    def tab_to(
        self, page: Any, matches: Callable[[dict[str, Any]], bool], *, limit: int = 80
    ) -> dict[str, Any]:
        """Press Tab until the focused element satisfies `matches` (checking focus at every stop)."""
        seen = []
        for _ in range(limit):
            info = self.tab(page)
            if matches(info):
                return info
            seen.append(f"{info['tag']}:{info['text'][:30] or info['href'] or info['id']}")
        pytest.fail(f"not reached with {limit} Tab presses on {page.url}; stops: {seen}", pytrace=False)


@pytest.fixture
def keyboard() -> Keyboard:
    return Keyboard()
