"""The reports' HTML parsed by bot/rendering/html_tree.py renders to the very PDF tinyhtml5's tree gives."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.interview.schema import Form
from bot.rendering import html_tree, pdf
from bot.rendering.context import build_context
from bot.rendering.contract import CONTRACT_FORM, contract_view, render_contract_html
from bot.rendering.html import render_html
from tests.rendering.fixtures import all_sets, filing_answers
from tests.rendering.test_contract import contract_answers
from tests.rendering.test_miit2024_report import context as miit2024_context

pytestmark = pytest.mark.slow


def documents(forms: Form | dict[str, Form]) -> dict[str, str]:
    assert isinstance(forms, dict)
    out = {}
    for name, (form, answers, company) in all_sets(forms).items():
        for lang in ("zh", "en") if name in ("heilongjiang", "filing", "eligibility") else ("zh",):
            ctx = build_context(form, answers, lang=lang, company=company, session_meta={"session": 7})
            out[f"{name}-{lang}"] = render_html(ctx.kind, ctx, inline_css=False)
    for provider in (0, 1):
        view = contract_view(filing_answers(forms["hangzhou-filing"]), provider,
                             contract_answers(forms[CONTRACT_FORM], provider))
        out[f"contract-{provider}"] = render_contract_html(view)
    for lang in ("zh", "en"):
        ctx = miit2024_context("80 with 10 scenarios at 4 but only 5", lang)
        out[f"miit2024-{lang}"] = render_html(ctx.kind, ctx, inline_css=False)  # type: ignore[attr-defined]
    return out


@pytest.fixture
def tinyhtml5_only(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Reports parsed by tinyhtml5 alone (this thread's PDF setup made again without the fast parser)."""
    def refuse(html: str) -> None:
        raise html_tree.NotPlain("the test asks for tinyhtml5")

    monkeypatch.setattr(html_tree, "parse", refuse)
    pdf._cache.html_class = None
    yield
    monkeypatch.undo()
    pdf._cache.html_class = None


def test_every_report_renders_the_same_pdf_either_way(forms: dict[str, Form], request: pytest.FixtureRequest) -> None:
    docs = documents(forms)
    parsed = []
    for name, html in docs.items():
        try:
            html_tree.parse(html)
            parsed.append(name)
        except html_tree.NotPlain:
            pass
    assert set(parsed) == set(docs)  # every report, the miit report's SVG charts included
    pdf._cache.html_class = None
    fast = {name: pdf.html_to_pdf(html) for name, html in docs.items()}
    request.getfixturevalue("tinyhtml5_only")
    slow = {name: pdf.html_to_pdf(html) for name, html in docs.items()}
    assert [name for name in docs if fast[name] != slow[name]] == []


def test_svg_as_html5_builds_it() -> None:
    root = html_tree.parse('<html><head></head><body><p>a<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 9 9">'
                           '<text x="1">t</text><line x1="0"/></svg>b</p></body></html>')
    svg = root.find("body/p")[0]  # type: ignore[index]
    assert svg.tag == f"{{{html_tree.SVG_NS}}}svg" and svg.attrib["viewBox"] == "0 0 9 9"
    assert [child.tag.split("}")[1] for child in svg] == ["text", "line"] and svg.tail == "b"


def test_implied_elements_as_html5_builds_them() -> None:
    root = html_tree.parse("<!doctype html><html><head><title>t</title></head><body><table><col><col>"
                           "<thead><tr><th>a</th></tr></thead><tr><td>1<br>2&nbsp;&lt;</td></tr></table></body></html>")
    table = root.find("body/table")
    assert table is not None
    assert [child.tag for child in table] == ["colgroup", "thead", "tbody"]
    assert [col.tag for col in table[0]] == ["col", "col"]
    cell = table.find("tbody/tr/td")
    assert cell is not None and cell.text == "1" and cell[0].tag == "br" and cell[0].tail == "2\u00a0<"


@pytest.mark.parametrize("html", [
    "<html><head></head><body><p><b>x</p></b></body></html>",
    "<html><head></head><body><svg><linearGradient gradientUnits='x'/></svg></body></html>",
    "<html><head></head><body><svg><rect patternTransform='x'/></svg></body></html>",
    "<html><head></head><body><p>x</body></html>",
    "<p>a fragment</p>",
])
def test_what_only_html5_can_tell_is_refused(html: str) -> None:
    with pytest.raises(html_tree.NotPlain):
        html_tree.parse(html)
