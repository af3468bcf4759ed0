"""The hours an administrator keeps decide when a person takes over, whatever the action
server's environment said when it started."""

from __future__ import annotations

from rasa_sdk.executor import ActionExecutor
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from permits.audit import Actor
from permits.office_hours import OfficeHours
from permits.office_profile import save_office_settings
from tests.actions.conftest import action_call, closed_today, run


async def test_hours_set_by_an_administrator_close_the_queue(
    executor: ActionExecutor, demo: async_sessionmaker[AsyncSession]
) -> None:
    # The executor's environment says always open; the office says not today.
    async with demo() as session:
        hours = OfficeHours.parse(closed_today())
        await save_office_settings(session, Actor(None, "Admin Uji"), hours, "")
    call = action_call("action_human_handoff", "mau cs", "human_handoff", sender="telegram:7")
    text, _, _ = await run(executor, call)
    assert "di luar jam layanan" in text and "Posisi antrian" not in text
