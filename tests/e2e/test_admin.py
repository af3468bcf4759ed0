"""Administrators in a real browser on the running stack: an FAQ answer, another office's
address or a permit's renewal edited in the page is the bot's next answer; the inbox
and the bottleneck dashboard show real data.

The training, deployment and rollback cycle runs in test_training.py.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import datetime

import pytest
from playwright.async_api import Locator, Page, expect
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from actions.context import HOURS_TTL_SECONDS
from bot.channels.web import conversation_for
from devstack.supervisor import Stack
from permits.clock import office_zone
from permits.demo_catalogue import DEMO_ADDRESS
from permits.models import FaqTopic, OfficeSetting
from permits.office_form import clock_text
from permits.office_hours import DAYS, HARI, OfficeHours
from permits.office_profile import HOURS, describe_hours

from .browser import DOCS, ask, bot_said, open_admin_page, open_chat
from .conftest import ALWAYS_OPEN, Gateway

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="session")]


async def test_an_edited_faq_answer_is_the_next_answer_in_the_web_chat(
    admin_page: Page, page: Page, sessions: async_sessionmaker[AsyncSession]
) -> None:
    new_answer = f"Loket buka Senin–Jumat 07.30–16.00 WIB (jadwal baru {uuid.uuid4().hex[:4]})."
    hours_topic = select(FaqTopic).where(FaqTopic.slug == "jam_layanan")
    async with sessions() as session:
        demo_answer = (await session.scalars(hours_topic)).one().answer
    try:
        await open_admin_page(admin_page, "FAQ")
        await admin_page.locator('a[href="/console/admin/faq/jam_layanan"]').click()
        await admin_page.get_by_label("Jawaban bot").fill(new_answer)
        await admin_page.screenshot(path=str(DOCS / "admin-faq.png"), full_page=True)
        await admin_page.get_by_role("button", name="Simpan perubahan").click()
        await expect(
            admin_page.get_by_text("Perubahan langsung berlaku untuk jawaban berikutnya.")
        ).to_be_visible()

        await open_chat(page)
        await ask(page, "kantor ptsp buka jam brp")
        await bot_said(page, new_answer)
    finally:  # the office-hours test reads the demo answer, {jam_layanan} and all
        async with sessions() as session:
            (await session.scalars(hours_topic)).one().answer = demo_answer
            await session.commit()


async def test_an_edited_service_address_is_the_next_answer_in_the_web_chat(
    admin_page: Page, page: Page
) -> None:
    new_address = f"Mal Pelayanan Publik Sukamaju, Jl. Merdeka No. {uuid.uuid4().hex[:4]}"
    await open_admin_page(admin_page, "Layanan lain")
    await admin_page.locator('a[href="/console/admin/layanan-lain/kk"]').click()
    await admin_page.get_by_label("Alamat", exact=True).fill(new_address)
    await admin_page.screenshot(path=str(DOCS / "admin-directory.png"), full_page=True)
    await admin_page.get_by_role("button", name="Simpan perubahan").click()
    await expect(
        admin_page.get_by_text("Perubahan langsung berlaku untuk jawaban berikutnya.")
    ).to_be_visible()

    await open_chat(page)
    await ask(page, "bikin KK di mana?")
    await bot_said(page, f"Alamat: {new_address}")


async def test_an_edited_renewal_is_the_next_answer_in_the_web_chat(
    admin_page: Page, page: Page
) -> None:
    new_item = f"Bukti SKP terbaru ({uuid.uuid4().hex[:4]})"
    await open_admin_page(admin_page, "Katalog Izin")
    await admin_page.locator('a[href="/console/admin/permits/sip_dokter"]').click()
    renewal = admin_page.locator('[data-admin="variant-perpanjangan"]')
    await renewal.get_by_label("Layanan perpanjangan").select_option("ada")
    await renewal.get_by_label("Persyaratan perpanjangan").fill(f"SIP lama (asli)\n{new_item}")
    # The demo's English list no longer matches the two items: emptied, not translated.
    await renewal.get_by_label("Persyaratan dalam bahasa Inggris").fill("")
    await renewal.get_by_label("Lama proses (hari kerja)").fill("4")
    await admin_page.get_by_label("Masa berlaku (tahun", exact=False).fill("5")
    await admin_page.get_by_role("button", name="Simpan perubahan").click()
    await expect(
        admin_page.get_by_text("Perubahan langsung berlaku untuk jawaban berikutnya.")
    ).to_be_visible()

    await open_chat(page)
    await ask(page, "syarat perpanjangan sip dokter apa aja")
    await bot_said(page, f"2. {new_item}")
    await ask(page, "berapa lama prosesnya")
    await bot_said(page, "paling lama 4 hari kerja")


async def test_the_inbox_groups_what_the_bot_missed(admin_page: Page, gateway: Gateway) -> None:
    for text in ("beli pulsa dong", "mau beli pulsa 50rb", "jual pulsa ga min"):
        await gateway.send(f"api:e2e-{uuid.uuid4().hex[:8]}", text)
    await open_admin_page(admin_page, "Pesan Tak Dikenali")
    pulsa = admin_page.locator("[data-admin=inbox-group]").filter(has_text="pulsa").first
    await expect(pulsa).to_be_visible()
    await admin_page.screenshot(path=str(DOCS / "admin-inbox.png"), full_page=True)


async def test_the_dashboard_shows_where_applications_are_held(admin_page: Page) -> None:
    await open_admin_page(admin_page, "Dasbor")
    await expect(admin_page.get_by_role("heading", level=1)).to_contain_text("hambatan")
    await expect(admin_page.locator("main")).to_contain_text("Dinas Pekerjaan Umum")
    await admin_page.screenshot(path=str(DOCS / "admin-dashboard.png"), full_page=True)


async def test_the_report_page_counts_a_question_just_asked_and_draws_its_charts(
    admin_page: Page, gateway: Gateway
) -> None:
    await open_admin_page(admin_page, "Laporan Layanan")
    total = admin_page.locator("[data-console=question-total]")
    before = int((await total.inner_text()).replace(".", ""))
    await gateway.send(f"api:e2e-{uuid.uuid4().hex[:8]}", "syarat nib apa aja")
    await admin_page.reload()
    await expect(total).to_have_text(f"{before + 1:,}".replace(",", "."))
    # Every chart is drawn by the server as SVG: the page loads nothing from elsewhere.
    await expect(admin_page.locator("main section.card svg").first).to_be_visible()
    assert await admin_page.locator("main section.card svg").count() >= 6
    api = admin_page.locator("[data-console=channel-totals] tr[data-channel=api]")
    await expect(api).to_be_visible()
    await admin_page.screenshot(path=str(DOCS / "admin-laporan.png"), full_page=True)


# --- a safe inbox ------------------------------------------------------------------------


def inbox_group(admin: Page, sample: str) -> Locator:
    return admin.locator("[data-admin=inbox-group]").filter(has_text=sample)


async def test_the_inbox_offers_each_groups_own_intent_and_dismisses_groups_together(
    admin_page: Page, gateway: Gateway
) -> None:
    tag = uuid.uuid4().hex[:6]
    nonsense = [f"qorblat wizzle {tag}", f"qorblat wizzle {tag}!!", f"plumbix dravo {tag}"]
    read = {}  # text → the intent the NLU read
    for text in nonsense:
        reply = await gateway.send(f"api:e2e-{uuid.uuid4().hex[:8]}", text)
        read[text] = (reply.intent or {}).get("name")
    await open_admin_page(admin_page, "Pesan Tak Dikenali")
    first, second = inbox_group(admin_page, nonsense[0]), inbox_group(admin_page, nonsense[2])
    await expect(first.locator("[data-admin=inbox-text]")).to_have_count(1)
    await expect(first.locator(".badge")).to_have_text("2 pesan")

    # Each group offers the intent the NLU read, when examples may be given for it;
    # otherwise nothing (never the first intent of the list).
    for group, text in ((first, nonsense[0]), (second, nonsense[2])):
        select = group.locator("[data-admin=inbox-intent]")
        offered = await select.locator("option").evaluate_all("os => os.map(o => o.value)")
        await expect(select).to_have_value(read[text] if read[text] in offered else "")
    await admin_page.screenshot(path=str(DOCS / "admin-inbox.png"), full_page=True)

    # The header counts exactly the messages listed.
    summary = admin_page.locator("[data-admin=inbox-summary]")
    groups = admin_page.locator("[data-admin=inbox-group]")
    listed = sum(int(n) for n in await groups.evaluate_all("gs => gs.map(g => g.dataset.count)"))
    await expect(summary).to_have_attribute("data-messages", str(listed))
    await expect(summary).to_contain_text(f"{listed} pesan")

    # "Jadikan contoh" without a choice is refused, plainly.
    await first.locator("[data-admin=inbox-intent]").select_option("")
    await first.get_by_role("button", name="Jadikan contoh").click()
    refused = admin_page.get_by_role("status").filter(has_text="pilih dulu maksud")
    await expect(refused).to_be_visible()
    await expect(first).to_be_visible()

    # Both ticked, dismissed together.
    await first.get_by_role("checkbox").check()
    await second.get_by_role("checkbox").check()
    await admin_page.get_by_role("button", name="Abaikan kelompok yang dicentang").click()
    dismissed = admin_page.get_by_role("status").filter(has_text="Kelompok pesan diabaikan.")
    await expect(dismissed).to_be_visible()
    await expect(first).to_have_count(0)
    await expect(second).to_have_count(0)


# --- one source for each fact --------------------------------------------------------------


async def keep_hours(admin: Page, hours: OfficeHours) -> None:
    """The administrator sets the week's hours on the office settings page."""
    await open_admin_page(admin, "Pengaturan Kantor")
    for day, name in enumerate(HARI):
        shift = hours.shifts.get(day)
        await admin.get_by_label(f"{name} buka", exact=True).set_checked(shift is not None)
        if shift is not None:
            await admin.get_by_label(f"Jam buka {name}").fill(clock_text(shift[0]))
            await admin.get_by_label(f"Jam tutup {name}").fill(clock_text(shift[1]))
    await admin.get_by_role("button", name="Simpan perubahan").click()
    await expect(admin.get_by_text("Pengaturan kantor tersimpan")).to_be_visible()


async def test_office_hours_set_once_are_the_faq_answer_the_canned_reply_and_the_footer(
    admin_page: Page, page: Page, stack: Stack, sessions: async_sessionmaker[AsyncSession]
) -> None:
    # Weekdays 07.30–16.00 and Saturday mornings, and today around the clock, so agents
    # stay on duty for the tests that run after this one.
    today = datetime.now(office_zone()).weekday()
    spec = f"Mon-Fri 07:30-16:00; Sat 08:00-12:00; {DAYS[today].title()} 00:00-24:00"
    hours = OfficeHours.parse(spec)
    said = describe_hours(hours)
    try:
        await keep_hours(admin_page, hours)
        await admin_page.screenshot(path=str(DOCS / "admin-office.png"), full_page=True)
        await expect(admin_page.locator("[data-admin=office-hours-text]")).to_have_text(said)

        await open_chat(page)
        await ask(page, "kantor ptsp buka jam brp")
        await bot_said(page, f"buka {said}.")

        await open_admin_page(admin_page, "Balasan Siap")
        reply = admin_page.locator("[data-console=canned-reply]").filter(
            has=admin_page.locator('input[value="Jam layanan loket"]')
        )
        await expect(reply.locator("[data-console=canned-rendered]")).to_have_text(
            f"Loket DPMPTSP buka {said}."
        )
        await page.goto(stack.gateway_url + "/")  # the office's homepage
        await expect(page.locator("footer")).to_contain_text(f"Jam layanan: {said}")
    finally:
        async with sessions() as session:  # the hours the stack runs the other tests with
            await session.execute(
                update(OfficeSetting).where(OfficeSetting.key == HOURS).values(value=ALWAYS_OPEN)
            )
            await session.commit()
        await asyncio.sleep(HOURS_TTL_SECONDS + 1)


async def test_a_canned_reply_reaches_the_agent_with_the_offices_facts_filled_in(
    admin_page: Page, page: Page, stack: Stack
) -> None:
    title = f"Alamat dan kontak {uuid.uuid4().hex[:4]}"
    await open_admin_page(admin_page, "Balasan Siap")
    await admin_page.get_by_label("Judul", exact=True).first.fill(title)
    await admin_page.get_by_label("Isi balasan", exact=True).first.fill(
        "Kantor kami di lantai 2 {alamat_kantor}, call center {call_center}. {nama_petugas}"
    )
    await admin_page.get_by_role("button", name="Simpan", exact=True).click()
    mine = admin_page.locator("[data-console=canned-reply]").filter(
        has=admin_page.locator(f'input[value="{title}"]')
    )
    await expect(mine.locator("[data-console=canned-unknown]")).to_contain_text("{nama_petugas}")

    await open_chat(page)
    await ask(page, "saya mau bicara dengan petugas")
    await bot_said(page, "Posisi antrian Anda")
    token = await page.evaluate("localStorage.getItem('tanya-izin-session')")
    await admin_page.goto(stack.gateway_url + "/console")
    row = admin_page.locator(
        f'[data-console=queue-item][data-conversation="{conversation_for(token)}"]'
    )
    await row.get_by_role("button", name="Ambil").click()
    canned = admin_page.locator("[data-console=canned-item]").filter(has_text=title)
    filled = f"Kantor kami di lantai 2 {DEMO_ADDRESS}, call center 1500164. {{nama_petugas}}"
    await expect(canned.locator("[data-console=suggestion-text]")).to_have_text(filled)
    await canned.get_by_role("button", name="Pakai").click()
    await expect(admin_page.locator("[data-console=reply]")).to_have_value(filled)
    await admin_page.get_by_role("button", name="Kembalikan ke bot").click()


async def test_the_pbg_editor_shows_only_its_own_fee_fields(admin_page: Page) -> None:
    await open_admin_page(admin_page, "Katalog Izin")
    await admin_page.locator('a[href="/console/admin/permits/pbg"]').click()
    pbg = admin_page.locator('fieldset[data-fee-kind="pbg_retribution"]')
    flat = admin_page.locator('fieldset[data-fee-kind="flat"]')
    table = admin_page.locator('fieldset[data-fee-kind="table"]')
    await expect(pbg.get_by_label("Harga satuan per m² (Rp)")).to_be_visible()
    await expect(flat).to_be_hidden()
    await expect(table).to_be_hidden()
    # Choosing another kind shows that kind's fields instead (unsaved).
    await admin_page.get_by_label("Jenis biaya", exact=True).select_option("flat")
    await expect(flat.get_by_label("Nominal (Rp)")).to_be_visible()
    await expect(pbg).to_be_hidden()
