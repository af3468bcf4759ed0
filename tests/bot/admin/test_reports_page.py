"""The administrators' report page (Laporan) and its CSV export, through the gateway."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from typing import Any

from bot.admin.charts import nice_ceiling, short_day, thousands
from bot.admin.reports import wait_labels
from permits.db import create_engine, create_sessionmaker
from tests.bot.admin.conftest import client_for, with_demo
from tests.bot.conftest import GatewayFactory
from tests.permits.test_reports import seed

REPORT = "/console/admin/laporan"
CSV = "/console/admin/laporan.csv"
MARCH = {"dari": "2026-03-01", "sampai": "2026-03-03"}


async def with_traffic(database_url: str) -> None:
    """The demo, an admin and an agent, and the small March set of the data-layer tests."""
    await with_demo(database_url)
    engine = create_engine(database_url)
    async with create_sessionmaker(engine)() as session:
        await seed(session)
    await engine.dispose()


def figure(page: str, name: str) -> str:
    found = re.search(rf'data-console="{name}">([^<]*)<', page)
    assert found is not None, f"no {name} on the page"
    return found.group(1)


def row_cells(page: str, table: str, key: str, value: str) -> list[str]:
    body = re.search(rf'<table data-console="{table}">(.*?)</table>', page, re.S)
    assert body is not None, f"no {table} table"
    row = re.search(rf'<tr data-{key}="{re.escape(value)}">(.*?)</tr>', body.group(1), re.S)
    assert row is not None, f"no {value} row in {table}"
    return re.findall(r"<td>([^<]*)</td>", row.group(1))


def csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


async def test_an_admin_reads_the_report_of_a_period(
    make_gateway: GatewayFactory, gateway_database: str, aiohttp_client: Any
) -> None:
    await with_traffic(gateway_database)
    admin = await client_for(make_gateway, aiohttp_client, "admin")
    response = await admin.get(REPORT, params=MARCH)
    assert response.status == 200
    page = await response.text()
    assert "Laporan layanan" in page
    assert 'href="/console/admin/laporan" aria-current="page"' in page
    for chart in (
        "questions-per-day",
        "outcomes",
        "top-intents",
        "top-permits",
        "wait-classes",
        "satisfaction-trend",
        "complaint-categories",
    ):
        assert f'<svg data-console="chart-{chart}"' in page
    assert "<script" not in page.split("</header>", 1)[1]  # the charts need no script
    assert "01-03-2026 s.d. 03-03-2026 (3 hari, waktu WIB)" in page

    assert figure(page, "question-total") == "9"
    assert figure(page, "bot-share") == "44,4 %"
    assert figure(page, "handoff-total") == "3"
    assert figure(page, "mean-wait") == "5,2 menit"  # (0,5 + 10) / 2, comma decimals
    assert figure(page, "skm-value") == "75,00"
    assert "(C, Kurang baik)" in page
    assert figure(page, "complaint-total") == "3"

    assert row_cells(page, "channel-totals", "channel", "whatsapp") == ["WhatsApp", "4"]
    assert row_cells(page, "outcomes", "outcome", "tidak_dipahami") == [
        "Tidak dipahami",
        "2",
        "22,2 %",
    ]
    assert row_cells(page, "top-intents", "intent", "ask_requirements") == ["Tanya syarat", "2"]
    # Intents read as the console names them (permits/intent_labels.py), never as identifiers.
    shown = re.search(r'<table data-console="top-intents">(.*?)</table>', page, re.S)
    assert shown is not None and "_" not in "".join(re.findall(r"<td>([^<]*)</td>", shown[1]))
    pbg = row_cells(page, "top-permits", "permit", "pbg")
    assert "PBG" in pbg[0] and pbg[1:] == ["2", "1", "1", "0", "0", "0"]
    assert row_cells(page, "complaint-categories", "category", "integritas")[1] == "1"
    # One line per channel; the questions of 1 March are the highest point.
    assert page.count('<polyline data-series="') == 5  # four channels and the SKM trend


async def test_the_range_filters_and_is_kept_sane(
    make_gateway: GatewayFactory, gateway_database: str, aiohttp_client: Any
) -> None:
    await with_traffic(gateway_database)
    admin = await client_for(make_gateway, aiohttp_client, "admin")
    second = await (
        await admin.get(REPORT, params={"dari": "2026-03-02", "sampai": "2026-03-02"})
    ).text()
    assert figure(second, "question-total") == "3"
    assert figure(second, "complaint-total") == "2"
    assert 'value="2026-03-02"' in second
    # Reversed days are swapped.
    swapped = await (
        await admin.get(REPORT, params={"dari": "2026-03-03", "sampai": "2026-03-01"})
    ).text()
    assert figure(swapped, "question-total") == "9"
    # A malformed day gives the last 30 days, which hold none of March 2026's traffic.
    default = await (await admin.get(REPORT, params={"dari": "kemarin"})).text()
    assert "(30 hari, waktu WIB)" in default and figure(default, "question-total") == "0"
    assert "Belum ada pertanyaan pada periode ini." in default
    # More than a year is cut to one, ending on the chosen last day.
    long = await (
        await admin.get(REPORT, params={"dari": "2020-01-01", "sampai": "2026-03-03"})
    ).text()
    assert "Rentang dibatasi 366 hari." in long and 'value="2025-03-03"' in long
    assert figure(long, "question-total") == "10"  # 28 February's question too


async def test_the_csv_has_a_row_per_day_with_the_same_range(
    make_gateway: GatewayFactory, gateway_database: str, aiohttp_client: Any
) -> None:
    await with_traffic(gateway_database)
    admin = await client_for(make_gateway, aiohttp_client, "admin")
    page = await (await admin.get(REPORT, params=MARCH)).text()
    assert 'href="/console/admin/laporan.csv?dari=2026-03-01&amp;sampai=2026-03-03"' in page
    response = await admin.get(CSV, params=MARCH)
    assert response.status == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        response.headers["Content-Disposition"]
        == 'attachment; filename="laporan-2026-03-01-2026-03-03.csv"'
    )
    header, *rows = csv_rows(await response.text())
    assert header[:6] == [
        "Tanggal",
        "Pertanyaan",
        "Pertanyaan WhatsApp",
        "Pertanyaan Telegram",
        "Pertanyaan Web chat",
        "Pertanyaan API",
    ]
    assert [row[0] for row in rows] == ["2026-03-01", "2026-03-02", "2026-03-03"]
    by_day = {row[0]: dict(zip(header, row, strict=True)) for row in rows}
    first, second = by_day["2026-03-01"], by_day["2026-03-02"]
    assert (first["Pertanyaan"], first["Pertanyaan Web chat"], first["Pertanyaan API"]) == (
        "6",
        "2",
        "1",
    )
    assert (second["Diteruskan ke petugas"], second["Diambil petugas"]) == ("2", "1")
    assert second["Rata-rata menunggu (menit)"] == "10,0"
    assert (second["Jawaban survei"], second["Rata-rata kepuasan (1-4)"]) == ("1", "2,00")
    assert (second["Pengaduan"], second["Pengaduan Pelayanan"]) == ("2", "2")
    assert by_day["2026-03-03"]["Rata-rata menunggu (menit)"] == ""
    only_second = csv_rows(
        await (await admin.get(CSV, params={"dari": "2026-03-02", "sampai": "2026-03-02"})).text()
    )
    assert [row[0] for row in only_second[1:]] == ["2026-03-02"]


async def test_agents_are_refused_and_strangers_sent_to_login(
    make_gateway: GatewayFactory, gateway_database: str, aiohttp_client: Any
) -> None:
    await with_demo(gateway_database)
    agent = await client_for(make_gateway, aiohttp_client, "siti")
    for path in (REPORT, CSV):
        refused = await agent.get(path)
        assert refused.status == 403
        assert "hanya untuk admin" in await refused.text()
    assert 'href="/console/admin/laporan"' not in await (await agent.get("/console")).text()
    stranger = await aiohttp_client((await make_gateway()).server)
    for path in (REPORT, CSV):
        response = await stranger.get(path, allow_redirects=False)
        assert response.status == 302
        assert response.headers["Location"].startswith("/console/login?next=")


def test_numbers_and_days_read_as_in_indonesia() -> None:
    assert thousands(1234567) == "1.234.567"
    assert short_day(date(2026, 8, 17)) == "17 Agu"
    assert [nice_ceiling(v) for v in (0, 7, 23, 180, 2600)] == [1.0, 10, 25, 200, 5000]
    assert wait_labels() == ["< 1 menit", "1–5 menit", "5–15 menit", "15–60 menit", "> 60 menit"]
