"""Suggested replies for an agent: the likeliest answers to the user's latest message,
already filled with live data, in the bot's own wording (permits.answers) and in the
message catalogue's language (permits/texts.py). Each carries the fact it holds as a
short label ("Syarat PBG", "Status PTSP-2025-7KQ4MZ", "FAQ: jam layanan"), which is
the console's and so Indonesian only.

The NLU's intent ranking orders the candidates; its entities (or, when the
message names none, the permit and application number mentioned earlier in the
conversation) fill them. When the top intent is about a permit, the other
topics of that permit follow, since callers often ask them next; the status of the
applicant's other applications comes last. So an agent gets three suggestions
whenever three facts are relevant, and none once the conversation is closed.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from permits.answers import (
    ASK_PERMIT,
    ask_number,
    duration_answer,
    fee_answer,
    number_not_found,
    own_applications,
    procedure_answer,
    requirements_answer,
    status_answer,
)
from permits.catalogue import PermitInfo, get_permit, resolve_permit
from permits.complaints import latest_ticket
from permits.errors import (
    ApplicationNotFound,
    InvalidNumber,
    NotLinked,
    UnknownPermit,
    UnknownPublicService,
    UnknownTopic,
)
from permits.faq import faq_answer
from permits.intent_labels import FAQ_PREFIX, intent_label
from permits.models import Handoff, Message
from permits.numbers import canonical_number
from permits.public_services import directions, find_public_service
from permits.states import HandoffState, MessageDirection
from permits.status import StatusView, applications_for_conversation, status_for_staff
from permits.texts import N_, _

PERMIT_TOPICS: dict[str, tuple[str, Callable[[PermitInfo], str]]] = {
    "ask_requirements": ("Syarat", requirements_answer),
    "ask_fee": ("Biaya", fee_answer),
    "ask_duration": ("Lama proses", duration_answer),
    "ask_procedure": ("Prosedur", procedure_answer),
}
GREETING = N_("Halo, saya petugas call center DPMPTSP. Ada yang bisa saya bantu?")
CLOSING = N_("Sama-sama. Apakah ada lagi yang bisa kami bantu?")
NOT_LINKED = N_(
    "Demi keamanan data pribadi, daftar permohonan hanya kami sampaikan ke nomor yang "
    "terdaftar pada permohonan. Bisa sebutkan nomor permohonannya?"
)
APOLOGY = N_("Mohon maaf atas ketidaknyamanan yang Anda alami.")
LOOKBACK = 20  # user messages searched for a permit or number mentioned earlier
STATED_NUMBER_SCORE = 0.5
# The applicant's other applications rank below anything the NLU read in the message:
# they fill the list, they never push an answer out of it.
OTHER_APPLICATION_SCORE = 0.06
MIN_SCORE = 0.05  # below this the NLU all but ruled the intent out: no suggestion
# "Persetujuan Bangunan Gedung (PBG)" → "PBG": the short name in a permit's name.
_SHORT_NAME = re.compile(r"\(([^()]{2,24})\)\s*$")


@dataclass(frozen=True)
class Suggestion:
    fact: str  # the fact it carries, as the agent sees it: "Syarat PBG", "Status PTSP-…"
    text: str
    intent: str
    score: float
    # Why it is offered when the NLU did not read it in the message ("permohonan lain
    # pemohon"); empty for a reading of the message, whose score says how likely it is.
    note: str = ""

    @property
    def intent_label(self) -> str:
        return intent_label(self.intent)


@dataclass(frozen=True)
class ConversationSuggestions:
    items: list[Suggestion]
    closed: bool  # the conversation was closed after the user's latest message


def short_name(permit_name: str) -> str:
    """What staff call a permit: the abbreviation its name ends with, else the name."""
    found = _SHORT_NAME.search(permit_name)
    return found.group(1).strip() if found else permit_name


@dataclass
class Reading:
    """The NLU's reading of one message, completed from the conversation so far."""

    ranking: list[tuple[str, float]]
    permit: str | None = None
    number: str | None = None
    faq_topic: str | None = None
    service: str | None = None  # public_service: another office's service
    text: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, nlu: dict[str, Any] | None, text: str = "") -> Reading:
        nlu = nlu or {}
        entities = {e.get("entity"): e.get("value") for e in nlu.get("entities") or []}
        ranking = [
            (str(r["name"]), float(r.get("confidence") or 0))
            for r in nlu.get("ranking") or []
            if r.get("name")
        ]
        permit, number = entities.get("permit_type"), entities.get("application_number")
        service = entities.get("public_service")
        return cls(
            ranking=ranking,
            permit=str(permit) if permit else None,
            number=str(number) if number else (canonical_number(text) if text else None),
            faq_topic=nlu.get("faq_topic"),
            service=str(service) if service else None,
            text=text,
        )


async def suggest(
    session: AsyncSession,
    reading: Reading,
    conversation_id: str | None = None,
    limit: int = 3,
    *,
    zone: ZoneInfo,
) -> list[Suggestion]:
    """The `limit` best replies, each with live data, best first, no two alike; dates
    are the office's (`zone`)."""
    stated_number = reading.number
    if conversation_id is not None:
        await _fill_from_history(session, reading, conversation_id)
    candidates: list[Suggestion] = []
    for intent, confidence in reading.ranking:
        candidates += await _for_intent(session, intent, confidence, reading, conversation_id, zone)
    if stated_number:
        # A caller who gives an application number nearly always wants its status,
        # whatever else the sentence looked like to the NLU.
        candidates += await _status(session, STATED_NUMBER_SCORE, reading, zone)
    if reading.permit and reading.ranking and reading.ranking[0][0] in PERMIT_TOPICS:
        top = reading.ranking[0][1]
        for intent in PERMIT_TOPICS:
            candidates += await _permit_topic(session, intent, top * 0.5, reading)
    if conversation_id is not None:
        candidates += await _other_applications(session, conversation_id, zone)
    return _best(candidates, limit)


def _best(candidates: list[Suggestion], limit: int) -> list[Suggestion]:
    """The highest-scoring candidates the NLU did not rule out, no two saying the same."""
    chosen: list[Suggestion] = []
    for candidate in sorted(candidates, key=lambda s: s.score, reverse=True):
        if candidate.score >= MIN_SCORE and all(candidate.text != c.text for c in chosen):
            chosen.append(candidate)
    return chosen[:limit]


async def suggest_for_conversation(
    session: AsyncSession, conversation_id: str, *, zone: ZoneInfo, limit: int = 3
) -> ConversationSuggestions:
    """For the user's latest message; nothing once the conversation has been closed (by
    an agent, or handed back to the bot) and the user has not written since."""
    latest = await session.scalar(
        select(Message)
        .where(Message.conversation_id == conversation_id, Message.direction == MessageDirection.IN)
        .order_by(Message.id.desc())
        .limit(1)
    )
    if latest is None:
        return ConversationSuggestions([], closed=False)
    if await _closed_since(session, conversation_id, latest):
        return ConversationSuggestions([], closed=True)
    reading = Reading.of(latest.nlu, latest.text)
    items = await suggest(session, reading, conversation_id, limit, zone=zone)
    return ConversationSuggestions(items, closed=False)


async def _closed_since(session: AsyncSession, conversation_id: str, latest: Message) -> bool:
    handoff = await session.scalar(
        select(Handoff)
        .where(Handoff.conversation_id == conversation_id)
        .order_by(Handoff.id.desc())
        .limit(1)
    )
    if handoff is None or handoff.state != HandoffState.CLOSED or handoff.closed_at is None:
        return False
    return latest.at <= handoff.closed_at


async def _for_intent(
    session: AsyncSession,
    intent: str,
    confidence: float,
    reading: Reading,
    conversation_id: str | None,
    zone: ZoneInfo,
) -> list[Suggestion]:
    if intent in PERMIT_TOPICS:
        return await _permit_topic(session, intent, confidence, reading)
    if intent == "check_status":
        return await _status(session, confidence, reading, zone)
    handler = _OTHER_INTENTS.get(intent)
    if handler is None:
        return []
    return await handler(session, confidence, reading, conversation_id)


async def _permit_topic(
    session: AsyncSession, intent: str, confidence: float, reading: Reading
) -> list[Suggestion]:
    topic, render = PERMIT_TOPICS[intent]
    permit = await _permit(session, reading)
    if permit is None:
        text = _(ASK_PERMIT)
        return [Suggestion(f"{topic}: tanyakan izinnya", text, intent, confidence * 0.6)]
    return [Suggestion(f"{topic} {short_name(permit.name)}", render(permit), intent, confidence)]


async def _status(
    session: AsyncSession, confidence: float, reading: Reading, zone: ZoneInfo
) -> list[Suggestion]:
    if not reading.number:
        text = ask_number()
        return [Suggestion("Minta nomor permohonan", text, "check_status", confidence * 0.6)]
    try:
        view = await status_for_staff(session, reading.number)
    except (InvalidNumber, ApplicationNotFound):
        text = number_not_found(reading.number)
        fact = f"{reading.number}: tidak ditemukan"
        return [Suggestion(fact, text, "check_status", confidence)]
    answer = status_answer(view, zone)
    return [Suggestion(f"Status {view.number}", answer, "check_status", confidence)]


async def _own_applications(
    session: AsyncSession, confidence: float, reading: Reading, conversation_id: str | None
) -> list[Suggestion]:
    if conversation_id is None:
        return []
    try:
        views = await applications_for_conversation(session, conversation_id)
    except NotLinked:
        text = _(NOT_LINKED)
        return [Suggestion("Data pribadi: minta nomor", text, "list_my_applications", confidence)]
    text = own_applications(views)
    fact = f"Daftar {len(views)} permohonan" if views else "Daftar permohonan: kosong"
    return [Suggestion(fact, text, "list_my_applications", confidence)]


async def _other_applications(
    session: AsyncSession, conversation_id: str, zone: ZoneInfo
) -> list[Suggestion]:
    """The status of each application of the applicant (their registered ones, when the
    channel is linked to their phone) or named in the conversation."""
    views: dict[str, tuple[StatusView, str]] = {}
    with contextlib.suppress(NotLinked):  # not linked: only the numbers it named
        for view in await applications_for_conversation(session, conversation_id):
            views[view.number] = (view, "permohonan atas nomor pemohon")
    for number in await _numbers_mentioned(session, conversation_id):
        if number not in views:
            try:
                views[number] = (await status_for_staff(session, number), "disebut pemohon")
            except (InvalidNumber, ApplicationNotFound):
                continue
    scores = _decreasing(OTHER_APPLICATION_SCORE, len(views))
    return [
        Suggestion(f"Status {view.number}", status_answer(view, zone), "check_status", score, note)
        for (view, note), score in zip(views.values(), scores, strict=True)
    ]


def _decreasing(start: float, count: int) -> list[float]:
    """Scores that keep the applications in their order, all above MIN_SCORE."""
    step = (start - MIN_SCORE) / (count + 1)
    return [start - step * index for index in range(count)]


async def _numbers_mentioned(session: AsyncSession, conversation_id: str) -> list[str]:
    """Application numbers the user wrote in the conversation, newest first."""
    rows = await session.execute(
        select(Message.text, Message.nlu)
        .where(
            Message.conversation_id == conversation_id,
            Message.direction == MessageDirection.IN,
        )
        .order_by(Message.id.desc())
        .limit(LOOKBACK)
    )
    numbers = (Reading.of(nlu, text).number for text, nlu in rows)
    return list(dict.fromkeys(number for number in numbers if number))


async def _faq(
    session: AsyncSession, confidence: float, reading: Reading, conversation_id: str | None
) -> list[Suggestion]:
    if not reading.faq_topic:
        return []
    try:
        answer = await faq_answer(session, reading.faq_topic)
    except UnknownTopic:
        return []
    intent = FAQ_PREFIX + reading.faq_topic
    return [Suggestion(intent_label(intent), answer, intent, confidence)]


async def _complaint(
    session: AsyncSession, confidence: float, reading: Reading, conversation_id: str | None
) -> list[Suggestion]:
    ticket = await latest_ticket(session, conversation_id) if conversation_id else None
    follow_up = (
        _(
            "Pengaduan Anda tercatat dengan nomor tiket {ticket} dan sedang kami tindak lanjuti.",
            ticket=ticket,
        )
        if ticket
        else _("Boleh diceritakan kejadiannya (waktu, loket, dan nomor permohonan bila ada)?")
    )
    text = _(APOLOGY) + " " + follow_up
    fact = f"Pengaduan {ticket}" if ticket else "Pengaduan: minta kronologi"
    return [Suggestion(fact, text, "complaint", confidence)]


async def _other_service(
    session: AsyncSession, confidence: float, reading: Reading, conversation_id: str | None
) -> list[Suggestion]:
    if not reading.service:
        return []
    try:
        service = await find_public_service(session, reading.service)
    except UnknownPublicService:
        return []
    return [
        Suggestion(
            f"Arahkan ke {service.office}", directions(service), "ask_other_service", confidence
        )
    ]


_Handler = Callable[[AsyncSession, float, Reading, str | None], Awaitable[list[Suggestion]]]


def _canned(fact: str, text: str, intent: str) -> _Handler:
    """A fixed reply; `text` is a catalogue msgid, shown in the language in use."""

    async def handler(
        session: AsyncSession, confidence: float, reading: Reading, conversation_id: str | None
    ) -> list[Suggestion]:
        return [Suggestion(fact, _(text), intent, confidence * 0.8)]

    return handler


_OTHER_INTENTS: dict[str, _Handler] = {
    "list_my_applications": _own_applications,
    "faq": _faq,
    "complaint": _complaint,
    "ask_other_service": _other_service,
    "greet": _canned("Sapaan", GREETING, "greet"),
    "human_handoff": _canned("Sapaan petugas", GREETING, "human_handoff"),
    "thanks": _canned("Penutup", CLOSING, "thanks"),
    "goodbye": _canned("Penutup", CLOSING, "goodbye"),
}


async def _permit(session: AsyncSession, reading: Reading) -> PermitInfo | None:
    """The permit named by the NLU, else one the words of the message name."""
    if reading.permit:
        try:
            return await get_permit(session, reading.permit)
        except UnknownPermit:
            pass
    for words in (reading.permit, reading.text):
        if words:
            try:
                return await resolve_permit(session, words)
            except UnknownPermit:
                continue
    return None


async def _fill_from_history(session: AsyncSession, reading: Reading, conversation_id: str) -> None:
    """A permit or number named earlier still counts ("kalau biayanya?")."""
    if reading.permit and reading.number:
        return
    readings = await session.scalars(
        select(Message.nlu)
        .where(
            Message.conversation_id == conversation_id,
            Message.direction == MessageDirection.IN,
            Message.nlu.is_not(None),
        )
        .order_by(Message.id.desc())
        .limit(LOOKBACK)
    )
    for nlu in readings:
        earlier = Reading.of(nlu)
        reading.permit = reading.permit or earlier.permit
        reading.number = reading.number or earlier.number
        if reading.permit and reading.number:
            return
