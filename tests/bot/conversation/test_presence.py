"""bot/conversation/presence.py: the applicant's notices when an agent joins, in the
name and the language the applicant sees. The same seen through each channel is in
tests/bot/channels/test_web.py and tests/bot/console/test_takeover_channels.py."""

from __future__ import annotations

import pytest

from bot.conversation.presence import first_name, queue_agent_joined
from permits.db import create_engine, create_sessionmaker
from permits.models import Message
from permits.transcripts import record_inbound


@pytest.mark.parametrize(
    ("full_name", "shown"),
    [
        ("Rina Kusuma", "Rina"),
        ("Ir. Budi Santoso", "Budi"),  # a title is not a name
        ("Hj. Siti Aminah, S.E.", "Siti"),
        ("Sukarno", "Sukarno"),  # one name is the whole name
    ],
)
def test_the_applicant_sees_the_agents_first_name(full_name: str, shown: str) -> None:
    assert first_name(full_name) == shown


async def joined_notice(database_url: str, conversation_id: str, said: list[str]) -> Message:
    engine = create_engine(database_url)
    try:
        async with create_sessionmaker(engine)() as session:
            for text in said:
                await record_inbound(session, conversation_id, text, None)
            row = await queue_agent_joined(session, conversation_id, "Rina Kusuma")
            await session.commit()
            return row
    finally:
        await engine.dispose()


async def test_the_notice_is_in_the_language_the_applicant_last_wrote_in(
    gateway_database: str,
) -> None:
    english = await joined_notice(
        gateway_database,
        "telegram:101",
        ["Hello, how long does a business license take?", "PTSP-2025-7KQ4MZ"],  # tells nothing
    )
    assert english.text == "Agent Rina has joined the conversation and will help you."
    switched = await joined_notice(
        gateway_database, "telegram:102", ["what are the requirements?", "saya mau tanya biaya"]
    )
    assert switched.text == "Petugas Rina bergabung dalam percakapan dan akan membantu Anda."


async def test_an_applicant_who_has_said_nothing_yet_is_told_in_the_offices_language(
    gateway_database: str,
) -> None:
    """A conversation queued before its first message (no transcript row yet) is told
    too, rather than failing the agent's claim."""
    notice = await joined_notice(gateway_database, "whatsapp:+6281200000000", [])
    assert notice.sender == "system" and notice.state == "queued"
    assert notice.text.startswith("Petugas Rina bergabung")
