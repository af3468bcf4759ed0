"""The state enums are the strings in the database (both databases)."""

from __future__ import annotations

import re
from collections.abc import Callable
from enum import StrEnum

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from permits.db import create_engine
from permits.models import (
    Base,
    Complaint,
    Conversation,
    Handoff,
    Message,
    ModelVersion,
    UnrecognisedMessage,
)
from permits.states import (
    OPEN_HANDOFF_STATES,
    ComplaintState,
    HandoffState,
    InboxState,
    MessageDirection,
    MessageKind,
    MessageState,
    ModelState,
    Sender,
)

CONVERSATION = "api:states"


def _message(n: int) -> Message:
    return Message(conversation_id=CONVERSATION, direction=MessageDirection.OUT, text=f"{n}")


# Each enum, the column that holds it, and a row to hold the n-th member (a handoff
# of its own conversation each: only one of a conversation may be open).
COLUMNS: list[tuple[type[StrEnum], str, Callable[[int], Base]]] = [
    (MessageState, "state", _message),
    (MessageDirection, "direction", _message),
    (Sender, "sender", _message),
    (MessageKind, "kind", _message),
    (HandoffState, "state", lambda n: Handoff(conversation_id=f"api:h{n}", reason="request")),
    (
        ComplaintState,
        "state",
        lambda n: Complaint(ticket=f"ADU-20260101-{n:04}", conversation_id=CONVERSATION, text="-"),
    ),
    (InboxState, "state", lambda n: UnrecognisedMessage(conversation_id=CONVERSATION, text="-")),
    (ModelState, "state", lambda n: ModelVersion(started_by="test")),
]


async def test_every_member_reads_back_equal_to_itself(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    written: list[tuple[Base, str, StrEnum]] = []
    for enum, column, row_for in COLUMNS:
        for n, member in enumerate(enum):
            row = row_for(n)
            setattr(row, column, member)
            written.append((row, column, member))
    async with sessions() as session:
        session.add(Conversation(id=CONVERSATION, channel="api"))
        session.add_all(row for row, _, _ in written)
        await session.commit()
        keys = [(type(row), row.id, column, member) for row, column, member in written]
    async with sessions() as session:  # a new session: every value comes from the database
        for model, row_id, column, member in keys:
            stored = getattr(await session.get_one(model, row_id), column)
            assert stored == member and type(member)(stored) is member, (model, column, member)


async def test_the_open_handoff_index_names_the_open_states(database_url: str) -> None:
    """Migration 0003 spells the partial index's states out; they must be the enum's."""
    engine = create_engine(database_url)
    async with engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            query = "SELECT indexdef FROM pg_indexes WHERE indexname = :name"
        else:
            query = "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = :name"
        definition = await connection.scalar(text(query), {"name": "uq_handoffs_open_conversation"})
    await engine.dispose()
    assert definition is not None
    condition = definition.partition("WHERE")[2]
    assert set(re.findall(r"'(\w+)'", condition)) == set(OPEN_HANDOFF_STATES)
