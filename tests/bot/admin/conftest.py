"""Helpers for the admin pages' tests: demo data, signed-in clients, reading forms."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from typing import Any

from aiohttp import ClientResponse, web
from aiohttp.test_utils import TestClient

from tests.bot.conftest import GatewayFactory
from tests.bot.console.conftest import signed_in
from tests.bot.console.conftest import with_demo as demo_with_staff

Client = TestClient[web.Request, web.Application]
PASSWORD = "sandi-admin-rahasia"
RETRAIN = (
    "Perubahan ini baru berlaku untuk pemahaman bot setelah pelatihan ulang "
    "(menu Latih & Terapkan)."
)
LIVE = "Perubahan langsung berlaku untuk jawaban berikutnya."


async def with_demo(database_url: str) -> None:
    await demo_with_staff(database_url, PASSWORD)


PARKING_ANSWER = "Parkir tersedia di basement Mal Pelayanan Publik."


async def add_parking_topic(admin: Client, **fields: str) -> ClientResponse:
    """Create the FAQ topic "parkir" through its form (`fields` override the defaults)."""
    form = form_fields(await (await admin.get("/console/admin/faq")).text(), "faq-create")
    form.update(
        slug="parkir",
        title="Parkir",
        examples="parkir dimana\nada parkir motor ga",
        answer=PARKING_ANSWER,
    )
    form.update(fields)
    return await admin.post("/console/admin/faq", data=form)


async def client_for(make_gateway: GatewayFactory, aiohttp_client: Any, who: str) -> Client:
    gateway = await make_gateway()
    client: Client = await aiohttp_client(gateway.server)
    await signed_in(client, who, PASSWORD)
    return client


class _FormReader(HTMLParser):
    """The fields one form would submit: inputs, textareas and selected options."""

    def __init__(self, marker: str) -> None:
        super().__init__()
        self.marker = marker
        self.inside = False
        self.fields: dict[str, str] = {}
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {key: value or "" for key, value in attrs}
        if tag == "form" and found.get("data-admin") == self.marker:
            self.inside = True
        if not self.inside:
            return
        name = found.get("name", "")
        if tag == "input" and name and found.get("type") != "submit":
            self.fields[name] = found.get("value", "")
        elif tag == "textarea":
            self._textarea = name
            self.fields[name] = ""
        elif tag == "select":
            self._select = name
        elif (
            tag == "option"
            and self._select
            and ("selected" in found or self._select not in self.fields)
        ):
            self.fields[self._select] = found.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data: str) -> None:
        if self.inside and self._textarea:
            self.fields[self._textarea] += data


def form_fields(page: str, marker: str) -> dict[str, str]:
    """What the browser would submit from the form marked data-admin=`marker`."""
    reader = _FormReader(marker)
    reader.feed(page)
    assert reader.fields, f"no form {marker} on the page"
    return reader.fields


def flashes(page: str) -> list[str]:
    return [html.unescape(text) for text in re.findall(r'class="flash[^"]*"[^>]*>([^<]*)<', page)]
