"""A year of a large office's chat traffic, made up, for the reports benchmark.

About a million transcript rows over one calendar year, shaped like the offices this
is built for (docs/benchmarks.md, "Reports"): more on weekdays and in office hours,
growing over the year; WhatsApp first, then the web chat, Telegram and the API;
mostly permit questions, some FAQ, small talk, misunderstandings and requests for a
person. A request for a person opens a handoff that an agent claims after a
while (or nobody does), the agent's conversation is held, and the applicant may
answer the satisfaction survey; a complaint files a ticket of one category.

The rows come out one day at a time, in time order with ids ascending, as a live
office writes them (so the physical order of the table follows `at`, as it would).
The same seed gives the same year.
"""

from __future__ import annotations

import json
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from permits.states import (
    ComplaintCategory,
    ComplaintState,
    HandoffState,
    MessageDirection,
    MessageKind,
    MessageState,
    Sender,
)

# (channel, share of conversations)
CHANNELS = (("whatsapp", 55), ("web", 25), ("telegram", 15), ("api", 5))
# (intent, weight, share carrying a permit_type entity)
INTENTS = (
    ("ask_requirements", 18, 0.9),
    ("ask_fee", 9, 0.85),
    ("ask_duration", 7, 0.85),
    ("ask_procedure", 8, 0.85),
    ("check_status", 14, 0.0),
    ("faq", 14, 0.0),
    ("greet", 8, 0.0),
    ("thanks", 5, 0.0),
    ("goodbye", 2, 0.0),
    ("affirm", 2, 0.0),
    ("deny", 1, 0.0),
    ("inform", 4, 0.7),
    ("list_my_applications", 1, 0.0),
    ("subscribe_updates", 1, 0.0),
    ("human_handoff", 3, 0.0),
    ("complaint", 1, 0.0),
    ("out_of_scope", 2, 0.0),
    ("nlu_fallback", 3, 0.0),
    ("ask_other_service", 2, 0.0),
    ("bot_challenge", 1, 0.0),
)
PERMITS = (
    ("pbg", 22),
    ("nib", 20),
    ("sip_dokter", 6),
    ("sip_bidan", 4),
    ("sip_perawat", 5),
    ("reklame", 7),
    ("slf", 5),
    ("sipa", 3),
    ("izin_apotek", 4),
    ("izin_klinik", 3),
    ("tdup", 4),
    ("izin_penelitian", 5),
    ("pkkpr", 4),
    ("izin_trayek", 2),
    ("persetujuan_lingkungan", 4),
    ("izin_operasional_sekolah", 2),
)
FAQ_TOPICS = ("jam_layanan", "lokasi", "kontak", "akun", "jenis_layanan", "antrian", "lkpm")
CATEGORIES = (
    (ComplaintCategory.PELAYANAN, 45),
    (ComplaintCategory.TEKNIS, 25),
    (ComplaintCategory.KETERLAMBATAN, 22),
    (ComplaintCategory.INTEGRITAS, 8),
)
SCORES = ((1, 3), (2, 7), (3, 40), (4, 50))  # the SKM scale
WEEKDAY_WEIGHT = (1.0, 1.0, 1.0, 1.0, 0.9, 0.4, 0.25)  # Monday first
# Hours of the office's day and how busy each is (office hours 08-16 the busiest).
HOUR_WEIGHT = (
    (0, 1), (1, 1), (2, 1), (3, 1), (4, 1), (5, 2), (6, 4), (7, 8), (8, 14), (9, 16),
    (10, 16), (11, 14), (12, 10), (13, 14), (14, 14), (15, 12), (16, 8), (17, 6), (18, 5),
    (19, 6), (20, 6), (21, 5), (22, 3), (23, 2),
)  # fmt: skip
AGENTS = 12
FIRST_AGENT_ID = 1001  # accounts of their own, above any demo account
LOW_CONFIDENCE_SHARE = 0.10  # answers the NLU was unsure of
OTHER_STATE_SHARE = 0.004  # over the flood limit, or Rasa failed
CLAIMED_SHARE = 0.85
SURVEY_ASKED_SHARE = 0.7
SURVEY_ANSWERED_SHARE = 0.55
SAMPLE_TEXTS = {
    "ask_requirements": "syarat {permit} apa aja min?",
    "ask_fee": "biaya {permit} berapa ya",
    "ask_duration": "brp lama ngurus {permit}",
    "ask_procedure": "gmn cara daftar {permit}",
    "inform": "{permit}",
}
BOT_ANSWER = (
    "Persyaratan izin ini: KTP pemohon, NPWP, dokumen teknis sesuai jenis izin, dan "
    "surat pernyataan. Pengajuan melalui portal perizinan; biaya sesuai peraturan daerah "
    "yang berlaku. Ketik *menu* untuk pilihan lain."
)


@dataclass
class Row:
    """A message row before its id is known (ids follow time order, set per day)."""

    conversation_id: str
    direction: str
    sender: str
    kind: str
    text: str
    at: datetime
    state: str
    intent: str | None = None
    confidence: float | None = None
    nlu: dict[str, Any] | None = None
    permit_type: str | None = None
    agent_id: int | None = None
    reply_to: Row | None = None
    id: int = 0


@dataclass
class HandoffRow:
    conversation_id: str
    reason: str
    state: str
    created_at: datetime
    agent_id: int | None = None
    claimed_at: datetime | None = None
    closed_at: datetime | None = None
    outcome: str | None = None
    survey_asked_at: datetime | None = None
    survey_score: int | None = None


@dataclass
class ComplaintRow:
    ticket: str
    conversation_id: str | None
    text: str
    category: str
    anonymous: bool
    created_at: datetime


@dataclass
class Day:
    """One day's rows, ready to insert."""

    conversations: list[tuple[str, str, datetime]] = field(default_factory=list)
    messages: list[Row] = field(default_factory=list)
    handoffs: list[HandoffRow] = field(default_factory=list)
    complaints: list[ComplaintRow] = field(default_factory=list)


def _cumulative(weights: list[float]) -> list[float]:
    total, out = 0.0, []
    for weight in weights:
        total += weight
        out.append(total)
    return out


class Year:
    """Generates the year day by day; `days()` yields each day's rows."""

    def __init__(self, year: int, target_messages: int, zone: ZoneInfo, seed: int = 19) -> None:
        self.zone = zone
        self.random = random.Random(seed)
        self.first = date(year, 1, 1)
        self.calendar = [self.first + timedelta(days=n) for n in range(_days_in(year))]
        # Traffic grows by half over the year (more offices learn of the bot).
        weights = [
            WEEKDAY_WEIGHT[day.weekday()] * (1 + 0.5 * n / len(self.calendar))
            for n, day in enumerate(self.calendar)
        ]
        # About 6.1 rows per conversation, half of them questions (measured on this generator).
        conversations = target_messages / 6.1
        self.per_day = [conversations * weight / sum(weights) for weight in weights]
        self.next_id = 1
        self.conversation_count = 0
        self.complaint_count = 0
        self._intents = [intent for intent, _, _ in INTENTS]
        self._intent_cum = _cumulative([weight for _, weight, _ in INTENTS])
        self._permit_share = {intent: share for intent, _, share in INTENTS}
        self._permits = [slug for slug, _ in PERMITS]
        self._permit_cum = _cumulative([weight for _, weight in PERMITS])
        self._hours = [hour for hour, _ in HOUR_WEIGHT]
        self._hour_cum = _cumulative([weight for _, weight in HOUR_WEIGHT])

    def days(self) -> Iterator[Day]:
        for day, expected in zip(self.calendar, self.per_day, strict=True):
            count = int(expected) + (1 if self.random.random() < expected % 1 else 0)
            generated = Day()
            for _ in range(count):
                self._conversation(day, generated)
            self._number(generated)
            yield generated

    # --- one conversation ---------------------------------------------------------

    def _start(self, day: date) -> datetime:
        hour = self.random.choices(self._hours, cum_weights=self._hour_cum)[0]
        local = datetime.combine(day, time(hour), tzinfo=self.zone)
        return (local + timedelta(seconds=self.random.randrange(3600))).astimezone(UTC)

    def _conversation(self, day: date, out: Day) -> None:
        rnd = self.random
        channel = rnd.choices([c for c, _ in CHANNELS], [w for _, w in CHANNELS])[0]
        self.conversation_count += 1
        conversation_id = f"{channel}:{self.conversation_count:08d}"
        moment = self._start(day)
        out.conversations.append((conversation_id, channel, moment))
        turns = 1 + min(11, int(rnd.expovariate(1 / 2.5)))
        handoff: HandoffRow | None = None
        for _ in range(turns):
            moment += timedelta(seconds=rnd.randint(15, 240))
            held = (
                handoff is not None
                and handoff.claimed_at is not None
                and handoff.closed_at is not None
                and handoff.claimed_at <= moment < handoff.closed_at
            )
            if held and handoff is not None:
                self._held_turn(conversation_id, moment, handoff, out)
                continue
            intent = rnd.choices(self._intents, cum_weights=self._intent_cum)[0]
            question = self._question(conversation_id, moment, intent)
            out.messages.append(question)
            if question.state != MessageState.ANSWERED:
                continue
            out.messages.append(self._bot_answer(conversation_id, moment, question))
            if intent == "human_handoff" and handoff is None:
                handoff = self._handoff(conversation_id, moment, "request", out)
            elif intent == "complaint":
                self._complaint(conversation_id, moment, out)
        if handoff is not None:
            self._survey(conversation_id, handoff, out)

    def _question(self, conversation_id: str, moment: datetime, intent: str) -> Row:
        rnd = self.random
        permit = None
        if rnd.random() < self._permit_share[intent]:
            permit = rnd.choices(self._permits, cum_weights=self._permit_cum)[0]
        if intent == "nlu_fallback":
            confidence = round(rnd.uniform(0.2, 0.5), 4)
        elif rnd.random() < LOW_CONFIDENCE_SHARE:
            confidence = round(rnd.uniform(0.3, 0.6), 4)
        else:
            confidence = round(rnd.uniform(0.6, 1.0), 4)
        state = MessageState.ANSWERED
        if rnd.random() < OTHER_STATE_SHARE:
            # Never pending: a gateway started on this database would send those to Rasa.
            state = rnd.choice((MessageState.LIMITED, MessageState.FAILED))
        return Row(
            conversation_id=conversation_id,
            direction=MessageDirection.IN,
            sender=Sender.USER,
            kind=MessageKind.CHAT,
            text=SAMPLE_TEXTS.get(intent, "halo min, mau tanya {permit}").format(
                permit=permit or "izin"
            ),
            at=moment,
            state=state,
            intent=None if state != MessageState.ANSWERED else intent,
            confidence=None if state != MessageState.ANSWERED else confidence,
            nlu=None if state != MessageState.ANSWERED else self._nlu(intent, confidence, permit),
            permit_type=None if state != MessageState.ANSWERED else permit,
        )

    def _nlu(self, intent: str, confidence: float, permit: str | None) -> dict[str, Any]:
        """What the gateway keeps of the NLU's reading (bot.conversation.rasa.BotReply.nlu)."""
        others = self.random.sample([name for name in self._intents if name != intent], 4)
        ranking = [{"name": intent, "confidence": confidence}] + [
            {"name": name, "confidence": round((1 - confidence) / 4, 4)} for name in others
        ]
        entities = [{"entity": "permit_type", "value": permit}] if permit else []
        topic = self.random.choice(FAQ_TOPICS) if intent == "faq" else None
        return {"entities": entities, "ranking": ranking, "faq_topic": topic}

    def _bot_answer(self, conversation_id: str, moment: datetime, question: Row) -> Row:
        return Row(
            conversation_id=conversation_id,
            direction=MessageDirection.OUT,
            sender=Sender.BOT,
            kind=MessageKind.CHAT,
            text=BOT_ANSWER,
            at=moment + timedelta(milliseconds=self.random.randint(80, 900)),
            state=MessageState.SENT,
            reply_to=question,
        )

    def _held_turn(
        self, conversation_id: str, moment: datetime, handoff: HandoffRow, out: Day
    ) -> None:
        said = Row(
            conversation_id,
            MessageDirection.IN,
            Sender.USER,
            MessageKind.CHAT,
            "oh gitu ya, kapan selesainya?",
            moment,
            MessageState.HELD,
        )
        out.messages.append(said)
        out.messages.append(
            Row(
                conversation_id,
                MessageDirection.OUT,
                Sender.AGENT,
                MessageKind.CHAT,
                "Baik Bapak/Ibu, kami bantu cek dulu ya.",
                moment + timedelta(seconds=self.random.randint(20, 120)),
                MessageState.SENT,
                agent_id=handoff.agent_id,
            )
        )

    def _handoff(self, conversation_id: str, moment: datetime, reason: str, out: Day) -> HandoffRow:
        rnd = self.random
        created = moment + timedelta(seconds=1)
        handoff = HandoffRow(conversation_id, reason, HandoffState.CLOSED, created)
        if rnd.random() < CLAIMED_SHARE:
            # Waits are skewed: most are short, a few take most of an hour.
            wait = min(3 * 3600.0, rnd.lognormvariate(math.log(90), 1.1))
            handoff.agent_id = FIRST_AGENT_ID + rnd.randrange(AGENTS)
            handoff.claimed_at = created + timedelta(seconds=wait)
            handoff.closed_at = handoff.claimed_at + timedelta(minutes=rnd.uniform(3, 15))
            handoff.outcome = rnd.choice(("answered", "answered", "referred", "handed_back"))
        elif rnd.random() < 0.5:
            handoff.state, handoff.outcome = HandoffState.CALLBACK, None
        else:
            handoff.closed_at = created + timedelta(minutes=30)
            handoff.outcome = "no_response"
        out.handoffs.append(handoff)
        return handoff

    def _survey(self, conversation_id: str, handoff: HandoffRow, out: Day) -> None:
        rnd = self.random
        if handoff.claimed_at is None or handoff.closed_at is None:
            return
        if rnd.random() >= SURVEY_ASKED_SHARE:
            return
        handoff.survey_asked_at = handoff.closed_at
        out.messages.append(
            Row(
                conversation_id,
                MessageDirection.OUT,
                Sender.SYSTEM,
                MessageKind.SURVEY,
                "Seberapa puas Anda dengan layanan kami? Balas 1-4.",
                handoff.closed_at,
                MessageState.SENT,
            )
        )
        if rnd.random() >= SURVEY_ANSWERED_SHARE:
            return
        handoff.survey_score = rnd.choices([s for s, _ in SCORES], [w for _, w in SCORES])[0]
        answered = handoff.closed_at + timedelta(seconds=rnd.randint(30, 600))
        score = Row(
            conversation_id,
            MessageDirection.IN,
            Sender.USER,
            MessageKind.CHAT,
            str(handoff.survey_score),
            answered,
            MessageState.ANSWERED,
        )
        thanks = Row(
            conversation_id,
            MessageDirection.OUT,
            Sender.SYSTEM,
            MessageKind.CHAT,
            "Terima kasih atas penilaian Anda.",
            answered + timedelta(milliseconds=200),
            MessageState.SENT,
            reply_to=score,
        )
        out.messages += [score, thanks]

    def _complaint(self, conversation_id: str, moment: datetime, out: Day) -> None:
        rnd = self.random
        self.complaint_count += 1
        category = rnd.choices([c for c, _ in CATEGORIES], [w for _, w in CATEGORIES])[0]
        anonymous = category == ComplaintCategory.INTEGRITAS and rnd.random() < 0.5
        out.complaints.append(
            ComplaintRow(
                ticket=f"ADU-{moment.year}-{self.complaint_count:06d}",
                conversation_id=None if anonymous else conversation_id,
                text="pelayanan lambat, berkas saya belum diproses",
                category=category,
                anonymous=anonymous,
                created_at=moment + timedelta(seconds=2),
            )
        )

    def _number(self, day: Day) -> None:
        """Ids in time order, then each reply's reference to the id of its question."""
        day.messages.sort(key=lambda row: row.at)
        for row in day.messages:
            row.id = self.next_id
            self.next_id += 1


def _days_in(year: int) -> int:
    return (date(year + 1, 1, 1) - date(year, 1, 1)).days


# --- the rows as the two databases take them ----------------------------------------------

MESSAGE_COLUMNS = (
    "id",
    "conversation_id",
    "direction",
    "sender",
    "kind",
    "text",
    "intent",
    "confidence",
    "at",
    "state",
    "attempts",
    "nlu",
    "permit_type",
    "agent_id",
    "reply_to",
)
CONVERSATION_COLUMNS = ("id", "channel", "created_at", "last_message_at")
HANDOFF_COLUMNS = (
    "conversation_id",
    "reason",
    "state",
    "agent_id",
    "created_at",
    "claimed_at",
    "closed_at",
    "outcome",
    "survey_asked_at",
    "survey_score",
)
COMPLAINT_COLUMNS = (
    "ticket",
    "conversation_id",
    "text",
    "state",
    "category",
    "anonymous",
    "created_at",
)


def message_record(row: Row) -> tuple[Any, ...]:
    return (
        row.id,
        row.conversation_id,
        str(row.direction),
        str(row.sender),
        str(row.kind),
        row.text,
        row.intent,
        row.confidence,
        row.at,
        str(row.state),
        0,
        None if row.nlu is None else json.dumps(row.nlu),
        row.permit_type,
        row.agent_id,
        None if row.reply_to is None else row.reply_to.id,
    )


def conversation_record(conversation: tuple[str, str, datetime]) -> tuple[Any, ...]:
    conversation_id, channel, started = conversation
    return (conversation_id, channel, started, started)


def handoff_record(handoff: HandoffRow) -> tuple[Any, ...]:
    return (
        handoff.conversation_id,
        handoff.reason,
        str(handoff.state),
        handoff.agent_id,
        handoff.created_at,
        handoff.claimed_at,
        handoff.closed_at,
        handoff.outcome,
        handoff.survey_asked_at,
        handoff.survey_score,
    )


def complaint_record(complaint: ComplaintRow) -> tuple[Any, ...]:
    return (
        complaint.ticket,
        complaint.conversation_id,
        complaint.text,
        str(ComplaintState.NEW),
        str(complaint.category),
        complaint.anonymous,
        complaint.created_at,
    )
