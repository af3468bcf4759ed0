"""The Latih & Terapkan page without a real training (those run in tests/e2e)."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient
from sqlalchemy import select

from permits.clock import local_time, office_zone
from permits.db import create_engine, create_sessionmaker
from permits.model_versions import start_version
from permits.models import ModelVersion
from tests.bot.conftest import GatewayFactory
from tests.bot.console.conftest import add_staff, csrf_in, signed_in

Client = TestClient[web.Request, web.Application]
PASSWORD = "sandi-admin-rahasia"


async def versions(database_url: str) -> list[ModelVersion]:
    engine = create_engine(database_url)
    async with create_sessionmaker(engine)() as session:
        rows = (await session.scalars(select(ModelVersion).order_by(ModelVersion.id))).all()
    await engine.dispose()
    return list(rows)


async def a_training_left_running(database_url: str) -> None:
    engine = create_engine(database_url)
    async with create_sessionmaker(engine)() as session:
        await start_version(session, "Admin")
    await engine.dispose()


async def admin_client(make_gateway: GatewayFactory, aiohttp_client: Any, db: str) -> Client:
    await add_staff(db, "admin", "admin", PASSWORD)
    await add_staff(db, "siti", "agent", PASSWORD)
    gateway = await make_gateway()
    admin: Client = await aiohttp_client(gateway.server)
    await signed_in(admin, "admin", PASSWORD)
    return admin


async def test_a_training_cut_off_by_a_restart_is_shown_as_failed(
    make_gateway: GatewayFactory, gateway_database: str, aiohttp_client: Any
) -> None:
    await a_training_left_running(gateway_database)
    admin = await admin_client(make_gateway, aiohttp_client, gateway_database)
    [version] = await versions(gateway_database)
    assert version.state == "failed"
    page = await (await admin.get("/console/admin/training")).text()
    assert "Gagal" in page and "dimulai ulang" in page
    # When it started, in the office's time as on every other page, not UTC.
    assert local_time(version.started_at, office_zone()) in page and " UTC" not in page


async def test_only_one_training_runs_and_only_former_models_come_back(
    make_gateway: GatewayFactory, gateway_database: str, aiohttp_client: Any
) -> None:
    admin = await admin_client(make_gateway, aiohttp_client, gateway_database)
    await a_training_left_running(gateway_database)  # started by another replica, say
    page = await (await admin.get("/console/admin/training")).text()
    assert 'http-equiv="refresh"' in page  # the page follows the running training
    busy = await admin.post(
        "/console/admin/training", data={"csrf_token": csrf_in(page)}, allow_redirects=False
    )
    assert busy.headers["Location"] == "/console/admin/training?pesan=pelatihan-berjalan"
    [version] = await versions(gateway_database)
    refused = await admin.post(
        f"/console/admin/training/{version.id}/rollback",
        data={"csrf_token": csrf_in(page)},
        allow_redirects=False,
    )
    assert refused.headers["Location"].endswith("pesan=tidak-bisa-dikembalikan")


async def test_agents_cannot_train(
    make_gateway: GatewayFactory, gateway_database: str, aiohttp_client: Any
) -> None:
    admin = await admin_client(make_gateway, aiohttp_client, gateway_database)
    agent: Client = await aiohttp_client(admin.server)
    await signed_in(agent, "siti", PASSWORD)
    assert (await agent.get("/console/admin/training")).status == 403
    page = await (await agent.get("/console")).text()
    refused = await agent.post("/console/admin/training", data={"csrf_token": csrf_in(page)})
    assert refused.status == 403
    assert await versions(gateway_database) == []
