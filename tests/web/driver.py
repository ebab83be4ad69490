"""A person answering the web chat in a real browser (Playwright): a typed line of the scripts the other channels'
tests use ("3", "1 3", "沿用", "提交", a company name…) is given the way a person would on the page — a number by
pressing its option, several numbers by ticking them and pressing Done, a word by its button, anything else typed
in the answer box — and the next page is waited for."""

from __future__ import annotations

import re
from typing import Any

#: words of the scripts that are buttons on the page (the value of the button's `do`)
BUTTONS = {"提交": ("submit", "confirm"), "沿用": ("keep",), "完成": ("done", "choose"), "新增": ("add",),
           "跳过": ("skip",), "返回": ("back",), "检查": ("review",), "继续": ("continue",)}
TIMEOUT = 20_000


class Chat:
    def __init__(self, page: Any) -> None:
        self.page = page

    # --- waiting for the page ---------------------------------------------------------------------------------

    def nonce(self) -> str:
        found = self.page.locator("main#app input[name=nonce]").first
        return str(found.get_attribute("value")) if found.count() else ""

    def after(self, action: Any) -> None:
        """Do `action` (a click) and wait until the chat's page was replaced by the answer."""
        before = self.page.evaluate("() => { const a = document.getElementById('app'); "
                                    "if (a) { a.dataset.old = '1'; } return true; }")
        assert before
        action()
        # the answer's page, not a push's refresh that landed meanwhile: nothing is on its way any more
        self.page.wait_for_function("() => { const a = document.getElementById('app'); "
                                    "return a && !a.dataset.old && !document.body.classList.contains('busy'); }",
                                    timeout=TIMEOUT)

    def press(self, do: str) -> None:
        self.after(lambda: self.page.locator(f"main#app button[value='{do}']").first.click())

    # --- what the page shows ---------------------------------------------------------------------------------

    def key(self) -> str:
        return str(self.page.get_attribute("main#app", "data-key") or "")

    def kind(self) -> str:
        return str(self.page.get_attribute("main#app", "data-kind") or "")

    def question(self) -> str:
        return str(self.page.inner_text("main#app section.bubble"))

    def notes(self, kind: str) -> list[str]:
        return [str(t) for t in self.page.locator(f"#notes .note.{kind}").all_inner_texts()]

    # --- answering ---------------------------------------------------------------------------------------------

    def answer(self, line: str) -> None:
        page = self.page
        for do in BUTTONS.get(line, ()):
            if page.locator(f"main#app button[value='{do}']").count():
                return self.press(do)
        if m := re.fullmatch(r"修改 (\S+)", line):
            label = m.group(1)
            button = page.locator(f"main#app .rows li:has(b:text-is('{label}.')) button.edit")
            if button.count():
                return self.after(lambda: button.first.click())
        toggles = page.locator("main#app label.toggle")
        if toggles.count() and re.fullmatch(r"\d+( \d+)*", line):
            wanted = {int(n) for n in line.split()}
            for n in range(toggles.count()):
                box = toggles.nth(n).locator("input")
                if box.is_checked() != (n + 1 in wanted):
                    toggles.nth(n).click()
            return self.press("choose")
        choice = page.locator(f"main#app button.choice:has(span.n:text-is('{line}'))")
        if line.isdigit() and choice.count():
            return self.after(lambda: choice.first.click())
        return self.type(line)

    def type(self, text: str) -> None:
        page = self.page
        closed = page.locator("main#app details.type-instead:not([open]) summary")
        if closed.count():
            closed.first.click()
        box = page.locator("main#app #text")
        if not box.count():
            raise AssertionError(f"no answer box for {text!r} on {self.kind()} {self.key()}: "
                                 f"{page.inner_text('main#app')[:600]}")
        box.fill(text)
        self.after(lambda: page.locator("main#app button[value='text']").first.click())

    def script(self, lines: list[str]) -> None:
        for line in lines:
            self.answer(line)
