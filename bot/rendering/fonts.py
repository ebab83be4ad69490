"""The CJK font the PDFs embed, cut to what reports commonly print: made once per machine, kept in a cache folder.

WeasyPrint embeds a subset of each font a PDF uses, and keeps every glyph id up to the highest one used: with the
whole WenQuanYi Micro Hei (49,531 glyphs, 5 MB; "，" is glyph 34,429) each PDF subsets the full font twice (regular
and the synthesised bold) and compresses two subsets of ~400 KB, most of them empty glyph slots — about 20 ms of
every PDF, a third of a one-page one.  The common cut holds the source font's Latin, punctuation, symbols, kana and
full-width forms and the 6,763 hanzi of GB 2312, renumbered from 1 (about 10,000 characters, 1.4 MB): the same
glyphs, drawn the same, subset in a fraction of the time.  A character it lacks (a rare name character such as 堃,
Hangul) is taken from the full font, declared after it (pdf.py's font_css), so nothing prints as a box.

The cut is made with fontTools the first time a PDF needs it (about 2 s; `python -m bot.rendering.fonts` makes it
ahead, as scripts/setup does), written atomically under REPORT_FONT_CACHE (default: $XDG_CACHE_HOME or ~/.cache,
then sme-forms/fonts), named after the source file's name, size and modification time.  When it cannot be made
(no fontTools, a folder that cannot be written), the PDFs use the full font as before.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from pathlib import Path

log = logging.getLogger(__name__)

#: bump when the cut changes: a new file name, so an old cut is never used
CUT_VERSION = 2
#: besides GB 2312's hanzi, the cut keeps the font's characters in these ranges: Latin, punctuation, symbols,
#: CJK symbols and punctuation, kana, (U+0000–U+33FF) and the vertical, compatibility and full-width forms
_KEPT = ((0x0000, 0x33FF), (0xFE10, 0xFFEF))
_lock = threading.Lock()


def cache_folder() -> Path:
    configured = os.environ.get("REPORT_FONT_CACHE")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "sme-forms" / "fonts"


def gb2312_hanzi() -> frozenset[int]:
    """The 6,763 hanzi of GB 2312 (rows 16–87), as code points."""
    out = set()
    for row in range(0xB0, 0xF8):
        for cell in range(0xA1, 0xFF):
            try:
                out.add(ord(bytes((row, cell)).decode("gb2312")))
            except UnicodeDecodeError:
                continue
    return frozenset(out)


def _kept(code: int) -> bool:
    return any(low <= code <= high for low, high in _KEPT)


def cut_path(source: Path) -> Path:
    stat = source.stat()
    return cache_folder() / f"{source.stem}-common-v{CUT_VERSION}-{stat.st_size}-{int(stat.st_mtime)}.ttf"


def make_cut(source: Path, target: Path) -> None:
    """Write the common cut of the font file `source` (the first face of a collection) to `target`."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    target.parent.mkdir(parents=True, exist_ok=True)  # first: a folder that cannot be made costs no subsetting
    font = TTFont(str(source), fontNumber=0)
    mapped = set(font.getBestCmap())
    keep = {code for code in mapped if _kept(code)} | (gb2312_hanzi() & mapped)
    options = subset.Options()
    options.retain_gids = False  # renumbered: the kept glyphs are ids 1 … n
    options.layout_features = []  # Pango needs no substitution for horizontal Chinese and Latin text
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.hinting = False  # WeasyPrint drops hinting from what it embeds anyway
    options.drop_tables += ["FFTM"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=keep)
    subsetter.subset(font)
    partial = target.with_name(f".{target.name}.{os.getpid()}.{threading.get_ident()}")
    try:
        font.save(str(partial))
        os.replace(partial, target)  # atomic: another process never reads half a font
    finally:
        partial.unlink(missing_ok=True)


def common_cut(source: str | Path) -> Path | None:
    """The common cut of the TrueType font (or collection) `source`, made if it is missing; None when it cannot be
    made (the caller then embeds the full font)."""
    source = Path(source)
    if source.suffix.lower() not in (".ttf", ".ttc"):
        return None  # OpenType/CFF (Noto): subsetting CFF is not what costs; keep the font as it is
    try:
        target = cut_path(source)
        if target.is_file():
            return target
        with _lock:
            if not target.is_file():
                make_cut(source, target)
        return target
    except Exception as error:  # any failure only costs speed: the full font is used
        log.warning("could not make the common cut of %s (%s); PDFs embed the full font", source, error)
        return None


def main() -> int:
    """Make the common cut of the report font now (scripts/setup), and print where it is."""
    from bot.rendering.pdf import find_font

    try:
        choice = find_font()
    except Exception as error:  # no CJK font yet: scripts/system-packages says so
        print(f"no report font: {error}", file=sys.stderr)
        return 0
    cut = common_cut(choice.path)
    print(cut if cut is not None else f"{choice.path} (no common cut)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
