"""The console's other pages: assist box, complaints, canned replies, statistics, access."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from bot.channels.web import conversation_for
from bot.console.formats import number, percent
from bot.keys import SESSIONS
from permits.answers import status_answer
from permits.clock import local_time, office_zone
from permits.complaints import file_complaint
from permits.db import create_engine, create_sessionmaker
from permits.handoff import claim, close, mark_survey_asked, record_survey, request_handoff
from permits.models import CannedReply, StaffUser
from permits.status import days_line, status_for_staff
from permits.transcripts import record_inbound, settle_inbound
from tests.bot.conftest import FakeRasa, GatewayFactory, chat_window
from tests.bot.console.conftest import csrf_in, signed_in, with_demo

Client = TestClient[web.Request, web.Application]
PASSWORD = "sandi-petugas-rahasia"
LATE = "PTSP-2025-7KQ4MZ"
TOKEN = "pelapor-pengaduan-0123456789"


async def staff_id(session: AsyncSession, username: str) -> int:
    found = await session.scalar(select(StaffUser.id).where(StaffUser.username == username))
    assert found is not None
    return found


async def agent_client(make_gateway: GatewayFactory, aiohttp_client: Any, who: str) -> Client:
    gateway = await make_gateway()
    client: Client = await aiohttp_client(gateway.server)
    await signed_in(client, who, PASSWORD)
    return client


async def test_the_assist_box_reads_a_callers_question_and_looks_up_a_number(
    make_gateway: GatewayFactory,
    gateway_database: str,
    fake_rasa: tuple[FakeRasa, TestServer],
    aiohttp_client: Any,
) -> None:
    rasa, _ = fake_rasa
    await with_demo(gateway_database, PASSWORD)
    rasa.readings["brp biaya imb"] = {
        "intent": {"name": "ask_fee", "confidence": 0.88},
        "entities": [{"entity": "permit_type", "value": "pbg"}],
        "intent_ranking": [
            {"name": "ask_fee", "confidence": 0.88},
            {"name": "ask_requirements", "confidence": 0.07},
        ],
    }
    agent = await agent_client(make_gateway, aiohttp_client, "siti")
    page = await (await agent.get("/console/assist", params={"q": "brp biaya imb"})).text()
    texts = re.findall(r'data-console="suggestion-text">([^<]*)<', page)
    assert texts[0].startswith("Biaya Persetujuan Bangunan Gedung")
    assert any(text.startswith("Persyaratan Persetujuan Bangunan Gedung") for text in texts)
    status = await (await agent.get("/console/assist", params={"q": LATE.lower()})).text()
    assert 'data-console="assist-status"' in status and "terlambat" in status
    missing = await (await agent.get("/console/assist", params={"q": "PTSP-2025-ZZZZZZ"})).text()
    assert "tidak ditemukan" in missing


async def test_the_assist_box_still_looks_up_numbers_when_rasa_is_down(
    make_gateway: GatewayFactory,
    gateway_database: str,
    fake_rasa: tuple[FakeRasa, TestServer],
    aiohttp_client: Any,
) -> None:
    rasa, _ = fake_rasa
    rasa.down = True
    await with_demo(gateway_database, PASSWORD)
    agent = await agent_client(make_gateway, aiohttp_client, "siti")
    page = await (await agent.get("/console/assist", params={"q": f"cek {LATE}"})).text()
    assert "Pemahaman bahasa sedang tidak tersedia" in page
    assert 'data-console="assist-status"' in page


async def test_a_complaint_answer_reaches_the_user_and_moves_its_state(
    make_gateway: GatewayFactory, gateway_database: str, aiohttp_client: Any
) -> None:
    await with_demo(gateway_database, PASSWORD)
    gateway = await make_gateway()
    agent: Client = await aiohttp_client(gateway.server)
    await signed_in(agent, "siti", PASSWORD)
    async with chat_window(gateway, TOKEN) as socket:
        await socket.send_json({"type": "message", "id": "c1", "text": "loket lama sekali"})
        engine = create_engine(gateway_database)
        async with create_sessionmaker(engine)() as session:
            filed = await file_complaint(session, conversation_for(TOKEN), "loket lama sekali")
            ticket = filed.ticket
        await engine.dispose()
        page = await (await agent.get("/console/complaints?status=baru")).text()
        assert ticket in page and "loket lama sekali" in page
        filed = re.search(r"masuk (\d{2}-\d{2}-\d{4} \d{2}\.\d{2}) WIB ·", page)
        assert filed is not None and " UTC" not in page  # the office's time, as elsewhere
        now = datetime.now(UTC)
        hours = {local_time(now - timedelta(minutes=m), office_zone())[:13] for m in (0, 5)}
        assert filed.group(1)[:13] in hours  # the hour in WIB, seven ahead of UTC
        complaint_id = re.search(r'action="/console/complaints/(\d+)"', page)
        assert complaint_id is not None
        answered = await agent.post(
            f"/console/complaints/{complaint_id.group(1)}",
            data={
                "csrf_token": csrf_in(page),
                "answer": "Loket 3 kami tambah.",
                "state": "selesai",
            },
            allow_redirects=False,
        )
        assert answered.headers["Location"] == "/console/complaints?pesan=pengaduan-dijawab"
        told = await _message_containing(socket, ticket)
    assert "Loket 3 kami tambah." in told and "Status pengaduan: Selesai." in told
    done = await (await agent.get("/console/complaints?status=selesai")).text()
    assert ticket in done


async def _message_containing(socket: aiohttp.ClientWebSocketResponse, fragment: str) -> str:
    while True:
        event = await asyncio.wait_for(socket.receive_json(), timeout=8)
        if event["type"] == "message" and fragment in event["text"]:
            return str(event["text"])


async def test_canned_replies_are_kept_by_admins_and_offered_to_agents(
    make_gateway: GatewayFactory, gateway_database: str, aiohttp_client: Any
) -> None:
    await with_demo(gateway_database, PASSWORD)
    gateway = await make_gateway()
    admin: Client = await aiohttp_client(gateway.server)
    agent: Client = await aiohttp_client(gateway.server)
    await signed_in(admin, "admin", PASSWORD)
    await signed_in(agent, "siti", PASSWORD)
    assert (await agent.get("/console/canned")).status == 403
    page = await (await admin.get("/console/canned")).text()
    saved = await admin.post(
        "/console/canned",
        data={"csrf_token": csrf_in(page), "title": "Jam loket", "text": "Loket buka 08.00."},
        allow_redirects=False,
    )
    assert saved.headers["Location"] == "/console/canned?pesan=balasan-tersimpan"
    forged = await admin.post(
        "/console/canned",
        data={"csrf_token": "palsu", "title": "Jahat", "text": "x"},
        allow_redirects=False,
    )
    assert forged.status == 403
    agent_page = await (await agent.get("/console")).text()
    assert (await admin.get("/console/canned")).status == 200
    assert "Jahat" not in await (await admin.get("/console/canned")).text()
    # An agent holding a conversation sees the canned reply beside it.
    engine = create_engine(gateway_database)
    async with create_sessionmaker(engine)() as session:
        queued = await request_handoff(session, "web:kanal", "request")
        await claim(session, queued.handoff_id, await staff_id(session, "siti"))
        await record_inbound(session, "web:kanal", "halo", None)
    await engine.dispose()
    assert "Antrian" in agent_page
    conversation = await (await agent.get("/console/conversations/web:kanal")).text()
    assert "Jam loket" in conversation and "Loket buka 08.00." in conversation


async def test_statistics_show_each_agents_day(
    make_gateway: GatewayFactory, gateway_database: str, aiohttp_client: Any
) -> None:
    await with_demo(gateway_database, PASSWORD)
    engine = create_engine(gateway_database)
    async with create_sessionmaker(engine)() as session:
        siti = await staff_id(session, "siti")
        for conversation, score in [("web:a", 4), ("web:b", 2)]:
            queued = await request_handoff(session, conversation, "request")
            await claim(session, queued.handoff_id, siti)
            closed = await close(session, queued.handoff_id, siti, "answered")
            assert closed is not None
            await mark_survey_asked(session, closed)
            await record_survey(session, closed, score)
    await engine.dispose()
    agent = await agent_client(make_gateway, aiohttp_client, "siti")
    page = await (await agent.get("/console/stats")).text()
    rows = re.search(r'data-console="agent-days">(.*?)</table>', page, re.S)
    assert rows is not None
    assert "Siti" in rows.group(1) and "<td>2</td>" in rows.group(1)
    assert "3,00" in rows.group(1) and "Terjawab: 2" in rows.group(1)  # comma decimals
    assert not re.search(r"\d\.\d", rows.group(1))
    assert "Hari dihitung dalam waktu WIB." in page


async def test_console_pages_need_a_login(make_gateway: GatewayFactory) -> None:
    gateway = await make_gateway()
    for path in ("/console", "/console/assist", "/console/stats", "/console/complaints"):
        response = await gateway.get(path, allow_redirects=False)
        assert response.status == 302 and response.headers["Location"].startswith(
            "/console/login"
        ), path
    refused = await gateway.post("/console/handoffs/1/claim", allow_redirects=False)
    assert refused.status == 401
    socket = await gateway.get("/console/ws", headers={"Upgrade": "websocket"})
    assert socket.status == 401


SECURITY_HEADERS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
    "Referrer-Policy": "same-origin",
}


async def test_console_pages_cannot_be_framed_cached_or_sniffed(
    make_gateway: GatewayFactory, gateway_database: str, aiohttp_client: Any
) -> None:
    """Every console and admin response (login, pages, refusals, exports, scripts) tells
    the browser: no framing by another site, no caching, no type sniffing, no referrer,
    scripts only from our own files; and no page holds an inline script that this
    policy would block. Fails on 538ba62, which sent none of these headers."""
    await with_demo(gateway_database, PASSWORD)
    anonymous = await make_gateway()
    admin = await agent_client(make_gateway, aiohttp_client, "admin")
    responses = [
        await anonymous.get("/console/login"),
        await anonymous.get("/console/staff", headers={"Accept": "application/json"}),
        await anonymous.get("/console/static/console.js"),
    ]
    for path in (
        "/console",
        "/console/assist",
        "/console/staff",
        "/console/canned",
        "/console/admin/dashboard",
        "/console/admin/audit",
        "/console/admin/dashboard.csv",
    ):
        responses.append(await admin.get(path))
    for response in responses:
        where = f"{response.method} {response.url.path} ({response.status})"
        for name, value in SECURITY_HEADERS.items():
            assert response.headers.get(name) == value, where
        policy = response.headers.get("Content-Security-Policy", "")
        assert "frame-ancestors 'none'" in policy and "script-src 'self'" in policy, where
        if response.content_type == "text/html":
            assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", await response.text()), where
    assert (await anonymous.get("/")).headers.get("X-Frame-Options") is None  # not the site


async def test_staff_account_and_canned_reply_changes_are_audited(
    make_gateway: GatewayFactory, gateway_database: str, aiohttp_client: Any
) -> None:
    """The audit page, which says every administrator's change is there, lists staff
    accounts created, deactivated and activated, and canned replies added, edited and
    deleted, with who did it and what changed; never a password. Fails on 538ba62,
    which logged none of them."""
    await with_demo(gateway_database, PASSWORD)
    admin = await agent_client(make_gateway, aiohttp_client, "admin")
    token = csrf_in(await (await admin.get("/console/staff")).text())
    created = await admin.post(
        "/console/staff",
        data={
            "csrf_token": token,
            "action": "create",
            "username": "bayu",
            "full_name": "Bayu Pratama",
            "role": "agent",
            "password": "sandi-awal-bayu-77",
        },
        allow_redirects=False,
    )
    assert created.status == 302
    async with admin.app[SESSIONS]() as session:
        bayu = await staff_id(session, "bayu")
    for action in ("deactivate", "activate"):
        await admin.post(
            "/console/staff",
            data={"csrf_token": token, "action": action, "user_id": str(bayu)},
            allow_redirects=False,
        )
    await admin.post(
        "/console/canned",
        data={"csrf_token": token, "title": "Jam loket", "text": "Loket buka 08.00."},
    )
    async with admin.app[SESSIONS]() as session:
        canned = await session.scalar(
            select(CannedReply.id).where(CannedReply.title == "Jam loket")
        )
    await admin.post(
        "/console/canned",
        data={"csrf_token": token, "id": str(canned), "title": "Jam loket", "text": "Buka 07.30."},
    )
    await admin.post(f"/console/canned/{canned}/delete", data={"csrf_token": token})

    staff_log = await (await admin.get("/console/admin/audit", params={"jenis": "petugas"})).text()
    for label in ("Akun petugas dibuat", "Akun petugas dinonaktifkan", "Akun petugas diaktifkan"):
        assert label in staff_log
    assert "staff:bayu" in staff_log and "Bayu Pratama" in staff_log
    assert "sandi-awal-bayu-77" not in staff_log
    canned_log = await (await admin.get("/console/admin/audit", params={"jenis": "balasan"})).text()
    for label in ("ditambahkan", "diubah", "dihapus"):
        assert f"Balasan siap pakai {label}" in canned_log
    assert "Loket buka 08.00." in canned_log and "Buka 07.30." in canned_log


# --- Indonesian for staff: numbers, labels, error pages -----------------------------------


def test_numbers_read_with_indonesian_separators() -> None:
    assert number(1234567) == "1.234.567"
    assert number(5.25, 1) == "5,2" and number(3, 2) == "3,00"
    assert number(None) == "–"
    assert percent(0.873) == "87%" and percent(0.4444, 1) == "44,4%"


async def reading_stored(
    database_url: str, conversation_id: str, text: str, nlu: dict[str, Any], intent: str
) -> None:
    """A user message with the NLU's reading, as the gateway stores it."""
    engine = create_engine(database_url)
    async with create_sessionmaker(engine)() as session:
        said = await record_inbound(session, conversation_id, text, None)
        assert said is not None
        top = nlu["ranking"][0]["confidence"]
        await settle_inbound(session, said, "held", [], intent=intent, confidence=top, nlu=nlu)
    await engine.dispose()


async def test_the_transcript_and_suggestions_name_intents_in_indonesian(
    make_gateway: GatewayFactory, gateway_database: str, aiohttp_client: Any
) -> None:
    await with_demo(gateway_database, PASSWORD)
    faq = {
        "ranking": [
            {"name": "faq", "confidence": 0.88},
            {"name": "check_status", "confidence": 0.1},
        ],
        "entities": [],
        "faq_topic": "jam_layanan",
    }
    await reading_stored(gateway_database, "web:label", "buka jam brp", faq, "faq")
    agent = await agent_client(make_gateway, aiohttp_client, "siti")
    page = await (await agent.get("/console/conversations/web:label")).text()
    badge = re.search(r'data-console="intent" data-intent="faq">([^<]*)<', page)
    assert badge is not None and badge.group(1) == "FAQ: jam layanan · 88%"
    facts = re.findall(r'data-console="suggestion-fact">([^<]*)<', page)
    assert facts[0] == "FAQ: jam layanan"
    # The fact is the intent's label here, so it is not said twice.
    assert re.findall(r'data-console="suggestion-why">([^<]*)<', page)[0] == "88%"


async def test_the_panel_and_the_assist_page_say_the_status_line_of_the_bot(
    make_gateway: GatewayFactory,
    gateway_database: str,
    fake_rasa: tuple[FakeRasa, TestServer],
    aiohttp_client: Any,
) -> None:
    rasa, _ = fake_rasa
    await with_demo(gateway_database, PASSWORD)
    reading = {
        "ranking": [{"name": "check_status", "confidence": 0.9}],
        "entities": [{"entity": "application_number", "value": LATE}],
    }
    await reading_stored(gateway_database, "web:status", f"status {LATE}", reading, "check_status")
    engine = create_engine(gateway_database)
    async with create_sessionmaker(engine)() as session:
        view = await status_for_staff(session, LATE)
    await engine.dispose()
    line = days_line(view)
    assert line == "12 hari kerja di tahap ini · total 30 dari SLA 28 hari kerja · terlambat 2 hari"
    bot_says = status_answer(view, office_zone())
    assert line in bot_says
    agent = await agent_client(make_gateway, aiohttp_client, "siti")
    panel = await (await agent.get("/console/conversations/web:status/panel")).text()
    assert re.findall(r'data-console="days-line">([^<]*)<', panel) == [line]
    rasa.readings[LATE] = {
        "intent": {"name": "check_status", "confidence": 0.93},
        "entities": [{"entity": "application_number", "value": LATE}],
        "intent_ranking": [{"name": "check_status", "confidence": 0.93}],
    }
    assist = await (await agent.get("/console/assist", params={"q": LATE})).text()
    assert re.findall(r'data-console="days-line">([^<]*)<', assist) == [line]
    assert "Terbaca: Cek status (93%)" in assist


async def test_a_closed_conversation_offers_no_suggestions(
    make_gateway: GatewayFactory, gateway_database: str, aiohttp_client: Any
) -> None:
    await with_demo(gateway_database, PASSWORD)
    reading = {
        "ranking": [{"name": "ask_fee", "confidence": 0.9}],
        "entities": [{"entity": "permit_type", "value": "pbg"}],
    }
    await reading_stored(gateway_database, "web:selesai", "brp biaya pbg", reading, "ask_fee")
    engine = create_engine(gateway_database)
    async with create_sessionmaker(engine)() as session:
        siti = await staff_id(session, "siti")
        queued = await request_handoff(session, "web:selesai", "request")
        await claim(session, queued.handoff_id, siti)
    agent = await agent_client(make_gateway, aiohttp_client, "siti")
    held = await (await agent.get("/console/conversations/web:selesai")).text()
    assert re.findall(r'data-console="suggestion-fact">([^<]*)<', held)[0] == "Biaya PBG"
    async with create_sessionmaker(engine)() as session:
        await close(session, queued.handoff_id, siti, "answered")
    await engine.dispose()
    for path in ("/console/conversations/web:selesai", "/console/conversations/web:selesai/panel"):
        page = await (await agent.get(path)).text()
        assert 'data-console="suggestion"' not in page, path
        assert "Percakapan ini sudah ditutup: tidak ada saran balasan." in page, path


async def test_an_unknown_console_address_gets_an_indonesian_page_in_the_console_layout(
    make_gateway: GatewayFactory, gateway_database: str, aiohttp_client: Any
) -> None:
    await with_demo(gateway_database, PASSWORD)
    agent = await agent_client(make_gateway, aiohttp_client, "siti")
    missing = await agent.get("/console/tidak-ada")
    assert missing.status == 404
    page = await missing.text()
    assert "<title>Halaman tidak ditemukan · Tanya PTSP</title>" in page
    assert 'class="topbar"' in page and "Siti" in page  # the console's own layout
    assert "Not Found" not in page
    gone = await agent.get("/console/conversations/web:tidak-pernah-ada")
    assert gone.status == 404 and "Percakapan tidak ditemukan." in await gone.text()
    # Scripts asking for JSON and visitors who have not signed in get what they did before.
    script = await agent.get("/console/tidak-ada", headers={"Accept": "application/json"})
    assert script.status == 404 and "<html" not in await script.text()
    anonymous = await make_gateway()
    signed_out = await anonymous.get("/console/tidak-ada", allow_redirects=False)
    assert signed_out.status == 302 and signed_out.headers["Location"].startswith("/console/login")


async def test_a_failure_shows_an_apology_in_the_console_layout(
    make_gateway: GatewayFactory, gateway_database: str, aiohttp_client: Any
) -> None:
    await with_demo(gateway_database, PASSWORD)
    agent = await agent_client(make_gateway, aiohttp_client, "siti")
    engine = create_engine(gateway_database)
    async with engine.begin() as connection:  # the complaints page's table is gone
        await connection.execute(text("DROP TABLE complaints"))
    await engine.dispose()
    failed = await agent.get("/console/complaints")
    assert failed.status == 500
    page = await failed.text()
    assert "Terjadi kesalahan" in page and 'class="topbar"' in page
    assert "no such table" not in page.lower() and "Traceback" not in page  # log only


async def test_every_console_page_has_a_favicon(
    make_gateway: GatewayFactory, gateway_database: str, aiohttp_client: Any
) -> None:
    await with_demo(gateway_database, PASSWORD)
    anonymous = await make_gateway()
    login = await (await anonymous.get("/console/login")).text()
    icon = re.search(r'<link rel="icon" href="([^"]+)"', login)
    assert icon is not None
    served = await anonymous.get(icon.group(1))
    assert served.status == 200 and served.content_type == "image/svg+xml"
    assert "<svg" in await served.text()


async def test_the_admin_menu_groups_the_admin_pages(
    make_gateway: GatewayFactory, gateway_database: str, aiohttp_client: Any
) -> None:
    await with_demo(gateway_database, PASSWORD)
    admin = await agent_client(make_gateway, aiohttp_client, "admin")
    page = await (await admin.get("/console/admin/laporan")).text()
    bar = page.split('data-console="menu-bar"', 1)[1].split("</nav>", 1)[0]
    menus = re.findall(r"<summary>([^<]*)</summary>", bar)
    assert menus == ["Isi Jawaban", "Pelatihan Bot", "Laporan", "Pengaturan"]
    assert '<details class="menu current" data-console="menu">\n  <summary>Laporan<' in bar
    for path in ("/console/admin/faq", "/console/admin/training", "/console/staff"):
        assert f'href="{path}"' in bar
    agent = await agent_client(make_gateway, aiohttp_client, "siti")
    agents_bar = (await (await agent.get("/console")).text()).split("</nav>", 1)[0]
    assert "<details" not in agents_bar and 'href="/console/stats"' in agents_bar
