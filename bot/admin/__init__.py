"""Administrators' pages under /console/admin, behind the console's staff sign-in.

Each module adds its routes in `setup(app)`; every handler is `admin_only`.
"""

from __future__ import annotations

from aiohttp import web

from bot.admin import audit, catalogue, dashboard, faq, inbox, training

MODULES = (faq, catalogue, inbox, training, dashboard, audit)
NOTICES: dict[str, tuple[str, str]] = {
    code: notice for module in MODULES for code, notice in getattr(module, "NOTICES", {}).items()
}


def setup(app: web.Application) -> None:
    for module in MODULES:
        module.setup(app)
