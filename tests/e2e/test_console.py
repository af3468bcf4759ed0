"""A citizen in the web chat and an agent in the console, two browsers on the whole stack.

The citizen asks for a person (the real NLU and the action server queue them);
the agent, already looking at the queue, sees them arrive without reloading,
claims, reads the transcript, uses the suggestion that holds the application's
live status, edits it and sends it; the citizen sees it; the agent hands back
and the bot answers the citizen's next question.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from playwright.async_api import Browser, Page, expect
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.channels.web import conversation_for
from devstack.supervisor import Stack
from permits.staff import create_user

from .browser import ANSWER_TIMEOUT, DOCS, ask, bot_said, open_chat

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="session")]

AGENT, PASSWORD = "rina", "sandi-rina-rahasia"
LATE = "PTSP-2025-7KQ4MZ"
DESKTOP = {"width": 1280, "height": 900}


@pytest_asyncio.fixture(loop_scope="session")
async def agent_page(
    browser: Browser, stack: Stack, sessions: async_sessionmaker[AsyncSession]
) -> AsyncIterator[Page]:
    """An agent signed in to the console, on the queue page, in a desktop browser."""
    async with sessions() as session:
        await create_user(session, AGENT, "Rina Kusuma", "agent", PASSWORD)
    context = await browser.new_context(viewport=DESKTOP, locale="id-ID")
    page = await context.new_page()
    await page.goto(stack.gateway_url + "/console")
    await expect(page).to_have_title("Masuk · Tanya PTSP")
    await page.get_by_label("Nama pengguna").fill(AGENT)
    await page.get_by_label("Kata sandi").fill(PASSWORD)
    await page.get_by_role("button", name="Masuk").click()
    await expect(page.get_by_role("heading", name="Antrian percakapan")).to_be_visible()
    yield page
    await context.close()


async def test_an_agent_takes_over_helps_with_live_data_and_hands_back(
    page: Page, agent_page: Page
) -> None:
    citizen, agent = page, agent_page
    await open_chat(citizen)
    await ask(citizen, "saya mau bicara dengan petugas")
    await bot_said(citizen, "Posisi antrian Anda")
    token = await citizen.evaluate("localStorage.getItem('tanya-izin-session')")
    conversation_id = conversation_for(token)

    # The queue updates without a reload.
    row = agent.locator(f'[data-console=queue-item][data-conversation="{conversation_id}"]')
    await expect(row).to_be_visible(timeout=10_000)
    await expect(row).to_contain_text("saya mau bicara dengan petugas")
    await expect(row).to_contain_text("Meminta petugas")
    await agent.screenshot(path=str(DOCS / "console-queue.png"), full_page=True)

    await row.get_by_role("button", name="Ambil").click()
    transcript = agent.locator("[data-console=transcript]")
    await expect(transcript).to_contain_text("saya mau bicara dengan petugas")
    await expect(agent.locator("[data-console=handoff-state]")).to_contain_text(
        "Anda menangani percakapan ini"
    )

    # The citizen writes while the agent holds the conversation: the bot stays silent.
    await ask(citizen, f"status {LATE} sampai mana ya")
    await expect(transcript).to_contain_text(f"status {LATE} sampai mana ya")
    held = transcript.locator("[data-console=line][data-from=user]").last
    await expect(held.locator("[data-console=intent]")).to_contain_text("check_status")
    suggestion = agent.locator("[data-console=suggestion]").filter(
        has_text=f"Status permohonan {LATE}"
    )
    await expect(suggestion).to_be_visible(timeout=10_000)
    await expect(suggestion).to_contain_text("TERLAMBAT")
    await expect(agent.locator("[data-console=application]").first).to_contain_text(LATE)

    await suggestion.get_by_role("button", name="Pakai").click()
    reply = agent.locator("[data-console=reply]")
    filled = await reply.input_value()
    assert filled.startswith(f"Status permohonan {LATE}")
    await reply.fill(filled + "\n\nKami sudah menghubungi DPUPR agar segera diproses. (Rina)")
    await agent.screenshot(path=str(DOCS / "console-conversation.png"), full_page=True)
    await agent.get_by_role("button", name="Kirim").click()

    from_agent = citizen.locator("[data-tanya=message][data-from=agent]")
    await expect(from_agent).to_contain_text(f"Status permohonan {LATE}", timeout=ANSWER_TIMEOUT)
    await expect(from_agent).to_contain_text("Kami sudah menghubungi DPUPR")
    await expect(from_agent).to_contain_text("Petugas")

    await agent.get_by_role("button", name="Kembalikan ke bot").click()
    await expect(agent.get_by_text("Percakapan dikembalikan ke asisten virtual.")).to_be_visible()
    await bot_said_or_system(citizen, "kami kembalikan ke asisten virtual")

    await ask(citizen, "brp lama ngurus sip dokter")
    await bot_said(citizen, "hari kerja")


async def bot_said_or_system(page: Page, fragment: str) -> None:
    """System notices (the hand-back, the survey) show as system messages."""
    notice = page.locator("[data-tanya=message][data-from=system]").filter(has_text=fragment)
    await expect(notice).to_be_visible(timeout=ANSWER_TIMEOUT)
