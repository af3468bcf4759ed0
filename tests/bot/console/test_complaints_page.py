"""The complaints page: integrity reports first, categories corrected by agents, anonymous
reports, and the CSV export for the office's SP4N-LAPOR! follow-up."""

from __future__ import annotations

import csv
import html
import io
import re
from datetime import UTC, datetime
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient
from sqlalchemy import select, update

from permits.complaints import file_complaint
from permits.db import create_engine, create_sessionmaker
from permits.models import Complaint, Message
from tests.bot.console.conftest import ADMIN_PASSWORD, AGENT_PASSWORD, csrf_in, signed_in

Client = TestClient[web.Request, web.Application]
PAGE = "/console/complaints"
CSV = "/console/complaints.csv"
REPORTER = "whatsapp:+6281234567890"
PHONE_PATTERN = re.compile(r"\+?62\d{8,}|08\d{2}[\s.-]?\d{3,}")


async def file(
    database_url: str, conversation_id: str, text: str, at: datetime | None = None
) -> str:
    """File a complaint as the bot does; `at` backdates it. Its ticket."""
    engine = create_engine(database_url)
    try:
        async with create_sessionmaker(engine)() as session:
            ticket = (await file_complaint(session, conversation_id, text)).ticket
            if at is not None:
                await session.execute(
                    update(Complaint).where(Complaint.ticket == ticket).values(created_at=at)
                )
                await session.commit()
    finally:
        await engine.dispose()
    return ticket


async def stored(database_url: str, ticket: str) -> Complaint:
    engine = create_engine(database_url)
    try:
        async with create_sessionmaker(engine)() as session:
            found = await session.scalar(select(Complaint).where(Complaint.ticket == ticket))
            outbound = await session.scalar(select(Message.id).where(Message.direction == "out"))
    finally:
        await engine.dispose()
    assert found is not None and outbound is None  # and nothing was sent to anybody
    return found


def tickets_in_order(page: str) -> list[str]:
    return re.findall(r'data-console="complaint" data-ticket="([^"]+)"', page)


def card(page: str, ticket: str) -> str:
    found = re.search(rf'data-ticket="{ticket}"(.*?)</section>', page, re.S)
    assert found is not None, f"no card for {ticket}"
    return html.unescape(found.group(1))


def csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


async def as_staff(gateway: Client, aiohttp_client: Any, username: str, password: str) -> Client:
    client: Client = await aiohttp_client(gateway.server)
    await signed_in(client, username, password)
    return client


async def test_integrity_reports_head_the_list_and_name_nobody(
    gateway: Client, gateway_database: str, aiohttp_client: Any
) -> None:
    service = await file(gateway_database, "web:pelapor-a", "petugas loket tidak ramah")
    report = await file(gateway_database, REPORTER, "ada calo minta duit di depan kantor")
    delay = await file(gateway_database, "web:pelapor-b", "udah 2 bulan blm jadi")
    agent = await as_staff(gateway, aiohttp_client, "sari", AGENT_PASSWORD)
    page = await (await agent.get(PAGE)).text()
    assert tickets_in_order(page) == [report, delay, service]
    anonymous = card(page, report)
    assert "Integritas (pungli/calo)" in anonymous and "Anonim" in anonymous
    assert "lihat percakapan" not in anonymous and "pelapor anonim" in anonymous
    assert "6281234567890" not in page
    assert "Keterlambatan" in card(page, delay) and "lihat percakapan" in card(page, delay)
    assert "Pelayanan" in card(page, service)
    only_delays = await (await agent.get(PAGE, params={"kategori": "keterlambatan"})).text()
    assert tickets_in_order(only_delays) == [delay]


async def test_an_agent_corrects_a_category_and_the_audit_log_keeps_it(
    gateway: Client, gateway_database: str, aiohttp_client: Any
) -> None:
    older = await file(gateway_database, "web:pelapor-a", "loket lama sekali")
    newer = await file(gateway_database, "web:pelapor-b", "petugas judes")
    agent = await as_staff(gateway, aiohttp_client, "sari", AGENT_PASSWORD)
    page = await (await agent.get(PAGE)).text()
    assert tickets_in_order(page) == [newer, older]
    complaint_id = (await stored(gateway_database, older)).id
    corrected = await agent.post(
        f"{PAGE}/{complaint_id}/kategori",
        data={"csrf_token": csrf_in(page), "category": "integritas"},
        allow_redirects=False,
    )
    assert corrected.status == 303
    assert corrected.headers["Location"] == f"{PAGE}?pesan=kategori-diperbaiki"
    page = await (await agent.get(PAGE, params={"pesan": "kategori-diperbaiki"})).text()
    assert "Kategori pengaduan diperbaiki." in page
    assert tickets_in_order(page) == [older, newer]  # now an integrity report: first
    assert 'data-category="integritas"' in page
    kept = await stored(gateway_database, older)
    # Filed with its conversation, it keeps it: the reporter was not promised anonymity.
    assert (kept.category, kept.anonymous, kept.conversation_id) == (
        "integritas",
        False,
        "web:pelapor-a",
    )
    unknown = await agent.post(
        f"{PAGE}/{complaint_id}/kategori", data={"csrf_token": csrf_in(page), "category": "x"}
    )
    assert unknown.status == 400

    admin = await as_staff(gateway, aiohttp_client, "admin", ADMIN_PASSWORD)
    audit = await (await admin.get("/console/admin/audit", params={"jenis": "pengaduan"})).text()
    [entry] = re.findall(r'<tr data-admin="audit-entry">(.*?)</tr>', audit, re.S)
    entry = html.unescape(entry)
    assert "Sari" in entry and "Kategori pengaduan diperbaiki" in entry
    assert f"complaint:{older}" in entry
    assert "Pelayanan" in entry and "Integritas (pungli/calo)" in entry


async def test_an_answer_to_an_anonymous_report_is_kept_not_sent(
    gateway: Client, gateway_database: str, aiohttp_client: Any
) -> None:
    report = await file(gateway_database, REPORTER, "petugas minta uang rokok")
    agent = await as_staff(gateway, aiohttp_client, "sari", AGENT_PASSWORD)
    page = await (await agent.get(PAGE)).text()
    assert "Simpan tanggapan" in card(page, report)
    complaint_id = (await stored(gateway_database, report)).id
    answered = await agent.post(
        f"{PAGE}/{complaint_id}",
        data={
            "csrf_token": csrf_in(page),
            "answer": "Diteruskan ke Inspektorat.",
            "state": "diproses",
        },
        allow_redirects=False,
    )
    assert answered.headers["Location"] == f"{PAGE}?pesan=pengaduan-anonim-tersimpan"
    kept = await stored(gateway_database, report)  # asserts no message went out
    assert (kept.answer, kept.state) == ("Diteruskan ke Inspektorat.", "diproses")


async def test_the_csv_export_covers_office_days_and_a_category_without_personal_data(
    gateway: Client, gateway_database: str, aiohttp_client: Any
) -> None:
    # 16:59 UTC on 31 March is 23:59 WIB, still March; 17:01 UTC is 1 April in WIB.
    march_report = await file(
        gateway_database,
        REPORTER,
        "calo minta 500rb, hubungi saya 0812-3456-7890 atau budi@example.com",
        datetime(2026, 3, 31, 16, 59, tzinfo=UTC),
    )
    april_report = await file(
        gateway_database, REPORTER, "ada pungli", datetime(2026, 3, 31, 17, 1, tzinfo=UTC)
    )
    march_delay = await file(
        gateway_database,
        REPORTER,
        "udah 2 bulan blm jadi, wa saya +62 812 3456 7890",
        datetime(2026, 3, 1, 0, 30, tzinfo=UTC),
    )
    february = await file(
        gateway_database, "web:x", "loket tutup", datetime(2026, 2, 28, 16, 59, tzinfo=UTC)
    )
    agent = await as_staff(gateway, aiohttp_client, "sari", AGENT_PASSWORD)
    page = await (await agent.get(PAGE)).text()
    export_form = re.search(r'data-console="complaint-export">(.*?)</form>', page, re.S)
    assert export_form is not None and 'name="dari"' in export_form.group(1)

    march = {"dari": "2026-03-01", "sampai": "2026-03-31"}
    response = await agent.get(CSV, params={**march, "kategori": "integritas"})
    assert response.status == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="pengaduan-integritas-2026-03-01-sd-2026-03-31.csv"'
    )
    text = await response.text()
    header, *rows = csv_rows(text)
    assert header == [
        "Nomor tiket",
        "Masuk (WIB)",
        "Kategori",
        "Status",
        "Isi pengaduan",
        "Tanggapan",
    ]
    assert rows == [
        [
            march_report,
            "2026-03-31 23:59",
            "Integritas (pungli/calo)",
            "Baru",
            "calo minta 500rb, hubungi saya [nomor telepon] atau [email]",
            "",
        ]
    ]
    assert not PHONE_PATTERN.search(text) and "whatsapp" not in text

    everything = await (await agent.get(CSV, params=march)).text()
    tickets = [row[0] for row in csv_rows(everything)[1:]]
    assert tickets == [march_delay, march_report]  # oldest first; not February, not April
    assert april_report not in everything and february not in everything
    delay_row = csv_rows(everything)[1]
    assert delay_row[1] == "2026-03-01 07:30" and delay_row[2] == "Keterlambatan"
    assert not PHONE_PATTERN.search(everything) and "[nomor telepon]" in delay_row[4]


async def test_the_csv_export_needs_a_login(gateway: Client) -> None:
    response = await gateway.get(CSV, allow_redirects=False)
    assert response.status == 302
    assert response.headers["Location"].startswith("/console/login")
