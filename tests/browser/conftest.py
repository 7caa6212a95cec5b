"""Browser tests: Debian's Chromium driven by playwright's sync API, on a phone-sized viewport.

The browser is never downloaded: /usr/bin/chromium comes from `apt-get install chromium`, and a missing
binary fails the run instead of skipping it (a skipped browser test would hide a broken CI machine).
"""

import io
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from playwright.sync_api import expect

from portal.campaigns.models import Campaign

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "locale": "zh-CN",
         "device_scale_factor": 2}


DEMO_PASSWORD = "Demo@2025"


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """On SQLite, the browser tests' database is a file instead of pytest-django's in-memory one.

    An in-memory test database is one connection that the live server's request threads share with the
    test (pytest-django's live_server passes it to them). Two requests at once, such as a photo chunk
    still arriving while the reloaded page asks where the upload stands, then meet on that one
    connection and SQLite answers "database table is locked" with a 500 (CI, stop 25). With a file,
    every thread has its own connection, and a writer waits for another under the settings' timeout and
    IMMEDIATE transactions, as under gunicorn. The browser tests run on their own (`make test-browser`),
    so this session-wide setting reaches them first.
    """
    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        folder = tmp_path_factory.mktemp("browser-db")
        database.setdefault("TEST", {})["NAME"] = str(folder / "test.sqlite3")


@pytest.fixture
def demo(settings):
    """The demo directory, campaign (every phase open now) and accounts; seed_demo wants DEBUG."""
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    settings.DEBUG = False
    return Campaign.objects.current()


def log_in(person, username, password=DEMO_PASSWORD):
    """Log `username` in through the login form and land on their home page."""
    page = person.page
    person.goto("/accounts/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(password)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/accounts/home/"))


def screenshot_root() -> Path:
    root = Path(os.environ.get("PORTAL_SCREENSHOT_DIR", "var/screenshots"))
    return root if root.is_absolute() else Path(settings.BASE_DIR) / root


@pytest.fixture(scope="module")
def browser():
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is missing: install Debian's Chromium with `apt-get install chromium` "
                    "(these tests never download a browser)", pytrace=False)
    from playwright.sync_api import sync_playwright

    # playwright's sync API keeps an asyncio event loop running in the test's thread while it is open.
    # Django refuses synchronous ORM calls from a thread with a running loop (SynchronousOnlyOperation),
    # which would break every database access of these tests: seeding, assertions, and pytest-django's
    # flush between tests. The tests touch the database only between browser steps, never concurrently
    # with the loop's work, so the check is switched off, for this module only (module scope: the loop
    # stops, and the check comes back, before any other test of the session runs). The live server
    # answers requests in its own thread, which has no loop, and is not affected either way.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous



@dataclass
class Phone:
    """A page on a phone viewport; `step(name)` saves a full-page screenshot of the current state."""

    page: object
    base_url: str
    folder: Path
    errors: list[str] = field(default_factory=list)
    count: int = 0

    def goto(self, path: str):
        return self.page.goto(self.base_url + path)

    def step(self, name: str) -> Path:
        self.count += 1
        path = self.folder / f"{self.count:02d}-{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture
def phone(browser, live_server, request):
    folder = screenshot_root() / re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.png"):
        old.unlink()
    context = browser.new_context(**PHONE)
    context.set_default_timeout(10_000)
    page = context.new_page()
    phone = Phone(page=page, base_url=live_server.url, folder=folder)
    # Any JavaScript error or failed request (a missing script or style sheet) fails the test. The
    # browser's own /favicon.ico probe is not a page resource: the portal has no favicon.
    page.on("pageerror", lambda error: phone.errors.append(f"pageerror: {error}"))
    page.on("response", lambda response: response.status >= 400 and not response.url.endswith("/favicon.ico")
            and phone.errors.append(f"HTTP {response.status}: {response.url}"))
    yield phone
    try:
        if page.url.startswith("http"):
            phone.step("final")
    finally:
        context.close()
    assert phone.errors == []


# --- several people in one test -----------------------------------------------------------------------

DESKTOP = {"viewport": {"width": 1280, "height": 900}, "locale": "zh-CN"}


class Cast:
    """The people of one test beside the `phone` fixture's page, each in a browser context of their own
    (own cookies, so their own session), on a phone (PHONE) or a PC (DESKTOP).

    Their JavaScript errors and failed requests land in the phone's error list, which the phone fixture
    asserts empty at the end. Screenshots of everyone go to the phone's folder, numbered in the order
    they are taken: `with cast.step("unit-scores", unit) as page:` saves one when the block ends, and
    one named "…-FAILED" when it raises, so a failing step leaves its picture too.
    """

    def __init__(self, browser, phone: Phone):
        self.browser, self.phone, self.contexts = browser, phone, []
        self.watch_csp(phone.page)

    def watch_csp(self, page):
        """A script, style or image the Content-Security-Policy blocked is an error too (Chromium reports
        it on the console), so a walk through every page also proves none needs an inline script."""
        errors = self.phone.errors
        page.on("console", lambda message: message.type == "error" and "Content Security Policy" in message.text
                and errors.append(f"csp: {message.text}"))

    def person(self, device: dict = PHONE) -> Phone:
        context = self.browser.new_context(**device)
        context.set_default_timeout(10_000)
        self.contexts.append(context)
        page = context.new_page()
        errors = self.phone.errors
        person = Phone(page=page, base_url=self.phone.base_url, folder=self.phone.folder, errors=errors)
        page.on("pageerror", lambda error: errors.append(f"pageerror: {error}"))
        page.on("response", lambda response: response.status >= 400 and not response.url.endswith("/favicon.ico")
                and errors.append(f"HTTP {response.status}: {response.url}"))
        self.watch_csp(page)
        return person

    def shoot(self, person: Phone, name: str) -> Path:
        self.phone.count += 1
        path = self.phone.folder / f"{self.phone.count:02d}-{name}.png"
        person.page.screenshot(path=str(path), full_page=True)
        return path

    def step(self, name: str, person: Phone) -> "CastStep":
        return CastStep(self, name, person)

    def close(self):
        for context in self.contexts:
            context.close()


class CastStep:
    def __init__(self, cast: Cast, name: str, person: Phone):
        self.cast, self.name, self.person = cast, name, person

    def __enter__(self):
        return self.person.page

    def __exit__(self, kind, error, traceback):
        if kind is None:
            self.cast.shoot(self.person, self.name)
            return False
        try:
            self.cast.shoot(self.person, f"{self.name}-FAILED")
        except Exception as failure:  # the step's own error is the one to report; say why there is no picture
            if error is not None:
                error.add_note(f"no screenshot of the failed step: {failure}")
        return False


@pytest.fixture
def cast(browser, phone):
    cast = Cast(browser, phone)
    yield cast
    cast.close()
