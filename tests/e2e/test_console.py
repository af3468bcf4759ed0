"""A citizen in the web chat and an agent in the console, two browsers on the whole stack.

The citizen asks for a person (the real NLU and the action server queue them);
the agent, already looking at the queue, sees them arrive without reloading,
claims, reads the transcript, uses the suggestion that holds the application's
live status, edits it and sends it; the citizen sees it; the agent hands back
and the bot answers the citizen's next question.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import datetime

import pytest
import pytest_asyncio
from playwright.async_api import Browser, FloatRect, Locator, Page, expect
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from actions.context import HOURS_TTL_SECONDS
from bot.channels.web import conversation_for
from devstack.supervisor import Stack
from permits.clock import office_zone
from permits.models import Handoff, OfficeSetting, StaffSession, StaffUser
from permits.office_hours import HARI
from permits.office_profile import HOURS
from permits.staff import create_user
from permits.states import HandoffState, MessageState
from permits.transcripts import Outgoing, queue_outbound, record_inbound
from tests.fakes.twilio import sign, status_callback

from .browser import ANSWER_TIMEOUT, DOCS, ask, bot_said, open_admin_page, open_chat
from .conftest import ALWAYS_OPEN, Gateway

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
        # One account for every test of the run (the stack and its database are shared).
        if await session.scalar(select(StaffUser.id).where(StaffUser.username == AGENT)) is None:
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
    await expect(held.locator("[data-console=intent]")).to_contain_text("Cek status")
    suggestion = agent.locator("[data-console=suggestion]").filter(
        has_text=f"Status permohonan {LATE}"
    )
    await expect(suggestion).to_be_visible(timeout=10_000)
    await expect(suggestion).to_contain_text("terlambat 2 hari")
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


# --- outside office hours: duty ("Piket") and honest call-backs ------------------------


async def keep_hours_that_exclude_today(admin: Page, stack: Stack) -> None:
    """An administrator sets the office hours to one day that is not today (WIB), on the
    office settings page, so the call centre is closed now."""
    open_day = (datetime.now(office_zone()).weekday() + 3) % 7
    await admin.goto(stack.gateway_url + "/console/admin/kantor")
    for day, name in enumerate(HARI):
        opened = admin.get_by_label(f"{name} buka", exact=True)
        await opened.set_checked(day == open_day)
    await admin.get_by_label(f"Jam buka {HARI[open_day]}").fill("08.00")
    await admin.get_by_label(f"Jam tutup {HARI[open_day]}").fill("15.00")
    await admin.get_by_role("button", name="Simpan perubahan").click()
    await expect(admin.get_by_text("Pengaturan kantor tersimpan")).to_be_visible()
    # The action server reads the kept hours again at most this often.
    await asyncio.sleep(HOURS_TTL_SECONDS + 1)


async def reopen_around_the_clock(sessions: async_sessionmaker[AsyncSession]) -> None:
    """Back to the hours the stack runs the other tests with, and nobody on duty."""
    async with sessions() as session:
        await session.execute(
            update(OfficeSetting).where(OfficeSetting.key == HOURS).values(value=ALWAYS_OPEN)
        )
        await session.execute(update(StaffSession).values(on_duty_since=None))
        await session.commit()
    await asyncio.sleep(HOURS_TTL_SECONDS + 1)


async def test_outside_office_hours_an_agent_on_duty_answers_and_call_backs_are_honest(
    page: Page,
    agent_page: Page,
    admin_page: Page,
    stack: Stack,
    gateway: Gateway,
    sessions: async_sessionmaker[AsyncSession],
    fresh_conversation_id: str,
) -> None:
    citizen, agent = page, agent_page
    await keep_hours_that_exclude_today(admin_page, stack)
    try:
        # Nobody on duty. WhatsApp knows the applicant's number: the bot confirms it.
        number = "+62812" + str(uuid.uuid4().int)[:7]
        whatsapp = f"whatsapp:{number}"
        reply = await gateway.send(whatsapp, "saya mau bicara dengan petugas")
        assert "di luar jam layanan" in reply.text, reply.text
        assert f"menelepon Anda di nomor {number}" in reply.text
        # The API cannot be phoned: no call-back is promised, nor a number asked for.
        reply = await gateway.send(fresh_conversation_id, "saya mau bicara dengan petugas")
        assert "belum bisa kami teruskan ke petugas" in reply.text, reply.text
        assert "Petugas kami kembali" in reply.text and "call center 1500164" in reply.text
        assert "telepon balik" not in reply.text and "nomor telepon Anda" not in reply.text

        row = agent.locator(f'[data-console=callback-item][data-conversation="{whatsapp}"]')
        await expect(row).to_be_visible(timeout=10_000)
        await expect(row).to_contain_text("Meminta petugas")
        await expect(row).to_contain_text("saya mau bicara dengan petugas")
        await expect(row).to_contain_text(number)
        api_rows = f'[data-conversation="{fresh_conversation_id}"]'
        await expect(agent.locator(api_rows)).to_have_count(0)

        await row.get_by_role("link", name="Lihat").click()
        callback = agent.locator("[data-console=callbacks]")
        await expect(callback).to_contain_text(number)
        await callback.get_by_role("button", name="Sudah ditelepon").click()
        await expect(agent.get_by_text("ditandai sudah ditelepon")).to_be_visible()
        await expect(callback).to_contain_text("Sudah ditelepon oleh Rina Kusuma")
        await expect(callback.get_by_role("button", name="Sudah ditelepon")).to_have_count(0)
        await agent.goto(stack.gateway_url + "/console")
        await expect(agent.locator("[data-console=callback-item]")).to_have_count(0)

        # The agent goes on duty: a web-chat applicant reaches the live queue at night.
        duty = agent.get_by_role("switch", name="Piket")
        await expect(duty).not_to_be_checked()
        await duty.click()
        await expect(agent.get_by_role("switch", name="Piket")).to_be_checked()
        await open_chat(citizen)
        await ask(citizen, "saya mau bicara dengan petugas")
        await bot_said(citizen, "petugas piket")
        token = await citizen.evaluate("localStorage.getItem('tanya-izin-session')")
        queued = agent.locator(
            f'[data-console=queue-item][data-conversation="{conversation_for(token)}"]'
        )
        await expect(queued).to_be_visible(timeout=10_000)
        await queued.get_by_role("button", name="Ambil").click()
        await agent.locator("[data-console=reply]").fill("Selamat malam, saya Rina yang piket.")
        await agent.get_by_role("button", name="Kirim").click()
        from_agent = citizen.locator("[data-tanya=message][data-from=agent]")
        await expect(from_agent).to_contain_text("saya Rina yang piket", timeout=ANSWER_TIMEOUT)
        await agent.get_by_role("button", name="Kembalikan ke bot").click()
    finally:
        await reopen_around_the_clock(sessions)


# --- presence: each side sees who is there and who is typing ----------------------------

# Typing that stopped disappears within this, well before the indicators' own timeouts
# (6 s after the last keystroke told, on both sides).
STOPPED_TYPING_SHOWN_MS = 2_500

# Records who each typing indicator the widget shows is for ("bot" or "agent").
WATCH_TYPING = """() => {
  window.typingShown = [];
  const typing = document.querySelector('[data-tanya=typing]');
  new MutationObserver(() => {
    if (!typing.hidden) window.typingShown.push(typing.dataset.from);
  }).observe(typing, {attributes: true});
}"""


async def test_both_sides_see_who_is_there_and_who_is_typing(
    page: Page, agent_page: Page, stack: Stack
) -> None:
    citizen, agent = page, agent_page
    await open_chat(citizen)
    await ask(citizen, "saya mau bicara dengan petugas")
    await bot_said(citizen, "Posisi antrian Anda")
    token = await citizen.evaluate("localStorage.getItem('tanya-izin-session')")
    row = agent.locator(f'[data-console=queue-item][data-conversation="{conversation_for(token)}"]')
    await expect(row).to_be_visible(timeout=10_000)
    await row.get_by_role("button", name="Ambil").click()

    # The applicant is told who took over, and the chat's header names them.
    joined = citizen.locator("[data-tanya=message][data-from=system]")
    await expect(joined.filter(has_text="Petugas Rina bergabung")).to_be_visible(
        timeout=ANSWER_TIMEOUT
    )
    subtitle = citizen.locator("[data-tanya=subtitle]")
    await expect(subtitle).to_have_text("Dilayani petugas Rina")

    # While the agent holds the conversation the bot's typing dots never show.
    await citizen.evaluate(WATCH_TYPING)
    await ask(citizen, "halo, saya tunggu ya")
    transcript = agent.locator("[data-console=transcript]")
    held = transcript.locator("[data-console=line][data-from=user]").filter(
        has_text="halo, saya tunggu ya"
    )
    await expect(held.locator("[data-console=intent]")).to_be_visible()  # its turn is over
    assert await citizen.evaluate("window.typingShown") == []

    # The applicant types (at a person's pace, so the widget tells it more than once):
    # the agent sees it.
    await citizen.locator("[data-tanya=input]").press_sequentially(
        "sebentar ya, saya cari nomornya", delay=120
    )
    applicant = agent.locator("[data-console=applicant-presence]")
    await expect(applicant).to_have_text("Pemohon sedang mengetik…")
    # They delete it: the agent's "mengetik…" goes at once, not after its 6 s.
    await citizen.locator("[data-tanya=input]").fill("")
    await expect(applicant).to_be_hidden(timeout=STOPPED_TYPING_SHOWN_MS)

    # The agent types: the applicant sees it; the agent deletes it: it goes at once;
    # the agent writes again: it shows until the reply arrives.
    reply = agent.locator("[data-console=reply]")
    await reply.press_sequentially("Baik, saya cek dulu")
    typing = citizen.locator("[data-tanya=typing]")
    await expect(typing).to_contain_text("Petugas sedang mengetik")
    await reply.fill("")
    await expect(typing).to_be_hidden(timeout=STOPPED_TYPING_SHOWN_MS)
    await reply.press_sequentially("Baik, saya cek dulu")
    await expect(typing).to_contain_text("Petugas sedang mengetik")
    await agent.get_by_role("button", name="Kirim").click()
    from_agent = citizen.locator("[data-tanya=message][data-from=agent]")
    await expect(from_agent).to_contain_text("Baik, saya cek dulu", timeout=ANSWER_TIMEOUT)
    await expect(typing).to_be_hidden()
    assert set(await citizen.evaluate("window.typingShown")) == {"agent"}

    # The applicant closes the tab: the agent sees them leave, then come back.
    visitor = citizen.context
    await citizen.close()
    await expect(applicant).to_contain_text("meninggalkan percakapan", timeout=15_000)
    citizen = await visitor.new_page()
    await citizen.goto(stack.gateway_url + "/")
    await open_chat(citizen)
    await expect(applicant).to_have_text("Pemohon kembali ke percakapan.")
    await expect(citizen.locator("[data-tanya=subtitle]")).to_have_text("Dilayani petugas Rina")

    # The agent hands back: the applicant is told the virtual assistant answers again.
    await agent.get_by_role("button", name="Kembalikan ke bot").click()
    back = citizen.locator("[data-tanya=message][data-from=system]").filter(
        has_text="kami kembalikan ke asisten virtual"
    )
    await expect(back).to_be_visible(timeout=ANSWER_TIMEOUT)
    await expect(citizen.locator("[data-tanya=subtitle]")).to_have_text("Asisten perizinan DPMPTSP")


# --- the workspace of a shift: alerts, preview, the reply box, delivery -----------------

# Records, in the agent's page, each desktop-notification permission request and each
# notification shown (headless Chromium shows none on a screen).
RECORD_NOTIFICATIONS = """
window.permissionAsks = 0;
window.notificationsShown = [];
const RealNotification = window.Notification;
const askPermission = RealNotification.requestPermission.bind(RealNotification);
window.Notification = class extends RealNotification {
  constructor(title, options) {
    super(title, options);
    window.notificationsShown.push([title, options && options.body]);
  }
  static requestPermission() {
    window.permissionAsks += 1;
    return askPermission();
  }
};
"""
WORKSPACE = {"width": 1366, "height": 768}  # the call centre's laptops


async def waiting_count(sessions: async_sessionmaker[AsyncSession]) -> int:
    """Conversations other tests of the run left waiting count in the title too."""
    async with sessions() as session:
        count = await session.scalar(
            select(func.count()).select_from(Handoff).where(Handoff.state == HandoffState.QUEUED)
        )
    return int(count or 0)


async def hand_back(agent: Page) -> None:
    """Leave the conversation to the bot, so the queue is as the next test expects."""
    await agent.get_by_role("button", name="Kembalikan ke bot").click()
    await expect(agent.get_by_text("Percakapan dikembalikan ke asisten virtual.")).to_be_visible()


async def claim_from_queue(agent: Page, conversation_id: str) -> None:
    row = agent.locator(f'[data-console=queue-item][data-conversation="{conversation_id}"]')
    await expect(row).to_be_visible(timeout=10_000)
    await row.get_by_role("button", name="Ambil").click()
    await expect(agent.locator("[data-console=handoff-state]")).to_contain_text(
        "Anda menangani percakapan ini"
    )


async def test_a_new_conversation_alerts_the_agent_and_notifications_are_opt_in(
    page: Page,
    agent_page: Page,
    gateway: Gateway,
    stack: Stack,
    sessions: async_sessionmaker[AsyncSession],
    fresh_conversation_id: str,
) -> None:
    citizen, agent = page, agent_page
    await agent.context.add_init_script(RECORD_NOTIFICATIONS)
    await agent.reload()
    opt_in = agent.get_by_role("button", name="Aktifkan notifikasi desktop")
    await expect(opt_in).to_be_visible()
    await agent.get_by_role("heading", name="Antrian percakapan").click()  # sound allowed
    before = await waiting_count(sessions)
    body = agent.locator("body")

    await open_chat(citizen)
    await ask(citizen, "saya mau bicara dengan petugas")
    await bot_said(citizen, "Posisi antrian Anda")
    await expect(agent).to_have_title(f"({before + 1}) Antrian · Tanya PTSP", timeout=10_000)
    await expect(body).to_have_attribute("data-alerts-rung", "1")
    await expect(body).to_have_attribute("data-alert-sound", "played")
    assert await agent.evaluate("window.permissionAsks") == 0  # never asked unasked
    assert await agent.evaluate("window.notificationsShown") == []

    await agent.context.grant_permissions(["notifications"], origin=stack.gateway_url)
    await opt_in.click()
    await expect(agent.get_by_role("button", name="Matikan notifikasi desktop")).to_be_visible()
    assert await agent.evaluate("window.permissionAsks") == 1

    await gateway.send(fresh_conversation_id, "saya mau bicara dengan petugas")
    await expect(agent).to_have_title(f"({before + 2}) Antrian · Tanya PTSP", timeout=10_000)
    await expect(body).to_have_attribute("data-alerts-rung", "2")
    shown = await agent.evaluate("window.notificationsShown")
    assert shown == [["Percakapan baru di antrian", "API · Meminta petugas"]]

    for conversation_id in (conversation_for(await citizen_token(citizen)), fresh_conversation_id):
        await claim_from_queue(agent, conversation_id)
        await hand_back(agent)
    await expect(agent).to_have_title(
        f"({before}) Antrian · Tanya PTSP" if before else "Antrian · Tanya PTSP"
    )


async def citizen_token(citizen: Page) -> str:
    return str(await citizen.evaluate("localStorage.getItem('tanya-izin-session')"))


async def test_a_waiting_conversation_is_previewed_without_claiming_it(
    agent_page: Page,
    gateway: Gateway,
    sessions: async_sessionmaker[AsyncSession],
    fresh_conversation_id: str,
) -> None:
    agent, conversation_id = agent_page, fresh_conversation_id
    await gateway.send(conversation_id, "syarat pbg apa saja")
    await gateway.send(conversation_id, "saya mau bicara dengan petugas")
    row = agent.locator(f'[data-console=queue-item][data-conversation="{conversation_id}"]')
    await expect(row).to_be_visible(timeout=10_000)

    await row.get_by_role("link", name="Pratinjau").click()
    preview = agent.locator("[data-console=preview-dialog]")
    await expect(preview).to_be_visible()
    await expect(preview).to_contain_text("syarat pbg apa saja")
    await expect(preview).to_contain_text("saya mau bicara dengan petugas")
    await expect(preview).to_contain_text("Percakapan tetap di antrian")
    # What the applicant writes meanwhile appears in the open preview.
    await gateway.send(conversation_id, "halo, masih menunggu ya")
    await expect(preview).to_contain_text("halo, masih menunggu ya")
    await preview.get_by_role("button", name="Tutup").click()
    await expect(preview).to_be_hidden()

    async with sessions() as session:
        state = await session.scalar(
            select(Handoff.state).where(Handoff.conversation_id == conversation_id)
        )
    assert state == HandoffState.QUEUED
    await expect(row.get_by_role("button", name="Ambil")).to_be_visible()

    await row.get_by_role("link", name="Pratinjau").click()
    await preview.get_by_role("button", name="Ambil").click()
    await expect(agent.locator("[data-console=handoff-state]")).to_contain_text(
        "Anda menangani percakapan ini"
    )
    await hand_back(agent)


async def earlier_questions(
    sessions: async_sessionmaker[AsyncSession], conversation_id: str, count: int
) -> None:
    """A long conversation before the applicant asked for a person: questions and the
    bot's answers, written into the transcript as the gateway writes them."""
    async with sessions() as session:
        for n in range(count):
            asked = await record_inbound(
                session, conversation_id, f"pertanyaan ke-{n} soal PBG", f"e2e-earlier-{n}"
            )
            assert asked is not None
            asked.state = MessageState.ANSWERED  # not pending: nothing to answer again
            queue_outbound(
                session,
                conversation_id,
                Outgoing(f"Jawaban ke-{n}: syarat PBG adalah KTP, NPWP dan gambar teknis."),
                state=MessageState.SENT,
            )
            await session.commit()


async def test_the_reply_box_stays_in_view_and_ctrl_enter_sends_a_reply_the_widget_reads(
    page: Page, agent_page: Page, sessions: async_sessionmaker[AsyncSession]
) -> None:
    citizen, agent = page, agent_page
    await agent.set_viewport_size(WORKSPACE)
    await open_chat(citizen)
    conversation_id = conversation_for(await citizen_token(citizen))
    await earlier_questions(sessions, conversation_id, 40)
    await ask(citizen, "saya mau bicara dengan petugas")
    await bot_said(citizen, "Posisi antrian Anda")
    await claim_from_queue(agent, conversation_id)

    lines = agent.locator("[data-console=transcript] [data-console=line]")
    assert await lines.count() > 80
    reply = agent.locator("[data-console=reply]")
    for part in (reply, agent.get_by_role("button", name="Kirim")):
        box = await part.bounding_box()
        assert box is not None
        assert box["y"] >= 0 and box["y"] + box["height"] <= WORKSPACE["height"], box
    await expect(lines.filter(has_text="saya mau bicara dengan petugas")).to_be_in_viewport()

    # The applicant's chat is closed: the reply reaches the window but is not seen yet.
    await citizen.locator("[data-tanya=close]").click()
    await agent.evaluate("window.sameDocument = true")
    await reply.fill("Halo, saya Rina. Berkas PBG Anda sedang kami periksa.")
    await reply.press("Control+Enter")
    mine = lines.filter(has_text="Berkas PBG Anda sedang kami periksa")
    delivery = mine.locator("[data-console=delivery]")
    await expect(delivery).to_have_text("terkirim")
    await expect(reply).to_have_value("")
    assert await agent.evaluate("window.sameDocument") is True  # sent without a reload

    await citizen.locator("[data-tanya=launcher]").click()
    from_agent = citizen.locator("[data-tanya=message][data-from=agent]")
    await expect(from_agent).to_contain_text("Berkas PBG Anda sedang kami periksa")
    await expect(delivery).to_have_text("dibaca", timeout=10_000)
    await hand_back(agent)


async def test_whatsapp_reports_delivered_and_read_on_the_agents_reply(
    agent_page: Page, gateway: Gateway
) -> None:
    agent = agent_page
    number = "+62813" + str(uuid.uuid4().int)[:7]
    whatsapp = f"whatsapp:{number}"
    await gateway.send(whatsapp, "saya mau bicara dengan petugas")
    await claim_from_queue(agent, whatsapp)

    text = "Halo, saya Rina dari PTSP. Ada yang bisa dibantu?"
    await agent.locator("[data-console=reply]").fill(text)
    await agent.locator("[data-console=reply]").press("Control+Enter")
    line = agent.locator("[data-console=line][data-from=agent]").filter(has_text=text)
    delivery = line.locator("[data-console=delivery]")
    await expect(delivery).to_have_text("terkirim")
    [sid] = [r["sid"] for r in gateway.twilio.resources if r["body"] == text]

    for status, shown in (("delivered", "diterima"), ("read", "dibaca")):
        form = status_callback(sid, status, number)
        url = gateway.url + "/whatsapp/status"
        async with gateway.http.post(url, data=form, headers=sign(url, form)) as response:
            assert response.status == 200
        await expect(delivery).to_have_text(shown)
    await hand_back(agent)


# --- suggestions worth clicking, and a console that reads in Indonesian ------------------

ONE_ROW = {"width": 1366, "height": 768}


async def box_of(item: Locator) -> FloatRect:
    box = await item.bounding_box()
    assert box is not None, "not shown"
    return box


async def test_suggestions_carry_their_facts_and_the_console_reads_in_indonesian(
    agent_page: Page, admin_page: Page, gateway: Gateway, stack: Stack
) -> None:
    agent = agent_page
    conversation_id = f"api:e2e-saran-{uuid.uuid4().hex[:8]}"
    # The bot's own status answer ends with the status line, flagged: the application is late.
    answer = await gateway.send(conversation_id, f"status {LATE} gmn")
    flagged = [line for line in answer.text.splitlines() if line.startswith("⚠️ ")]
    assert flagged, answer.text
    status_line = flagged[0].removeprefix("⚠️ ")
    assert status_line.endswith("terlambat 2 hari"), status_line
    # A question the NLU reads two ways (an FAQ topic, a permit's requirements), after
    # an application was named: three suggestions, each headed by the fact it carries.
    await gateway.send(conversation_id, "syarat pbg apa aja dan jam buka kantor")
    await agent.goto(f"{stack.gateway_url}/console/conversations/{conversation_id}")
    suggestions = agent.locator("[data-console=suggestion]")
    await expect(suggestions).to_have_count(3)
    facts = await agent.locator("[data-console=suggestion-fact]").all_inner_texts()
    assert set(facts) == {"FAQ: jam layanan", "Syarat PBG", f"Status {LATE}"}, facts
    for fact in facts:
        await expect(agent.get_by_text(fact, exact=True)).to_be_visible()
    last = agent.locator("[data-console=line][data-from=user]").last
    await expect(last.locator("[data-console=intent]")).to_contain_text("FAQ: jam layanan")
    # The status line reads the same in the panel, on the assist page and in the bot.
    days = agent.locator("[data-console=application]").filter(has_text=LATE)
    await expect(days.locator("[data-console=days-line]")).to_have_text(status_line)
    await agent.screenshot(path=str(DOCS / "console-suggestions.png"), full_page=True)
    await agent.goto(f"{stack.gateway_url}/console/assist?q={LATE}")
    await expect(agent.locator("[data-console=days-line]")).to_have_text(status_line)

    # Closed by an agent: no suggestions any more.
    closed_id = f"api:e2e-tutup-{uuid.uuid4().hex[:8]}"
    await gateway.send(closed_id, "brp biaya pbg")
    await gateway.send(closed_id, "saya mau bicara dengan petugas")
    await agent.goto(f"{stack.gateway_url}/console/conversations/{closed_id}")
    await agent.get_by_role("button", name="Ambil percakapan ini").click()
    await expect(agent.locator("[data-console=suggestion]").first).to_be_visible()
    await agent.locator("[data-console=outcome]").select_option("answered")
    await agent.get_by_role("button", name="Tutup percakapan").click()
    await expect(agent.get_by_role("heading", name="Antrian percakapan")).to_be_visible()
    await agent.goto(f"{stack.gateway_url}/console/conversations/{closed_id}")
    await expect(agent.locator("[data-console=suggestions-closed]")).to_be_visible()
    await expect(agent.locator("[data-console=suggestion]")).to_have_count(0)

    # An unknown address: an Indonesian 404 in the console's layout; the favicon loads.
    missing = await agent.goto(f"{stack.gateway_url}/console/tidak-ada")
    assert missing is not None and missing.status == 404
    await expect(agent.get_by_role("heading", name="Halaman tidak ditemukan")).to_be_visible()
    await expect(agent.locator("header.topbar")).to_contain_text("Rina Kusuma")
    icon = await agent.locator("link[rel=icon]").get_attribute("href")
    assert icon is not None
    assert (await agent.request.get(stack.gateway_url + icon)).status == 200

    # An administrator's top bar is one row on a 1366 px laptop; its menus open.
    admin = admin_page
    await admin.set_viewport_size(ONE_ROW)
    await admin.goto(stack.gateway_url + "/console")
    bar = admin.locator("header.topbar")
    items = bar.locator(":scope > .brand, nav > a, nav > details > summary, :scope > form")
    tops = [(await box_of(item))["y"] for item in await items.all()]
    nav = await bar.locator("nav").bounding_box()
    assert nav is not None and nav["height"] < 40, nav
    assert max(tops) - min(tops) <= 12, tops  # vertically centred in one row
    await open_admin_page(admin, "Laporan Layanan")
    await expect(admin.get_by_role("heading", name="Laporan layanan")).to_be_visible()
    await expect(bar.locator("details.menu.current summary")).to_have_text("Laporan")
    await admin.screenshot(path=str(DOCS / "console-menu.png"))
