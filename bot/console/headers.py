"""Security headers on every console and admin response (pages, fragments, static files,
CSV exports, refusals): these pages show citizens' personal data.

- Content-Security-Policy: scripts only from our own static files (no inline script,
  so an injected <script> cannot run), connections only to our own origin, no plugins,
  forms post only here, and `frame-ancestors 'none'`: no other site can frame the
  console to trick an agent into clicking (clickjacking). Inline style attributes are
  allowed: they cannot run code.
- X-Frame-Options DENY: the same for browsers that predate frame-ancestors.
- X-Content-Type-Options nosniff: a file is never read as another type.
- Cache-Control no-store: transcripts and applicants' data stay out of browser and
  proxy caches (the back button after logout shows nothing).
- Referrer-Policy same-origin: console URLs (conversation ids) never leak to other
  sites. (Not no-referrer: with it browsers send "Origin: null" on our own form posts,
  which the origin check rightly refuses.)
"""

from __future__ import annotations

from aiohttp import web

from bot.console.security import CONSOLE

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
    "Referrer-Policy": "same-origin",
}


def is_console(path: str) -> bool:
    return path == CONSOLE or path.startswith(CONSOLE + "/")


async def add_security_headers(request: web.Request, response: web.StreamResponse) -> None:
    """on_response_prepare: runs for every response, also those of middlewares."""
    if is_console(request.path):
        response.headers.update(SECURITY_HEADERS)


def setup(app: web.Application) -> None:
    app.on_response_prepare.append(add_security_headers)
