"""The whole system, started once per test session on free ports.

It needs the trained model in models/ (`make test` trains it first). The stack
runs on its own SQLite database with the demo data, in a temporary folder.

Conversations are the API's own ("api:..."); a WhatsApp conversation
("whatsapp:+62...") goes in as Twilio delivers it, through the signed webhook, and
its answer is read from a fake Twilio, because the API refuses to speak for
another channel's user.
"""

from __future__ import annotations

import asyncio
import shutil
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import pytest_asyncio
from aiohttp import web
from playwright.async_api import Browser, Page, async_playwright
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from devstack.config import StackConfig, free_port
from devstack.supervisor import Stack
from permits.db import create_engine, create_sessionmaker
from permits.models import StaffUser
from permits.staff import create_user
from tests.fakes.twilio import (
    ACCOUNT_SID,
    AUTH_TOKEN,
    WHATSAPP_FROM,
    FakeTwilio,
    sign,
    whatsapp_message,
)

from .browser import CHROMIUM, CHROMIUM_ARGS, PHONE

ROOT = Path(__file__).resolve().parents[2]
API_TOKEN = "e2e-api-token"
ALWAYS_OPEN = "Mon-Sun 00:00-24:00"


@dataclass
class Reply:
    messages: list[dict[str, Any]]
    intent: dict[str, Any] | None = None
    text: str = field(init=False)
    buttons: list[dict[str, str]] = field(init=False)

    def __post_init__(self) -> None:
        self.text = "\n".join(m.get("text") or "" for m in self.messages)
        self.buttons = [b for m in self.messages for b in m.get("buttons") or []]


@dataclass
class Gateway:
    url: str
    http: aiohttp.ClientSession
    twilio: FakeTwilio

    async def send(self, conversation_id: str, text: str) -> Reply:
        if conversation_id.startswith("whatsapp:"):
            return await self._send_whatsapp(conversation_id, text)
        async with self.http.post(
            f"{self.url}/api/messages",
            json={"conversation_id": conversation_id, "text": text},
            headers={"Authorization": f"Bearer {API_TOKEN}"},
        ) as response:
            body = await response.json()
            assert response.status == 200, f"{response.status}: {body}"
        return Reply(messages=body["messages"], intent=body.get("intent"))

    async def _send_whatsapp(self, conversation_id: str, text: str, seconds: float = 30) -> Reply:
        """Posts the message as Twilio would; the answer is what the gateway sends back
        to that number through the fake Twilio (every message until a second of quiet)."""
        to = conversation_id
        before = len([m for m in self.twilio.sent if m["To"] == to])
        form = whatsapp_message(conversation_id.removeprefix("whatsapp:"), text)
        path = "/whatsapp/webhook"
        async with self.http.post(
            self.url + path, data=form, headers=sign(self.url + path, form)
        ) as response:
            assert response.status == 200, f"{response.status}: {await response.text()}"
        deadline, last_count, last_change = time.monotonic() + seconds, before, time.monotonic()
        while time.monotonic() < deadline:
            count = len([m for m in self.twilio.sent if m["To"] == to])
            if count != last_count:
                last_count, last_change = count, time.monotonic()
            elif count > before and time.monotonic() - last_change > 1.0:
                break
            await asyncio.sleep(0.1)
        answers = [m for m in self.twilio.sent if m["To"] == to][before:]
        assert answers, f"no WhatsApp answer to {text!r} in {seconds:.0f} s"
        return Reply(messages=[{"text": m.get("Body", "")} for m in answers])


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the trained model: models the tests train and deploy stay out of models/."""
    models = ROOT / "models"
    trained = sorted(models.glob("*.tar.gz"))
    if not trained:
        pytest.fail("no trained model in models/: run `make train` (make test does it)")
    copy = tmp_path_factory.mktemp("models")
    for model in trained:
        shutil.copy2(model, copy / model.name)
    return copy


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('e2e') / 'tanya.db'}"


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def twilio() -> AsyncIterator[tuple[FakeTwilio, str]]:
    """A fake Twilio on a free port: the stack's WhatsApp answers arrive here."""
    fake = FakeTwilio()
    runner = web.AppRunner(fake.app())
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    yield fake, f"http://127.0.0.1:{port}"
    await runner.cleanup()


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def stack(
    model_dir: Path,
    database_url: str,
    tmp_path_factory: pytest.TempPathFactory,
    twilio: tuple[FakeTwilio, str],
) -> AsyncIterator[Stack]:
    config = StackConfig.for_tests(
        root=ROOT,
        database_url=database_url,
        api_token=API_TOKEN,
        model_dir=model_dir,
        log_dir=tmp_path_factory.mktemp("stack-logs"),
    )
    # Agents on duty whatever the hour the tests run at.
    config.extra_env["TANYA_OFFICE_HOURS"] = ALWAYS_OPEN
    config.extra_env.update(
        {
            "TANYA_PUBLIC_URL": f"http://127.0.0.1:{config.gateway_port}",
            "TANYA_TWILIO_ACCOUNT_SID": ACCOUNT_SID,
            "TANYA_TWILIO_AUTH_TOKEN": AUTH_TOKEN,
            "TANYA_TWILIO_WHATSAPP_FROM": WHATSAPP_FROM,
            "TANYA_TWILIO_API_URL": twilio[1],
        }
    )
    running = Stack(config)
    await running.start()
    yield running
    await running.stop()


@pytest_asyncio.fixture(loop_scope="session")
async def gateway(stack: Stack, twilio: tuple[FakeTwilio, str]) -> AsyncIterator[Gateway]:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60)) as http:
        yield Gateway(url=stack.gateway_url, http=http, twilio=twilio[0])


@pytest_asyncio.fixture(loop_scope="session")
async def sessions(database_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_engine(database_url)
    yield create_sessionmaker(engine)
    await engine.dispose()


@pytest.fixture
def fresh_conversation_id() -> str:
    return f"api:e2e-{uuid.uuid4().hex[:12]}"


@pytest.fixture(scope="session")
def chromium() -> str:
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: apt-get install -y chromium (.ci/run does it)")
    return CHROMIUM


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def browser(chromium: str) -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield launched
        await launched.close()


@pytest_asyncio.fixture(loop_scope="session")
async def page(browser: Browser, stack: Stack) -> AsyncIterator[Page]:
    """A fresh visitor (own storage) on a phone-sized screen, on the demo homepage."""
    context = await browser.new_context(viewport=PHONE, locale="id-ID", is_mobile=True)
    opened = await context.new_page()
    await opened.goto(stack.gateway_url + "/")
    yield opened
    await context.close()


ADMIN, ADMIN_PASSWORD = "admin-uji", "sandi-admin-uji-e2e"
DESKTOP = {"width": 1280, "height": 900}


@pytest_asyncio.fixture(loop_scope="session")
async def admin_page(
    browser: Browser, stack: Stack, sessions: async_sessionmaker[AsyncSession]
) -> AsyncIterator[Page]:
    """An administrator signed in to the console in a desktop browser."""
    async with sessions() as session:
        if await session.scalar(select(StaffUser.id).where(StaffUser.username == ADMIN)) is None:
            await create_user(session, ADMIN, "Admin Dinas", "admin", ADMIN_PASSWORD)
    context = await browser.new_context(viewport=DESKTOP, locale="id-ID")
    page = await context.new_page()
    await page.goto(stack.gateway_url + "/console/login")
    await page.get_by_label("Nama pengguna").fill(ADMIN)
    await page.get_by_label("Kata sandi").fill(ADMIN_PASSWORD)
    await page.get_by_role("button", name="Masuk").click()
    await page.get_by_role("heading", name="Antrian percakapan").wait_for()
    yield page
    await context.close()
