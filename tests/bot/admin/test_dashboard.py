"""The administrators' bottleneck dashboard and its CSV export, through the gateway."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient

from bot.admin.dashboard import CSV_HEADER, csv_text
from bot.console.spreadsheets import safe_cell
from permits.bottleneck import ExportRow
from permits.clock import local_day, office_zone
from permits.db import create_engine, create_sessionmaker
from permits.demo import DEMO_FIXTURES
from permits.status import status_for_staff
from tests.bot.conftest import GatewayFactory
from tests.bot.console.conftest import signed_in
from tests.bot.console.conftest import with_demo as demo_with_staff

Client = TestClient[web.Request, web.Application]
PASSWORD = "sandi-admin-rahasia"
LATE = "PTSP-2025-7KQ4MZ"
PUPR = "Dinas PUPR"
DASHBOARD = "/console/admin/dashboard"
CSV = "/console/admin/dashboard.csv"


async def with_demo(database_url: str) -> str:
    """Loads the demo and two accounts; returns the late application's submission day (WIB)."""
    await demo_with_staff(database_url, PASSWORD)
    engine = create_engine(database_url)
    async with create_sessionmaker(engine)() as session:
        submitted = (await status_for_staff(session, LATE)).submitted_at
    await engine.dispose()
    return local_day(submitted, office_zone()).isoformat()


async def client_for(make_gateway: GatewayFactory, aiohttp_client: Any, who: str) -> Client:
    gateway = await make_gateway()
    client: Client = await aiohttp_client(gateway.server)
    await signed_in(client, who, PASSWORD)
    return client


def row_cells(html: str, table: str, agency: str) -> list[str]:
    """The cells of one agency's row in one of the dashboard's tables."""
    body = re.search(rf'<table data-console="{table}">(.*?)</table>', html, re.S)
    assert body is not None, f"no {table} table"
    row = re.search(rf'<tr data-agency="{re.escape(agency)}">(.*?)</tr>', body.group(1), re.S)
    assert row is not None, f"no {agency} row in {table}"
    return re.findall(r"<td>([^<]*)</td>", row.group(1))


async def test_an_admin_sees_which_agency_holds_late_applications(
    make_gateway: GatewayFactory, gateway_database: str, aiohttp_client: Any
) -> None:
    day = await with_demo(gateway_database)
    admin = await client_for(make_gateway, aiohttp_client, "admin")
    response = await admin.get(DASHBOARD)
    assert response.status == 200
    page = await response.text()
    assert "Dasbor hambatan perizinan" in page
    assert 'href="/console/admin/dashboard" aria-current="page"' in page
    for chart in ("open-by-agency", "late-by-agency", "hold-by-agency", "open-by-stage"):
        assert f'<svg data-console="chart-{chart}"' in page
    assert "<script" not in page.split("</header>", 1)[1]  # the charts need no script
    everything = row_cells(page, "late-by-agency", PUPR)
    assert everything[0] == "Dinas Pekerjaan Umum dan Penataan Ruang"
    assert int(everything[1]) >= 1 and int(everything[3]) >= 2

    # Only the PBG applications submitted on the late one's day: it alone is still open.
    that_day = await (
        await admin.get(DASHBOARD, params={"jenis": "pbg", "dari": day, "sampai": day})
    ).text()
    assert re.search(r'data-console="open-total">1<', that_day)
    assert row_cells(that_day, "late-by-agency", PUPR)[1:] == ["1", "2,0", "2"]
    assert row_cells(that_day, "open-by-agency", PUPR)[1:] == ["1"]
    assert '<option value="pbg" selected>' in that_day
    assert f'value="{day}"' in that_day


async def test_filtering_by_permit_type_changes_the_numbers(
    make_gateway: GatewayFactory, gateway_database: str, aiohttp_client: Any
) -> None:
    await with_demo(gateway_database)
    admin = await client_for(make_gateway, aiohttp_client, "admin")
    everything = await (await admin.get(DASHBOARD)).text()
    pbg = await (await admin.get(DASHBOARD, params={"jenis": "pbg"})).text()
    late_all = int(row_cells(everything, "late-by-agency", PUPR)[1])
    late_pbg = int(row_cells(pbg, "late-by-agency", PUPR)[1])
    assert 0 < late_pbg < late_all
    # Dinas Kesehatan holds no building permits.
    assert 'data-agency="Dinas Kesehatan"' in everything
    assert 'data-agency="Dinas Kesehatan"' not in pbg
    # An unknown type is ignored rather than showing an empty office.
    unknown = await (await admin.get(DASHBOARD, params={"jenis": "tidak-ada"})).text()
    assert row_cells(unknown, "late-by-agency", PUPR)[1] == str(late_all)


async def test_the_csv_lists_applications_without_personal_data(
    make_gateway: GatewayFactory, gateway_database: str, aiohttp_client: Any
) -> None:
    await with_demo(gateway_database)
    admin = await client_for(make_gateway, aiohttp_client, "admin")
    page = await (await admin.get(DASHBOARD, params={"jenis": "pbg"})).text()
    assert 'href="/console/admin/dashboard.csv?jenis=pbg"' in page
    response = await admin.get(CSV)
    assert response.status == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    disposition = response.headers["Content-Disposition"]
    assert re.fullmatch(
        r'attachment; filename="hambatan-perizinan-\d{4}-\d{2}-\d{2}\.csv"', disposition
    )
    text = await response.text()
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert tuple(rows[0]) == CSV_HEADER
    late = next(row for row in rows if row[0] == LATE)
    assert late[1:5] == [
        "Persetujuan Bangunan Gedung (PBG)",
        "Sedang diproses",
        "Verifikasi teknis",
        "Dinas Pekerjaan Umum dan Penataan Ruang",
    ]
    assert late[6:] == ["12", "30", "28", "2"]
    assert len(rows) > 300
    for fixture in DEMO_FIXTURES:
        assert fixture.applicant_name not in text
        assert fixture.applicant_phone not in text and fixture.applicant_phone[1:] not in text
    assert not re.search(r"\+?62\d{8,}|08\d{8,}", text)
    only_pbg = await (await admin.get(CSV, params={"jenis": "pbg"})).text()
    assert {row[1] for row in csv.reader(io.StringIO(only_pbg.removeprefix("\ufeff")))} == {
        "Jenis izin",
        "Persetujuan Bangunan Gedung (PBG)",
    }


def test_csv_cells_cannot_become_formulas() -> None:
    assert [safe_cell(v) for v in ("=1+1", "+62", "-2", "@SUM(A1)", "PBG", 3)] == [
        "'=1+1",
        "'+62",
        "'-2",
        "'@SUM(A1)",
        "PBG",
        "3",
    ]
    row = ExportRow(
        '=HYPERLINK("x")', "Izin", "Diajukan", "@tahap", "-", date(2026, 1, 5), 1, 2, 3, 0
    )
    lines = list(csv.reader(io.StringIO(csv_text([row]).removeprefix("\ufeff"))))
    assert lines[1][0] == '\'=HYPERLINK("x")' and lines[1][3] == "'@tahap" and lines[1][4] == "'-"


async def test_agents_are_refused_and_strangers_sent_to_login(
    make_gateway: GatewayFactory, gateway_database: str, aiohttp_client: Any
) -> None:
    await with_demo(gateway_database)
    agent = await client_for(make_gateway, aiohttp_client, "siti")
    for path in (DASHBOARD, CSV):
        refused = await agent.get(path)
        assert refused.status == 403
        assert "hanya untuk admin" in await refused.text()
    assert 'href="/console/admin/dashboard"' not in await (await agent.get("/console")).text()
    gateway = await make_gateway()
    stranger: Client = await aiohttp_client(gateway.server)
    for path in (DASHBOARD, CSV):
        response = await stranger.get(path, allow_redirects=False)
        assert response.status == 302
        assert response.headers["Location"].startswith("/console/login?next=")


async def test_the_dashboards_figures_read_with_comma_decimals(
    make_gateway: GatewayFactory, gateway_database: str, aiohttp_client: Any
) -> None:
    await with_demo(gateway_database)
    admin = await client_for(make_gateway, aiohttp_client, "admin")
    page = await (await admin.get(DASHBOARD)).text()
    held = row_cells(page, "hold-by-agency", PUPR)
    assert re.fullmatch(r"\d+,\d", held[2]), held  # mean working days, one decimal
    chart = re.search(r'data-console="chart-hold-by-agency"(.*?)</svg>', page, re.S)
    assert chart is not None and held[2] in chart.group(1)  # the bar says the same
    tables = "".join(re.findall(r"<table .*?</table>", page, re.S))
    assert not re.search(r"<td>\d+\.\d{1,2}</td>", tables)  # no English decimal point
