"""What every web request passes: security headers (a Content-Security-Policy without inline scripts), compressed
pages, CSRF tokens on every form, request bodies limited, rate limits, and a page for every failure — never a
stack trace, never a bare error page.

CSRF: a random `csrf` cookie (HttpOnly, SameSite=Lax) and, in every form, its HMAC under a key every worker shares;
a POST whose token does not match is refused with a page that says to reload.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from bot.dialogs.web.pages import page
from bot.i18n import LANGUAGES, Translator, known_lang

log = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

#: the largest request body taken (a typed answer is at most 4,096 characters; a form has a few fields more)
MAX_BODY = 64 * 1024
CSRF_COOKIE = "csrf"
LANG_COOKIE = "lang"
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'")
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}

KEY: web.AppKey[bytes] = web.AppKey("csrf_key", bytes)
#: this request's CSRF cookie (the browser's, or the one set with the answer)
CSRF_VALUE: web.RequestKey[str] = web.RequestKey("csrf_cookie", str)
#: the reader's language, once known (the person's stored choice)
LANG: web.RequestKey[str] = web.RequestKey("lang", str)
#: paths that answer in another service's protocol (the WeChat endpoint: 403, "success", XML): no cookies, no
#: headers or pages of the web's
RAW_PATHS: web.AppKey[frozenset[str]] = web.AppKey("raw_paths", frozenset)
SETTINGS: web.AppKey[Any] = web.AppKey("settings", object)


def secure(request: web.Request) -> bool:
    """Served over HTTPS (directly, or behind a proxy the settings trust)."""
    if request.secure:
        return True
    settings = request.app[SETTINGS]
    if settings.trust_proxy and request.headers.get("X-Forwarded-Proto", "").lower() == "https":
        return True
    return bool(settings.public_url and settings.public_url.startswith("https://"))


def address(request: web.Request) -> str:
    """Who sent a request, as far as we can tell: the proxy's X-Forwarded-For when trusted, else the peer."""
    if request.app[SETTINGS].trust_proxy:
        forwarded = request.headers.get("X-Forwarded-For", "")
        if forwarded:
            return forwarded.split(",")[0].strip()[:64]
    return (request.remote or "?")[:64]


def cookie_options(request: web.Request, *, max_age: int | None = None) -> dict[str, Any]:
    options: dict[str, Any] = {"httponly": True, "samesite": "Lax", "path": "/", "secure": secure(request)}
    if max_age is not None:
        options["max_age"] = max_age
    return options


def remember_language(response: web.StreamResponse, request: web.Request, lang: str) -> None:
    """The language a browser chose (the web chat's and the desk's switch), kept for a year."""
    response.set_cookie(LANG_COOKIE, lang, **cookie_options(request, max_age=365 * 86400))


def reader(request: web.Request) -> Translator:
    """The language of whoever reads the page: chosen (cookie, or the person's stored choice put on the request),
    else the browser's first supported language, else Chinese."""
    chosen = request.get(LANG) or request.cookies.get(LANG_COOKIE)
    if chosen and known_lang(chosen):
        return Translator(chosen)
    for part in request.headers.get("Accept-Language", "").split(","):
        lang = known_lang(part.split(";")[0].strip())
        if lang in LANGUAGES:
            return Translator(lang)
    return Translator("zh")


# --- CSRF ----------------------------------------------------------------------------------------------------


def _token_of(key: bytes, cookie: str) -> str:
    return hmac.new(key, cookie.encode(), hashlib.sha256).hexdigest()[:32]


def csrf_token(request: web.Request) -> str:
    """The token the forms of this page carry."""
    return _token_of(request.app[KEY], request[CSRF_VALUE])


def csrf_ok(request: web.Request, posted: str | None) -> bool:
    cookie = request.cookies.get(CSRF_COOKIE)
    if not cookie or not posted:
        return False
    return hmac.compare_digest(_token_of(request.app[KEY], cookie), posted)


def error_page(request: web.Request, status: int, message: str, *, action: str | None = None) -> web.Response:
    tr = reader(request)
    return page("error.html.j2", tr, status=status, message=message, back=action or "/")


def _finish(request: web.Request, response: web.StreamResponse, fresh: bool) -> None:
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if fresh and not response.prepared:
        response.set_cookie(CSRF_COOKIE, request[CSRF_VALUE], **cookie_options(request))


@web.middleware
async def protect(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Headers, the CSRF cookie, compression, and a page for every failure."""
    if request.path in request.app.get(RAW_PATHS, ()):
        return await handler(request)
    cookie = request.cookies.get(CSRF_COOKIE)
    fresh = cookie is None or len(cookie) > 64
    value: str = secrets.token_urlsafe(24) if fresh or cookie is None else cookie
    request[CSRF_VALUE] = value
    tr = reader(request)
    try:
        response = await handler(request)
    except web.HTTPRedirection as redirect:  # raised, as aiohttp wants: given the same headers, then raised on
        _finish(request, redirect, fresh)
        raise
    except web.HTTPRequestEntityTooLarge:
        response = error_page(request, 413, tr.ui("That was too long to send. Please shorten it and try again."),
                              action=request.path)
    except web.HTTPForbidden:
        response = error_page(request, 403, tr.ui("This page has expired. Please reload it and try again."),
                              action="/chat" if request.path.startswith("/chat") else "/")
    except web.HTTPNotFound:
        response = error_page(request, 404, tr.ui("There is no such page (or it is not yours to see)."))
    except web.HTTPMethodNotAllowed:
        response = error_page(request, 405, tr.ui("This page cannot be used that way. Please start again."))
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        response = error_page(request, exc.status, tr.ui("That did not work. Please go back and try again."))
    except Exception:
        log.exception("web request %s %s failed", request.method, request.path)
        response = error_page(request, 500, tr.ui("Something went wrong on our side. Your answers are kept; please "
                                                  "try again in a moment."))
    _finish(request, response, fresh)
    if (isinstance(response, web.Response) and not response.prepared
            and response.content_type in ("text/html", "application/json")
            and "gzip" in request.headers.get("Accept-Encoding", "")):
        response.enable_compression()
    return response
