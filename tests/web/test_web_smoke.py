"""The web chat answers in a real browser: the privacy notice first, then the interviews."""

from __future__ import annotations

from typing import Any

from tests.web.harness import Service


def test_the_first_screen_is_the_privacy_notice_then_the_interviews(service: Service, phone: Any) -> None:
    page = phone.new_page()
    page.goto(service.url + "/")
    assert page.locator("form[action='/consent']").count() == 1
    page.click("form[action='/consent'] button")
    page.wait_for_url(service.url + "/")
    assert page.locator("form.form-card").count() >= 5
