"""Browser tests: the app served on a free port, driven by Debian's Chromium.

Playwright's own browser download does not work offline, so Playwright is
pointed at /usr/bin/chromium. A failing test leaves a screenshot in
tests/artifacts/.
"""

import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.redis_server import free_port

CHROMIUM = os.environ.get("PARTNERHUB_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            if not Path(CHROMIUM).exists():
                item.add_marker(pytest.mark.skip(reason=f"no Chromium at {CHROMIUM}"))


@pytest.fixture(scope="session")
def live_server(_app):
    """The test app served by a real HTTP server in a thread."""
    port = free_port()
    server = make_server("127.0.0.1", port, _app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}"
    server.shutdown()


@pytest.fixture(scope="session")
def chromium():
    from playwright.sync_api import expect, sync_playwright

    # Assertions wait as long as actions do: a loaded machine is not a failure.
    expect.set_options(timeout=10_000)

    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM,
        headless=True,
        args=[
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    )
    yield browser
    browser.close()
    playwright.stop()


@pytest.fixture(params=["desktop", "phone"])
def viewport(request):
    return request.param, DESKTOP if request.param == "desktop" else PHONE


@pytest.fixture()
def open_page(chromium, live_server, request):
    """A new browser context per person: open_page(viewport) → page at the app."""
    contexts = []

    def _open(size=DESKTOP, locale="ru-RU"):
        # A phone-sized context is a phone: touch, and the viewport meta honoured.
        phone = size["width"] < 800
        context = chromium.new_context(
            viewport=size,
            locale=locale,
            base_url=live_server,
            is_mobile=phone,
            has_touch=phone,
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield _open

    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        for n, context in enumerate(contexts):
            for m, page in enumerate(context.pages):
                page.screenshot(
                    path=str(ARTIFACTS / f"FAILED-{request.node.name}-{n}-{m}.png"),
                    full_page=True,
                )
    for context in contexts:
        context.close()


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


def sign_in(page, email, password="demo12345"):
    page.goto("/login")
    submit_login(page, email, password)


def submit_login(page, email, password="demo12345"):
    """Fill in the sign-in form the page shows and send it."""
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)


def press(locator):
    """Tap on a touch screen, click elsewhere: how the person would do it."""
    if locator.page.evaluate("() => navigator.maxTouchPoints > 0"):
        locator.tap()
    else:
        locator.click()


def screenshot(page, name):
    """Keep a picture of the page in tests/artifacts/, also when the test passes."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name))
