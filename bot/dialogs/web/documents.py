"""A session's documents for the browser: rendered once (bot/service/reports.py, in worker threads) and kept a
while, downloadable, and previewed as page images — a phone's in-app browser (Android WeChat) cannot open a PDF
inline, but it shows a picture.

Who may have them is decided by the caller (the owner's cookie, a signed link, a staff role); this module only
renders, keeps and converts.  File names are safe (bot/service/reports.py makes them) and sent as attachments with
an RFC 5987 name.
"""

from __future__ import annotations

import asyncio
import logging
import shutil
import tempfile
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from aiohttp import web

log = logging.getLogger(__name__)

#: sessions whose files are kept rendered in this process
KEEP = 48
#: preview resolution (dots per inch): a phone-wide page image, legible when zoomed
PREVIEW_DPI = 90


@dataclass(frozen=True)
class File:
    name: str
    content: bytes
    mime: str

    @property
    def previewable(self) -> bool:
        return self.mime == "application/pdf"


class Documents:
    def __init__(self, interviews: Any) -> None:
        self.interviews = interviews
        self._files: OrderedDict[tuple[int, str, bool], list[File]] = OrderedDict()
        self._pages: OrderedDict[tuple[int, str, bool, int], list[bytes]] = OrderedDict()
        self._rendering: dict[tuple[int, str, bool], asyncio.Task[list[File]]] = {}

    def ready(self, session_id: int, lang: str, *, staff: bool = False) -> list[File] | None:
        """The files when already rendered, else None."""
        return self._files.get((session_id, lang, staff))

    def forget(self, session_id: int | None = None) -> None:
        """Drop kept files (of one session: reopened, erased; all without an id)."""
        if session_id is None:
            self._files.clear()
            self._pages.clear()
            return
        for key in [k for k in self._files if k[0] == session_id]:
            del self._files[key]
        for page_key in [k for k in self._pages if k[0] == session_id]:
            del self._pages[page_key]

    async def files(self, session_id: int, lang: str, *, staff: bool = False) -> list[File]:
        """The session's files (rendered now if need be; one rendering however many ask at once)."""
        key = (session_id, lang, staff)
        if key in self._files:
            self._files.move_to_end(key)
            return self._files[key]
        task = self._rendering.get(key)
        if task is None:
            task = asyncio.create_task(self._render(session_id, lang, staff))
            self._rendering[key] = task
            task.add_done_callback(lambda _: self._rendering.pop(key, None))
        return await asyncio.shield(task)

    async def _render(self, session_id: int, lang: str, staff: bool) -> list[File]:
        from bot.service.reports import session_reports  # the document writers: imported when first needed

        made = await session_reports(self.interviews.sessionmaker, self.interviews.forms, session_id, lang=lang,
                                     staff_copy=staff)
        files = [File(f.name, f.content, f.mime) for f in made]
        self._files[(session_id, lang, staff)] = files
        while len(self._files) > KEEP:
            self._files.popitem(last=False)
        return files

    async def pages(self, session_id: int, lang: str, index: int, *, staff: bool = False) -> list[bytes]:
        """The pages of file `index` (a PDF) as PNG images."""
        key = (session_id, lang, staff, index)
        if key in self._pages:
            return self._pages[key]
        files = await self.files(session_id, lang, staff=staff)
        if not 0 <= index < len(files) or not files[index].previewable:
            raise LookupError(index)
        pages = await asyncio.to_thread(pdf_pages, files[index].content)
        self._pages[key] = pages
        while len(self._pages) > KEEP * 2:
            self._pages.popitem(last=False)
        return pages


def pdf_pages(pdf: bytes, dpi: int = PREVIEW_DPI) -> list[bytes]:
    """Every page of a PDF as a PNG (poppler's pdftoppm, installed with the report packages)."""
    import subprocess

    tool = shutil.which("pdftoppm")
    if tool is None:
        raise RuntimeError("pdftoppm is not installed (poppler-utils)")
    with tempfile.TemporaryDirectory(prefix="preview-") as folder:
        source = Path(folder) / "doc.pdf"
        source.write_bytes(pdf)
        subprocess.run([tool, "-png", "-r", str(dpi), str(source), str(Path(folder) / "page")], check=True,
                       capture_output=True, timeout=60)
        return [p.read_bytes() for p in sorted(Path(folder).glob("page-*.png"), key=_page_number)]


def _page_number(path: Path) -> int:
    return int(path.stem.rsplit("-", 1)[1])


def download(file: File) -> web.Response:
    """A file as an attachment (its name in RFC 5987 form, never trusted as a path)."""
    ascii_name = "".join(c if c.isascii() and (c.isalnum() or c in "._-") else "_" for c in file.name)
    disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(file.name)}"
    return web.Response(body=file.content, content_type=file.mime, headers={
        "Content-Disposition": disposition, "Cache-Control": "private, no-store"})


def image(png: bytes) -> web.Response:
    return web.Response(body=png, content_type="image/png", headers={"Cache-Control": "private, max-age=600"})
