"""Reports as PDF (WeasyPrint): A4, one embedded CJK font, fast enough to render on request.

Speed: WeasyPrint is imported on first use (about 0.7 s), and each worker thread keeps one FontConfiguration and
the parsed stylesheets (the @font-face rule loads the font file once per thread, not once per PDF).  Pango font
maps are not shared across threads, hence a per-thread cache rather than a process-wide one.  Tables use
`table-layout: fixed` (auto layout measures every cell's min/max content first: 3x slower on the rubric), and a
small user-agent stylesheet replaces WeasyPrint's full HTML5 one (templates/ua.css).

Font: WenQuanYi Micro Hei (Debian fonts-wqy-microhei, 5 MB) by default: it carries the Chinese glyphs of
Simplified Chinese forms and Latin, renders as fast as Noto Sans CJK SC (fonts-noto-cjk, 91 MB) and gives smaller
PDFs (TrueType subsets).  Noto is the fallback when it is missing; REPORT_CJK_FONT=wqy|noto|/path/to/font.ttf
chooses.  A font used from its file is embedded through its common cut (bot/rendering/fonts.py: the glyphs
reports commonly print, renumbered, so WeasyPrint subsets it in a fraction of the time), the full font after it
for any other character.  The check boxes ☑ ☐ come from DejaVu Sans (fonts-dejavu-core).  Fonts are subset and
embedded (pdffonts shows "emb yes").
"""

from __future__ import annotations

import asyncio
import atexit
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.rendering.context import ReportContext
from bot.rendering.env import TEMPLATES_DIR, stylesheet
from bot.rendering.fonts import common_cut
from bot.rendering.html import render_html

UA_CSS_PATH = TEMPLATES_DIR / "ua.css"

FAMILY = "ReportCJK"
#: the full CJK font, after its common cut, for the characters the cut lacks
FULL_FAMILY = "ReportCJKFull"
#: the check boxes ☑ ☐ (U+2611, U+2610), which no CJK font carries: DejaVu Sans (fonts-dejavu-core)
SYMBOLS_FAMILY = "ReportSymbols"
SYMBOL_FONTS = ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/dejavu/DejaVuSans.ttf")

#: (name, file that must exist, system family or None): the first whose file exists wins.  A family is used by
#: name through fontconfig (Noto's .ttc holds JP/KR/SC/TC faces, and @font-face would take the first, JP); a font
#: without one is loaded from its file with @font-face.
FONT_CANDIDATES: tuple[tuple[str, str, str | None], ...] = (
    ("wqy", "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", None),
    ("noto", "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", "Noto Sans CJK SC"),
    ("wqy", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", None),
    ("noto", "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc", "Noto Sans CJK SC"),
)


class FontMissingError(RuntimeError):
    pass


@dataclass(frozen=True)
class FontChoice:
    name: str
    path: str
    #: a system font family used by name, or None: the file is embedded through @font-face as ReportCJK
    family: str | None = None


def find_font(preferred: str | None = None) -> FontChoice:
    """The CJK font to embed.  `preferred`: "wqy", "noto" or a font file (REPORT_CJK_FONT when not given)."""
    wanted = preferred or os.environ.get("REPORT_CJK_FONT")
    if wanted and wanted not in ("wqy", "noto"):
        if not Path(wanted).is_file():
            raise FontMissingError(f"CJK font file {wanted} does not exist")
        return FontChoice(wanted, str(Path(wanted).resolve()))
    for name, path, family in FONT_CANDIDATES:
        if (wanted is None or wanted == name) and Path(path).exists():
            return FontChoice(name, path, family)
    raise FontMissingError(
        "no CJK font found: install fonts-wqy-microhei (or fonts-noto-cjk), or set REPORT_CJK_FONT to a font file; "
        "without one every Chinese character prints as a box")


def font_css(choice: FontChoice, cut: Path | None = None) -> str:
    """The font rules, applied after report.css: the CJK font (regular; bold is synthesised from it) and the
    check-box symbols.  `cut`: the common cut of the CJK font (bot/rendering/fonts.py), used first, the full font
    after it for the characters the cut lacks."""
    css = ""
    families = [FAMILY]
    if choice.family is None:
        faces = [(FAMILY, cut), (FULL_FAMILY, Path(choice.path))] if cut is not None else [(FAMILY, Path(choice.path))]
        for family, path in faces:
            src = f'url("{path.as_uri()}")'
            css += (f"@font-face {{ font-family: {family}; src: {src}; }}\n"
                    f"@font-face {{ font-family: {family}; font-weight: bold; src: {src}; }}\n")
        if cut is not None:
            families.append(FULL_FAMILY)
    else:
        families = [f'"{choice.family}"']
    symbols = next((p for p in SYMBOL_FONTS if Path(p).exists()), None)
    if symbols is not None:
        css += f'@font-face {{ font-family: {SYMBOLS_FAMILY}; src: url("{Path(symbols).as_uri()}"); }}\n'
    return css + f"html {{ font-family: {', '.join(families)}, {SYMBOLS_FAMILY}, sans-serif; }}\n"


class _Cache(threading.local):
    font_config: Any = None
    stylesheets: Any = None
    font: FontChoice | None = None
    html_class: Any = None


_cache = _Cache()


@atexit.register
def _release_fonts() -> None:
    """Drop the cached FontConfiguration while the interpreter still works (its __del__ fails at shutdown)."""
    _cache.font_config = None
    _cache.stylesheets = None


def _setup(font: str | None = None) -> tuple[Any, Any]:
    """This thread's FontConfiguration and parsed stylesheets (built once per thread and font)."""
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    choice = find_font(font)
    if _cache.font_config is None or _cache.font != choice:
        font_config = FontConfiguration()
        cut = common_cut(choice.path) if choice.family is None else None
        _cache.stylesheets = [
            CSS(string=stylesheet(), base_url=str(TEMPLATES_DIR), font_config=font_config),
            CSS(string=font_css(choice, cut), font_config=font_config),
        ]
        _cache.font_config = font_config
        _cache.font = choice
    if _cache.html_class is None:
        _cache.html_class = _report_html_class()
    return _cache.font_config, _cache.stylesheets


def _report_html_class() -> Any:
    """weasyprint.HTML with the reports' small user-agent stylesheet (templates/ua.css) instead of the full HTML5
    one (the cascade matches every UA rule against every element, and the reports use a dozen elements), built from
    a tree parsed by bot/rendering/html_tree.py (tinyhtml5 when that cannot tell).  Falls back to the stock class
    if WeasyPrint stops offering the `_ua_stylesheets` hook, and to tinyhtml5 if its HTML gains attributes."""
    import cssselect2
    from weasyprint import CSS, HTML
    from weasyprint.urls import URLFetcher

    from bot.rendering.html_tree import NotPlain, parse

    if not callable(getattr(HTML, "_ua_stylesheets", None)):  # pragma: no cover - a future WeasyPrint
        return HTML
    ua = [CSS(filename=str(UA_CSS_PATH))]
    #: what WeasyPrint's HTML holds after parsing: the fast path sets the same, or is not taken
    expected = {"base_url", "url_fetcher", "media_type", "wrapper_element", "etree_element"}
    fast = set(vars(HTML(string="<p></p>", base_url=str(TEMPLATES_DIR)))) == expected

    class ReportHTML(HTML):  # type: ignore[misc]
        def __init__(self, string: str, base_url: str) -> None:
            try:
                if not fast:
                    raise NotPlain("WeasyPrint's HTML changed")
                root = parse(string)
            except NotPlain:
                super().__init__(string=string, base_url=base_url)
                return
            self.base_url = base_url
            self.url_fetcher = URLFetcher()
            self.media_type = "print"
            self.wrapper_element = cssselect2.ElementWrapper.from_html_root(root, content_language=None)
            self.etree_element = self.wrapper_element.etree_element

        def _ua_stylesheets(self, forms: bool = False) -> list[Any]:
            return ua

    return ReportHTML


def html_to_pdf(html: str, *, font: str | None = None) -> bytes:
    """Any report HTML to PDF bytes with the report fonts and stylesheets."""
    font_config, stylesheets = _setup(font)
    document = _cache.html_class(string=html, base_url=str(TEMPLATES_DIR))
    pdf = document.write_pdf(stylesheets=stylesheets, font_config=font_config)
    assert pdf is not None
    return bytes(pdf)


def render_pdf(kind: str, context: ReportContext, *, font: str | None = None) -> bytes:
    """The report of `kind` ("miit", "rubric", "eligibility", "filing") as PDF bytes."""
    return html_to_pdf(render_html(kind, context, inline_css=False), font=font)


async def render_pdf_async(kind: str, context: ReportContext, *, font: str | None = None) -> bytes:
    """`render_pdf` in a worker thread (the event loop keeps serving updates while a PDF renders)."""
    return await asyncio.to_thread(render_pdf, kind, context, font=font)
