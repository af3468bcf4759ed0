"""The Tanya PTSP widget in a real browser (Debian's Chromium), on the demo page.

The page, the websocket and the answers all come from the running stack: the
gateway serves the demo page and widget, Rasa and the action server answer from
the demo database.
"""

from __future__ import annotations

import asyncio
import re
from typing import Any

import pytest
from playwright.async_api import Page, expect
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.settings import GatewaySettings
from devstack.supervisor import Stack
from permits.catalogue import get_permit

from .browser import (
    ANSWER_TIMEOUT,
    BOT_TEXTS,
    DOCS,
    PHONE,
    RECONNECT_TIMEOUT,
    USER_TEXTS,
    ask,
    bot_count,
    bot_said,
    last_bot_text,
    open_chat,
)

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="session")]


async def test_the_demo_page_shows_the_widget_with_a_greeting(page: Page) -> None:
    await expect(page).to_have_title("DPMPTSP Kabupaten Sukamaju — Layanan Perizinan")
    launcher = page.locator("[data-tanya=launcher]")
    await expect(launcher).to_contain_text("Tanya PTSP")
    await open_chat(page)
    await expect(page.locator("[data-tanya=message][data-from=bot]").first).to_contain_text(
        "Halo! Saya asisten virtual"
    )
    await expect(page.locator("[data-tanya=quick-reply]")).to_have_count(4)
    box = await page.locator("[data-tanya=panel]").bounding_box()
    assert box is not None and box["width"] == PHONE["width"], "a phone gets a full-width chat"
    await expect(page.locator("[data-tanya=send]")).to_have_text("Kirim")  # from the catalogue


async def test_every_button_of_the_widget_is_big_enough_for_a_finger(page: Page) -> None:
    await open_chat(page)
    for name in ("close", "send", "quick-reply"):
        for box in [
            await b.bounding_box() for b in await page.locator(f"[data-tanya={name}]").all()
        ]:
            assert box is not None
            assert box["width"] >= 44 and box["height"] >= 44, (name, box)


async def test_a_question_is_answered_from_the_database_with_typing_shown(
    page: Page, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await open_chat(page)
    await page.evaluate(
        """() => {
          const typing = document.querySelector('[data-tanya=typing]');
          new MutationObserver(() => { if (!typing.hidden) window.sawTyping = true; })
            .observe(typing, {attributes: true});
        }"""
    )
    before = await bot_count(page)
    await ask(page, "min brp hari ngurus imb?")
    await expect(page.locator(USER_TEXTS).last).to_have_text("min brp hari ngurus imb?")
    answer = await last_bot_text(page, before)
    async with sessions() as session:
        pbg = await get_permit(session, "pbg")
    assert f"{pbg.sla_days} hari kerja" in answer
    assert await page.evaluate("window.sawTyping === true"), "the typing indicator was shown"
    await expect(page.locator("[data-tanya=typing]")).to_be_hidden()
    DOCS.mkdir(exist_ok=True)
    await page.screenshot(path=str(DOCS / "web-chat-phone.png"))


async def test_quick_replies_choose_the_offered_option(
    page: Page, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await open_chat(page)
    before = await bot_count(page)
    await ask(page, "reklame")
    await last_bot_text(page, before)
    chips = page.locator("[data-tanya=quick-reply]")
    await expect(chips).to_have_text(["Persyaratan", "Biaya", "Lama proses", "Prosedur"])
    await chips.get_by_text("Biaya").click()
    await expect(page.locator(USER_TEXTS).last).to_have_text("Biaya")
    answer = await last_bot_text(page, before + 1)
    async with sessions() as session:
        reklame = await get_permit(session, "reklame")
    assert " ".join(reklame.fee.describe().split()) in " ".join(answer.split())
    await expect(chips).to_have_count(0)  # a chosen menu goes away


async def test_a_reload_resumes_the_conversation_with_its_history(
    page: Page, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await open_chat(page)
    before = await bot_count(page)
    await ask(page, "syarat bikin imb apa aja ya")
    await last_bot_text(page, before)
    await expect(page.locator("[data-tanya=typing]")).to_be_hidden()
    said_before = await page.locator(BOT_TEXTS).all_inner_texts()
    await page.reload()
    panel = page.locator("[data-tanya=panel]")
    await expect(panel).to_be_visible()  # stays open across the reload
    await expect(page.locator(USER_TEXTS)).to_have_text(["syarat bikin imb apa aja ya"])
    # The history replaces the greeting, which only a new visitor sees.
    await expect(page.locator(BOT_TEXTS).first).to_have_text(said_before[1])
    await expect(page.get_by_text("Halo! Saya asisten virtual")).to_have_count(0)
    # The server-side conversation is the same one: the permit is remembered.
    await ask(page, "kalau biayanya?")
    async with sessions() as session:
        pbg = await get_permit(session, "pbg")
    await bot_said(page, pbg.fee.describe())


async def test_messages_typed_while_the_gateway_restarts_are_answered(
    page: Page, stack: Stack
) -> None:
    await open_chat(page)
    before = await bot_count(page)
    await ask(page, "halo")
    await last_bot_text(page, before)
    await stack.stop_child("gateway")
    status = page.locator("[data-tanya=status]")
    await expect(status).to_contain_text("Menyambungkan kembali")
    await ask(page, "brp lama ngurus sip dokter")
    await stack.restart_child("gateway")
    await expect(status).to_be_hidden(timeout=RECONNECT_TIMEOUT)
    last_answer = page.locator("[data-tanya=message][data-from=bot]").last
    await expect(last_answer).to_contain_text("hari kerja", timeout=ANSWER_TIMEOUT)
    await expect(page.locator(USER_TEXTS)).to_have_text(["halo", "brp lama ngurus sip dokter"])


async def test_a_long_message_is_cut_at_the_gateways_limit_and_answered(page: Page) -> None:
    """The widget takes its limit from the gateway: what it lets through is never
    refused as too long."""
    limit = GatewaySettings.model_fields["max_message_chars"].default
    await open_chat(page)
    await expect(page.locator("[data-tanya=input]")).to_have_attribute("maxlength", str(limit))
    before = await bot_count(page)
    await ask(page, "syarat pbg apa " + "a" * limit)
    shown = page.locator(USER_TEXTS).last
    await expect(shown).to_have_text(re.compile("^syarat pbg apa a+$"))
    assert len(await shown.inner_text()) == limit
    answer = await last_bot_text(page, before)
    assert "terlalu panjang" not in answer


# Every shown button of the widget with its size; `name` tells which one it is.
SHOWN_BUTTONS = """() => [...document.querySelectorAll('[data-tanya=root] button')]
  .filter(button => button.getClientRects().length > 0)
  .map(button => {
    const box = button.getBoundingClientRect();
    return {name: button.dataset.tanya || button.textContent, width: box.width,
            height: box.height};
  })"""


async def shown_buttons(page: Page) -> list[dict[str, Any]]:
    buttons: list[dict[str, Any]] = await page.evaluate(SHOWN_BUTTONS)
    return buttons


async def test_every_widget_button_and_the_close_button_are_at_least_44_px(page: Page) -> None:
    """On a phone, in each state of the widget: closed (the launcher), open with the
    starters, and after an answer with its buttons. Whatever buttons a state shows,
    each is measured, so one added later is held to the same size."""
    seen = await shown_buttons(page)
    await open_chat(page)
    opened = await shown_buttons(page)
    before = await bot_count(page)
    await ask(page, "reklame")
    await last_bot_text(page, before)
    await expect(page.locator("[data-tanya=quick-reply]").first).to_be_visible()
    answered = await shown_buttons(page)
    names = {button["name"] for button in seen + opened + answered}
    assert {"launcher", "close", "send", "quick-reply"} <= names
    too_small = [b for b in seen + opened + answered if b["width"] < 44 or b["height"] < 44]
    assert too_small == []


INBOX_RELOADS = 30  # every half second: 15 s


def squashed(text: str) -> str:
    return " ".join(text.split())


async def judged_in_inbox(admin: Page, stack: Stack, question: str) -> str:
    """The inbox entry of a judged answer to `question`, as the administrator reads it.

    The widget thanks at once and its verdict reaches the server over the socket after
    that, so a page loaded right away may predate it: the administrator reloads, as
    they would, for up to 15 s."""
    entry = admin.locator("[data-admin=inbox-judged]").filter(has_text=question)
    for _ in range(INBOX_RELOADS):
        await admin.goto(stack.gateway_url + "/console/admin/inbox")
        if await entry.count() > 0:
            break
        await asyncio.sleep(0.5)
    await expect(entry).to_have_count(1)
    return squashed(await entry.inner_text())


async def test_tidak_under_an_answer_takes_it_to_the_admins_inbox(
    page: Page, admin_page: Page, stack: Stack
) -> None:
    question = "brp lama ngurus izin reklame"
    await open_chat(page)
    before = await bot_count(page)
    await ask(page, question)
    await last_bot_text(page, before)
    answer = squashed(await page.locator(BOT_TEXTS).last.inner_text())
    verdict = page.locator("[data-tanya=verdict]")
    await expect(verdict).to_have_count(1)  # under the latest answer only
    await expect(verdict).to_contain_text("Apakah jawaban ini membantu?")
    for name in ("verdict-yes", "verdict-no"):
        box = await page.locator(f"[data-tanya={name}]").bounding_box()
        assert box is not None and box["width"] >= 44 and box["height"] >= 44, (name, box)
    no = page.get_by_role("button", name="Tidak", exact=True)
    await no.focus()
    await page.keyboard.press("Enter")  # keyboard users answer it too
    await expect(verdict).to_have_text("Terima kasih atas masukannya.")
    await expect(page.locator("[data-tanya=verdict-yes]")).to_have_count(0)

    entry = await judged_in_inbox(admin_page, stack, question)
    assert "Pemohon: tidak membantu" in entry
    assert answer[:80] in entry, (answer, entry)
    await page.reload()  # sent once: not offered again for the same answer
    await expect(page.locator(BOT_TEXTS).last).to_be_visible()
    await expect(page.locator("[data-tanya=verdict]")).to_have_count(0)


async def test_a_question_asked_again_right_after_reaches_the_admins_inbox(
    page: Page, admin_page: Page, stack: Stack
) -> None:
    question, again = "berapa biaya izin trayek", "maksud saya syarat izin trayek"
    await open_chat(page)
    before = await bot_count(page)
    await ask(page, question)
    await last_bot_text(page, before)
    answer = squashed(await page.locator(BOT_TEXTS).last.inner_text())
    await ask(page, again)
    await last_bot_text(page, before + 1)
    entry = await judged_in_inbox(admin_page, stack, question)
    assert "Pemohon bertanya ulang" in entry
    assert answer[:80] in entry, (answer, entry)
    assert f"ditanyakan ulang: {again}" in entry
