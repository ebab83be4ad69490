"""The common cut of the report font (bot/rendering/fonts.py): what it keeps, the full font behind it for any other
character, and the full font alone when the cut cannot be made."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.rendering.fonts import common_cut, cut_path, gb2312_hanzi
from bot.rendering.pdf import FULL_FAMILY, find_font, font_css, html_to_pdf
from tests.rendering.conftest import poppler

pytestmark = pytest.mark.slow


def test_gb2312_hanzi() -> None:
    hanzi = gb2312_hanzi()
    assert len(hanzi) == 6763
    assert {ord(c) for c in "杭州示例精密机械有限公司数字化转型"} <= hanzi
    assert ord("堃") not in hanzi and ord("，") not in hanzi


def test_the_cut_keeps_common_characters_renumbered() -> None:
    from fontTools.ttLib import TTFont

    cut = common_cut(find_font().path)
    assert cut is not None and cut == cut_path(Path(find_font().path))
    font = TTFont(str(cut))
    mapped = font.getBestCmap()
    assert all(ord(c) in mapped for c in "企业名称：（万元）ABC123，。“小巨人”①√□")
    assert ord("堃") not in mapped and ord("한") not in mapped
    assert len(font.getGlyphOrder()) < 20_000  # the full font has 49,531


def test_a_character_the_cut_lacks_comes_from_the_full_font(tmp_path: Path) -> None:
    pdf = tmp_path / "rare.pdf"
    pdf.write_bytes(html_to_pdf("<p>杭州堃喆科技有限公司 한국 ☑</p>"))
    assert "杭州堃喆科技有限公司 한국 ☑" in poppler("pdftotext", "-enc", "UTF-8", pdf, "-")
    fonts = poppler("pdffonts", pdf)
    assert f"+{FULL_FAMILY}" in fonts and "+ReportCJK " in fonts
    common = tmp_path / "common.pdf"
    common.write_bytes(html_to_pdf("<p>杭州示例精密机械有限公司</p>"))
    assert FULL_FAMILY not in poppler("pdffonts", common)  # only the cut is embedded


def test_without_a_cut_the_full_font_is_used(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder should be")
    monkeypatch.setenv("REPORT_FONT_CACHE", str(blocked / "fonts"))
    choice = find_font()
    assert common_cut(choice.path) is None
    css = font_css(choice, None)
    assert Path(choice.path).as_uri() in css and FULL_FAMILY not in css
    assert Path(choice.path).as_uri() in font_css(choice, cut_path(Path(choice.path)))
