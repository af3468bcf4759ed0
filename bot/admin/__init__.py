"""Administrators' pages under /console/admin (and the staff accounts at /console/staff),
behind the console's staff sign-in.

Each module adds its routes in `setup(app)`; every handler is `admin_only`. They use
the console's templates and middleware, so `setup` runs after bot.console's.
"""

from __future__ import annotations

from aiohttp import web

from bot.admin import (
    audit,
    catalogue,
    dashboard,
    directory,
    faq,
    inbox,
    office,
    reports,
    staff,
    training,
)
from bot.console import add_notices

MODULES = (faq, catalogue, directory, inbox, office, training, dashboard, reports, audit, staff)
NOTICES: dict[str, tuple[str, str]] = {
    code: notice for module in MODULES for code, notice in getattr(module, "NOTICES", {}).items()
}


def setup(app: web.Application) -> None:
    add_notices(app, NOTICES)
    for module in MODULES:
        module.setup(app)
