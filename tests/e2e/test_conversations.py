"""Multi-turn conversations through the whole running system.

Each conversation in conversations.yml is sent turn by turn to the gateway's
`POST /api/messages`; the gateway talks to the real Rasa server with the trained
model, which calls the real action server, which reads the demo database. The
expectations are checked against the database at test time, so a reply passes
only when it carries the facts the office keeps there.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from permits.answers import Asked, late_mark, long_date, validity_text, working_days
from permits.catalogue import get_permit
from permits.clock import office_zone
from permits.english import Translating, permit_in
from permits.faq import faq_answer
from permits.language import INDONESIAN
from permits.lifecycle import PermitAction
from permits.models import Application, FaqTopic, PermitType, PermitVariant
from permits.status import public_status
from permits.texts import _, speaking

from .conftest import Gateway, Reply

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="session")]

CONVERSATIONS: list[dict[str, Any]] = yaml.safe_load(
    (Path(__file__).parent / "conversations.yml").read_text(encoding="utf-8")
)


def _as_list(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def _normalise(text: str) -> str:
    """Compare facts regardless of Markdown emphasis and line wrapping."""
    return " ".join(text.replace("*", "").replace("_", " ").split()).lower()


def _assert_contains(reply: str, fact: str, what: str) -> None:
    assert _normalise(fact) in _normalise(reply), f"{what}: {fact!r} not in reply:\n{reply}"


async def _asked(session: AsyncSession, value: str, language: str) -> Asked:
    """ "sip_dokter" → a new application's facts; "sip_dokter/perpanjangan" → the renewal's;
    in `language`, as the office wrote them in it."""
    slug, _slash, action = value.partition("/")
    permit = permit_in(language, await get_permit(session, slug)).permit
    return Asked(permit, PermitAction(action) if action else None)


async def _check(
    expect: dict[str, Any], reply: Reply, sessions: async_sessionmaker[AsyncSession]
) -> None:
    text = reply.text
    language = expect.get("language", INDONESIAN)
    with speaking(language):
        async with sessions() as session:
            for key, value in expect.items():
                if key == "requirements_of":
                    asked = await _asked(session, value, language)
                    for requirement in asked.requirements:
                        _assert_contains(text, requirement, f"requirement of {value}")
                elif key == "fee_of":
                    asked = await _asked(session, value, language)
                    _assert_contains(text, asked.fee.describe(), f"fee of {value}")
                elif key == "sla_of":
                    asked = await _asked(session, value, language)
                    _assert_contains(text, working_days(asked.sla_days), f"SLA of {value}")
                elif key == "procedure_of":
                    asked = await _asked(session, value, language)
                    _assert_contains(text, asked.procedure[0], f"first step of {value}")
                    _assert_contains(text, asked.procedure[-1], f"last step of {value}")
                elif key == "note_of":  # what the office wrote about a renewal, change, ...
                    variant = (await _asked(session, value, language)).variant
                    assert variant is not None, f"no {value} in the catalogue"
                    _assert_contains(text, variant.note, f"note of {value}")
                elif key == "valid_until":
                    view = await public_status(session, value, conversation_id="test:e2e-checker")
                    assert view.valid_until is not None, f"{value} has no end of validity"
                    until = long_date(view.valid_until, office_zone())
                    _assert_contains(text, f"Berlaku sampai: {until}", f"validity of {value}")
                elif key == "validity_of":
                    permit = permit_in(language, await get_permit(session, value)).permit
                    _assert_contains(text, validity_text(permit), f"validity of {value}")
                elif key == "status_of":
                    await _check_status(session, value, text, language)
                elif key == "faq":
                    _assert_contains(text, await faq_answer(session, value, language), "FAQ")
                elif key == "contains":
                    for fragment in _as_list(value):
                        _assert_contains(text, fragment, "expected text")
                elif key == "not_contains":
                    for fragment in _as_list(value):
                        assert _normalise(fragment) not in _normalise(text), (
                            f"unexpected {fragment!r} in reply:\n{text}"
                        )
                elif key == "matches":
                    assert re.search(value, text, re.IGNORECASE), f"/{value}/ not in reply:\n{text}"
                elif key == "language":
                    pass  # read above: the facts are checked in this language
                elif key == "buttons":
                    assert len(reply.buttons) >= value, f"expected {value} buttons: {reply}"
                else:
                    raise AssertionError(f"unknown expectation {key!r}")


async def _check_status(session: AsyncSession, number: str, text: str, language: str) -> None:
    # A separate conversation id keeps these reads out of the rate limit under test.
    view = await public_status(session, number, conversation_id="test:e2e-checker")
    names = Translating.in_language(language, view.english)
    _assert_contains(text, _(view.status_label), f"status of {number}")
    _assert_contains(text, names.text("permit", view.permit_name), f"permit of {number}")
    _assert_contains(text, names.text("agency", view.agency_name), f"agency holding {number}")
    if view.stage:
        _assert_contains(text, view.stage, f"stage of {number}")
    if view.is_late:
        _assert_contains(text, late_mark(view), f"late mark of {number}")
    applicant = (
        await session.execute(select(Application).where(Application.number == number))
    ).scalar_one()
    for personal in (applicant.applicant_name, applicant.applicant_phone):
        assert _normalise(personal) not in _normalise(text), f"personal data leaked: {text}"


async def _edit_faq(sessions: async_sessionmaker[AsyncSession], topic: str, answer: str) -> None:
    async with sessions() as session, session.begin():
        await session.execute(update(FaqTopic).where(FaqTopic.slug == topic).values(answer=answer))


async def _edit_variant(
    sessions: async_sessionmaker[AsyncSession], permit: str, action: str, **values: Any
) -> None:
    """What the permit editor saves for a renewal, change or replacement."""
    async with sessions() as session, session.begin():
        permit_id = select(PermitType.id).where(PermitType.slug == permit).scalar_subquery()
        await session.execute(
            update(PermitVariant)
            .where(PermitVariant.permit_type_id == permit_id, PermitVariant.action == action)
            .values(**values)
        )


@pytest.mark.parametrize("conversation", CONVERSATIONS, ids=[c["name"] for c in CONVERSATIONS])
async def test_conversation(
    conversation: dict[str, Any],
    gateway: Gateway,
    sessions: async_sessionmaker[AsyncSession],
    fresh_conversation_id: str,
) -> None:
    conversation_id = conversation.get("conversation_id", fresh_conversation_id)
    reply: Reply | None = None
    for turn in conversation["turns"]:
        if "edit_faq" in turn:
            await _edit_faq(sessions, turn["edit_faq"]["topic"], turn["edit_faq"]["answer"])
            continue
        if "edit_variant" in turn:
            await _edit_variant(sessions, **turn["edit_variant"])
            continue
        if "click" in turn:
            assert reply is not None and reply.buttons, "nothing to click"
            text = reply.buttons[turn["click"] - 1]["payload"]
        else:
            text = turn["user"]
        reply = await gateway.send(conversation_id, text)
        await _check(turn.get("expect", {}), reply, sessions)
