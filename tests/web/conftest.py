"""Fixtures of the browser tests: one service per test module (each test works as its own people, in their own
browser contexts), one Chromium per test process."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.web.harness import CHROMIUM_ARGS, DESKTOP, PHONE, Service, chromium_path


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    running = Service(tmp_path_factory.mktemp("web")).start()
    yield running
    code = running.stop()
    assert code == 0, running.output()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def phone(browser: object) -> Iterator[object]:
    """A phone-sized browser with WeChat's user agent, as a person scanning the district's QR code has."""
    context = browser.new_context(**PHONE)  # type: ignore[attr-defined]
    yield context
    context.close()


@pytest.fixture
def desktop(browser: object) -> Iterator[object]:
    context = browser.new_context(**DESKTOP)  # type: ignore[attr-defined]
    yield context
    context.close()
