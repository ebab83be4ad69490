"""Rendering the web chat's and the desk's pages: Jinja2 with autoescape on for every template, strict undefined
names, and the service's own static files (no CDN, no external font) with a content hash in their URL so a browser
may keep them for a year.

Templates get `ui(...)` (the interface's words in the reader's language, extracted by `make locales`) and the
values a page shows, already in plain text: markup only, never a decision about what to show.
"""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from aiohttp import web
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from bot.i18n import LANGUAGES, Translator, language_name

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"
#: every template, whatever the channel folder it lives in (the desk has its own beside this one)
TEMPLATE_DIRS = [TEMPLATES, HERE.parent / "desk" / "templates"]


@dataclass(frozen=True)
class Asset:
    body: bytes
    gzipped: bytes
    mime: str
    digest: str


@lru_cache(maxsize=1)
def assets() -> dict[str, Asset]:
    """The static files, read once: name → body, its gzip and a short content hash."""
    found: dict[str, Asset] = {}
    for folder in (STATIC, HERE.parent / "desk" / "static"):
        if not folder.is_dir():
            continue
        for path in sorted(folder.iterdir()):
            if path.is_file():
                body = path.read_bytes()
                mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                found[path.name] = Asset(body, gzip.compress(body, 9, mtime=0), mime,
                                         hashlib.sha256(body).hexdigest()[:10])
    return found


def static_url(name: str) -> str:
    """/static/NAME?v=HASH: a new version of the file is a new URL."""
    asset = assets().get(name)
    return f"/static/{name}?v={asset.digest}" if asset else f"/static/{name}"


async def static_file(request: web.Request) -> web.StreamResponse:
    asset = assets().get(request.match_info["name"])
    if asset is None:
        raise web.HTTPNotFound()
    headers = {"Cache-Control": "public, max-age=31536000, immutable", "Content-Type": asset.mime,
               "Vary": "Accept-Encoding"}
    if "gzip" in request.headers.get("Accept-Encoding", ""):
        headers["Content-Encoding"] = "gzip"
        return web.Response(body=asset.gzipped, headers=headers)
    return web.Response(body=asset.body, headers=headers)


@lru_cache(maxsize=1)
def environment() -> Environment:
    # templates are read once (no stat of the file on every page: a new version is a restart)
    env = Environment(loader=FileSystemLoader([str(d) for d in TEMPLATE_DIRS]), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, auto_reload=False)
    env.globals["static"] = static_url
    env.globals["languages"] = [(code, language_name(code)) for code in LANGUAGES]
    return env


def render(template: str, tr: Translator, **values: Any) -> str:
    """A page in the reader's language."""
    return environment().get_template(template).render(ui=tr.ui, lang=tr.lang, **values)


#: a page is compressed on the event loop (a few tenths of a millisecond), not handed to a thread
INLINE_COMPRESSION = 512 * 1024


def page(template: str, tr: Translator, *, status: int = 200, headers: dict[str, str] | None = None,
         **values: Any) -> web.Response:
    return web.Response(text=render(template, tr, **values), status=status, content_type="text/html",
                        charset="utf-8", headers=headers, zlib_executor_size=INLINE_COMPRESSION)
