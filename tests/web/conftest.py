"""Real-browser fixtures: Debian's Chromium driven by Playwright's sync API, and a live server.

The browser is the system one (CI installs the `chromium` package); Playwright never
downloads its own, so the tests run in the same offline conditions as a situation room.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.core.servers.basehttp import ThreadedWSGIServer
from django.test.testcases import LiveServerThread
from pytest_django.live_server_helper import LiveServer

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIApplication
    from playwright.sync_api import Browser, Page

# Playwright's sync API runs an asyncio loop in the test thread, and Django refuses ORM calls
# from a thread with a running loop. The test thread is really synchronous, so allow them.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


# Held while the live server runs a request against the shared in-memory database.
_DATABASE_TURN = threading.Lock()


def _app_in_turns(app: WSGIApplication, environ: dict, start_response: Callable) -> list[bytes]:
    with _DATABASE_TURN:
        response = app(environ, start_response)
        try:
            # Read the body inside the turn: a lazy body may still query the database.
            return list(response)
        finally:
            if hasattr(response, "close"):
                response.close()


class TurnTakingWSGIServer(ThreadedWSGIServer):
    """Reads each connection in its own thread but runs Django for one request at a time."""

    def set_app(self, application: WSGIApplication) -> None:
        super().set_app(partial(_app_in_turns, application))


class InMemorySafeLiveServerThread(LiveServerThread):
    """A live server whose requests take turns when the test database is in memory.

    An in-memory SQLite test database is a single connection, which Django hands to every
    request thread of the live server. The events page fires several API calls at once, and
    concurrent use of one sqlite3 connection from several threads can deadlock, so requests
    then take turns. Sockets are still read by their own threads, so an idle browser
    connection never blocks the server. With a file or PostgreSQL database nothing is shared
    and requests run concurrently, as in production.
    """

    def _create_server(self, connections_override: dict | None = None) -> ThreadedWSGIServer:
        if connections_override:
            self.server_class = TurnTakingWSGIServer
        return super()._create_server(connections_override=connections_override)


@pytest.fixture(scope="session")
def live_server(request: pytest.FixtureRequest, django_db_setup: None) -> Iterator[LiveServer]:
    """pytest-django's live server, made safe for the in-memory SQLite test database.

    It starts after the test database exists (`django_db_setup`), so that it shares the
    in-memory database's one connection instead of opening its own per request.
    """
    address = (
        request.config.getvalue("liveserver")
        or os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS")
        or "localhost"
    )
    server = LiveServer(address, start=False)
    threaded = server.thread
    server.thread = InMemorySafeLiveServerThread(
        threaded.host,
        static_handler=threaded.static_handler,
        connections_override=threaded.connections_override,
        port=threaded.port,
    )
    server.thread.daemon = True
    server.start()
    yield server
    server.stop()


def chromium_path() -> str | None:
    """The system Chromium, or None when it is not installed."""
    found = shutil.which("chromium")
    if found:
        return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless Chromium for the whole session; each test gets its own context."""
    executable = chromium_path()
    if executable is None:
        pytest.fail(
            "Chromium not found. The browser tests use the system Chromium, never a downloaded "
            "one: install it with `apt-get install chromium` (CI does)."
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


# Collects Content-Security-Policy violations from the first script on, before the page's own.
RECORD_CSP_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh English page. Uncaught JavaScript errors and CSP violations fail the test."""
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    context.add_init_script(RECORD_CSP_VIOLATIONS)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    violations = page.evaluate("window.cspViolations || []") if not page.is_closed() else []
    context.close()
    # A request the closed page left running must finish before the database is flushed.
    with _DATABASE_TURN:
        pass
    assert not errors, f"JavaScript errors on the page: {errors}"
    assert not violations, f"Content-Security-Policy violations: {violations}"
