"""Administrators in a real browser on the running stack: an FAQ answer, another office's
address or a permit's renewal edited in the page is the bot's next answer; the inbox
and the bottleneck dashboard show real data.

The training, deployment and rollback cycle runs in test_training.py.
"""

from __future__ import annotations

import uuid

import pytest
from playwright.async_api import Page, expect

from .browser import DOCS, ask, bot_said, open_chat
from .conftest import Gateway

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="session")]


async def test_an_edited_faq_answer_is_the_next_answer_in_the_web_chat(
    admin_page: Page, page: Page
) -> None:
    new_answer = f"Loket buka Senin–Jumat 07.30–16.00 WIB (jadwal baru {uuid.uuid4().hex[:4]})."
    await admin_page.get_by_role("link", name="FAQ").click()
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


async def test_an_edited_service_address_is_the_next_answer_in_the_web_chat(
    admin_page: Page, page: Page
) -> None:
    new_address = f"Mal Pelayanan Publik Sukamaju, Jl. Merdeka No. {uuid.uuid4().hex[:4]}"
    await admin_page.get_by_role("link", name="Layanan lain").click()
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
    await admin_page.get_by_role("link", name="Katalog Izin").click()
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
    await admin_page.get_by_role("link", name="Pesan Tak Dikenali").click()
    pulsa = admin_page.locator("[data-admin=inbox-group]").filter(has_text="pulsa").first
    await expect(pulsa).to_be_visible()
    await admin_page.screenshot(path=str(DOCS / "admin-inbox.png"), full_page=True)


async def test_the_dashboard_shows_where_applications_are_held(admin_page: Page) -> None:
    await admin_page.get_by_role("link", name="Dasbor").click()
    await expect(admin_page.get_by_role("heading", level=1)).to_contain_text("hambatan")
    await expect(admin_page.locator("main")).to_contain_text("Dinas Pekerjaan Umum")
    await admin_page.screenshot(path=str(DOCS / "admin-dashboard.png"), full_page=True)
