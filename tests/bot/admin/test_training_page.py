"""The Latih & Terapkan page without a real training (those run in tests/e2e): what it
says about a training (verdict, rule, steps), the marker on the model in service, and
the confirm steps before a training and a swap (against a fake of Rasa's model
endpoint)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select

from bot.app import create_app
from permits.clock import local_time, office_zone
from permits.db import create_engine, create_sessionmaker
from permits.model_versions import (
    Step,
    StepMark,
    append_log,
    finish,
    gate_rule,
    mark_deployed,
    record_scores,
    register_original,
    start_version,
    step_line,
    tolerance_text,
    verdict,
)
from permits.models import ModelVersion
from permits.states import ModelState
from tests.bot.conftest import RASA_TOKEN, GatewayFactory, settings_for
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


# --- what the page says about a training ------------------------------------------

T0 = datetime(2026, 3, 5, 23, 58, 0, tzinfo=UTC)  # 06-03-2026 06.58 WIB: another day
ORIGINAL_FILE, TRAINED_FILE = "/models/tanya-izin.tar.gz", "/models/versions/v2.tar.gz"
# What rasa train prints through a pipe: colours, and progress bars redrawn after \r.
RASA_OUTPUT = (
    "\x1b[92m2026-03-06 07:00:01 INFO     rasa.model_training  - Training NLU model\x1b[0m\n"
    "Epochs:   1%|          | 1/100 [00:01<02:00]\rEpochs: 100%|##########| 100/100 [02:00<00:00]\n"
)
STEPS_AT = {Step.DATA: 0, Step.TRAIN: 0.25, Step.CHECK: 4.5, Step.SWAP: 5.0}


class Marked(HTMLParser):
    """The text of every element carrying data-admin="<marker>", and its attributes."""

    def __init__(self, page: str, marker: str) -> None:
        super().__init__()
        self.marker, self.depth = marker, 0
        self.texts: list[str] = []
        self.attrs: list[dict[str, str]] = []
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {key: value or "" for key, value in attrs}
        if self.depth:
            self.depth += tag not in ("br", "input", "meta")
        elif found.get("data-admin") == self.marker:
            self.depth = 1
            self.texts.append("")
            self.attrs.append(found)

    def handle_endtag(self, tag: str) -> None:
        if self.depth:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.texts[-1] += data


def marked(page: str, marker: str) -> list[str]:
    return [" ".join(text.split()) for text in Marked(page, marker).texts]


def models_marked_in_service(page: str) -> list[str]:
    """The numbers of the listed models that say "Sedang dipakai"."""
    rows = Marked(page, "version")
    return [
        row["data-version"]
        for row, text in zip(rows.attrs, rows.texts, strict=True)
        if "Sedang dipakai" in text
    ]


async def trained_and_deployed(database_url: str, *, new: float, old: float) -> tuple[int, int]:
    """The original model in service scored `old`; an administrator's training scored
    `new`, passed the gate and was swapped in, its steps in its log. Their ids."""
    engine = create_engine(database_url)
    async with create_sessionmaker(engine)() as session:
        original = await register_original(session, ORIGINAL_FILE)
        await record_scores(session, ORIGINAL_FILE, {"macro_f1": old, "accuracy": 0.95})
        version = await start_version(session, "Admin Dinas")
        version.started_at = T0
        await session.commit()
        for step, minutes in STEPS_AT.items():
            at = T0 + timedelta(minutes=minutes)
            await append_log(session, version.id, step_line(StepMark(step, at, f"catatan {step}")))
            if step == Step.TRAIN:
                await append_log(session, version.id, RASA_OUTPUT)
        scores = {"macro_f1": new, "accuracy": 0.94}
        baseline = {"macro_f1": old, "accuracy": 0.95}
        await finish(
            session,
            version.id,
            ModelState.DEPLOYED,
            summary=verdict(scores, baseline),
            file=TRAINED_FILE,
            scores=scores,
            baseline_scores=baseline,
        )
        await mark_deployed(session, version.id)
    await engine.dispose()
    return original.id, version.id


async def test_the_page_leads_with_the_verdict_its_rule_and_the_steps_in_the_offices_time(
    make_gateway: GatewayFactory, gateway_database: str, aiohttp_client: Any
) -> None:
    _, trained = await trained_and_deployed(gateway_database, new=0.922, old=0.925)
    admin = await admin_client(make_gateway, aiohttp_client, gateway_database)
    page = await (await admin.get("/console/admin/training")).text()

    [said] = marked(page, "verdict")
    assert said.startswith("Diterapkan") and "0,922" in said and "0,925" in said
    assert f"masih dalam batas selisih {tolerance_text()}" in said
    [rule] = marked(page, "rule")
    assert gate_rule() in rule and f"paling banyak {tolerance_text()}" in rule
    # The conclusion comes first, the list of models after it.
    assert page.index('data-admin="verdict"') < page.index('data-admin="versions"')

    steps = marked(page, "step")
    assert [step.split(":")[0] for step in steps] == [
        "Menyiapkan data pelatihan",
        "Melatih model",
        "Memeriksa dengan set uji tetap",
        "Mengganti model yang dipakai",
    ]
    assert steps[0].startswith("Menyiapkan data pelatihan: selesai mulai 06.58.00 WIB, 15 detik")
    assert "mulai 06.58.15 WIB, 4 menit 15 detik" in steps[1]
    assert "mulai 07.03.00 WIB" in steps[3]
    assert local_time(T0, office_zone()) in page and "UTC" not in page

    # The technical log as a terminal showed it: no colour codes, the bar's last state.
    [technical] = Marked(page, "log").texts
    assert "\x1b" not in technical and "[92m" not in technical and "1/100" not in technical
    assert "── Melatih model (06.58.15 WIB) ──" in technical
    assert "Epochs: 100%" in technical

    [marker] = Marked(page, "in-service").texts
    assert marker.strip().endswith("Sedang dipakai")
    assert models_marked_in_service(page) == [str(trained)]
    assert "Pernah dipakai" in page  # the original, now retired


class FakeModelEndpoint:
    """Rasa's model endpoint of our channel (engine/channel.py): which model it loaded."""

    def __init__(self, loaded: str) -> None:
        self.loaded = loaded
        self.swaps: list[str] = []

    async def model(self, request: web.Request) -> web.Response:
        if request.headers.get("Authorization") != f"Bearer {RASA_TOKEN}":
            return web.json_response({"error": "unauthorised"}, status=401)
        if request.method == "PUT":
            self.loaded = (await request.json())["model_file"]
            self.swaps.append(self.loaded)
        return web.json_response({"model_file": self.loaded})

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_route("*", "/webhooks/gateway/model", self.model)
        app.router.add_get("/webhooks/gateway/", self.health)
        return app

    async def health(self, request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})


async def test_a_swap_asks_first_and_says_whether_it_went_back_or_forward(
    gateway_database: str, aiohttp_client: Any, aiohttp_server: Any, tmp_path: Path
) -> None:
    original, trained = await trained_and_deployed(gateway_database, new=0.931, old=0.925)
    rasa = FakeModelEndpoint(TRAINED_FILE)
    server: TestServer = await aiohttp_server(rasa.app())
    # This gateway's Rasa is the fake model endpoint; the pointer file goes to tmp_path.
    settings = settings_for(str(server.make_url("")), gateway_database, models_dir=str(tmp_path))
    await add_staff(gateway_database, "admin", "admin", PASSWORD)
    admin: Client = await aiohttp_client(create_app(settings))
    await signed_in(admin, "admin", PASSWORD)

    asked = await (await admin.get(f"/console/admin/training?pakai={original}")).text()
    [question] = marked(asked, "confirm-swap")
    assert question.startswith("Ganti model yang sedang dipakai?")
    assert (
        f"Model #{original} (model awal), yang lebih lama, akan menggantikan model #{trained}"
        in question
    )
    assert f"Ya, pakai model #{original}" in question
    assert 'http-equiv="refresh"' not in asked
    assert rasa.swaps == []  # nothing changes before the answer

    back = await admin.post(
        f"/console/admin/training/{original}/rollback", data={"csrf_token": csrf_in(asked)}
    )
    page = await back.text()
    assert rasa.swaps == [ORIGINAL_FILE]
    assert "Model yang lebih lama kini dipakai kembali." in page
    assert (tmp_path / "in-service.txt").read_text() == ORIGINAL_FILE
    assert models_marked_in_service(page) == [str(original)]

    asked = await (await admin.get(f"/console/admin/training?pakai={trained}")).text()
    assert "yang lebih baru, akan menggantikan" in marked(asked, "confirm-swap")[0]
    forward = await admin.post(
        f"/console/admin/training/{trained}/rollback", data={"csrf_token": csrf_in(asked)}
    )
    assert "Model yang lebih baru kini dipakai lagi." in await forward.text()
    assert rasa.swaps == [ORIGINAL_FILE, TRAINED_FILE]

    again = await admin.get(f"/console/admin/training?pakai={trained}", allow_redirects=False)
    assert again.headers["Location"].endswith("pesan=tidak-bisa-dikembalikan")


async def test_training_asks_first_and_its_button_is_visibly_disabled_while_one_runs(
    make_gateway: GatewayFactory, gateway_database: str, aiohttp_client: Any
) -> None:
    admin = await admin_client(make_gateway, aiohttp_client, gateway_database)
    asked = await (await admin.get("/console/admin/training?konfirmasi=latih")).text()
    [question] = marked(asked, "confirm-training")
    assert question.startswith("Mulai pelatihan baru?") and "langsung menggantikan" in question
    assert await versions(gateway_database) == []  # asking starts nothing

    await a_training_left_running(gateway_database)
    page = await (await admin.get("/console/admin/training?pesan=pelatihan-dimulai")).text()
    [button] = Marked(page, "train").attrs
    assert "disabled" in button and "aktif lagi setelah pelatihan selesai" in page
    # The page follows the training at its plain address: the notice is not repeated.
    assert '<meta http-equiv="refresh" content="3;url=/console/admin/training">' in page
    assert [step.split(":")[0] for step in marked(page, "step")] == []  # not begun yet
    assert marked(page, "running")[0].startswith("Sedang berjalan.")
    css = await (await admin.get("/console/static/console.css")).text()
    disabled = re.search(r"button:disabled[^{]*\{([^}]*)\}", css)
    assert disabled is not None and "cursor: not-allowed" in disabled.group(1)
    again = await (await admin.get("/console/admin/training?konfirmasi=latih")).text()
    assert marked(again, "confirm-training") == []  # no second training to confirm
