"""The states of the rows that move through a process, and what classifies a message
(its direction, sender and kind), each named once.

StrEnum members are the strings stored in the database (the columns stay
`String`), so a row read back compares equal to its member and migrations are
unchanged. A row read from the database holds a plain `str`, one just written may
hold the member: compare with `==` or `in`, never with `is`.
"""

from __future__ import annotations

from enum import StrEnum


class MessageState(StrEnum):
    """An inbound message waits (pending) until the bot or the gateway answered it,
    an agent holds the conversation (held), it was over the flood limit (limited) or
    Rasa could not answer it in an API response (failed). An outbound message is
    queued for the delivery worker until it is sent or failed for good."""

    PENDING = "pending"
    ANSWERED = "answered"
    HELD = "held"
    LIMITED = "limited"
    QUEUED = "queued"
    SENT = "sent"
    FAILED = "failed"


class MessageDirection(StrEnum):
    IN = "in"  # from the user
    OUT = "out"  # to the user, through the delivery worker


class Sender(StrEnum):
    USER = "user"
    BOT = "bot"
    AGENT = "agent"  # a member of staff, from the console (Message.agent_id says who)
    SYSTEM = "system"  # the gateway itself: notices, the survey, status notifications


class MessageKind(StrEnum):
    """What an outbound message is: the channels send notifications differently (a
    WhatsApp template outside the 24-hour window), and a service notice of one kind
    is sent at most once in a while. Inbound messages are chat."""

    CHAT = "chat"  # an answer, by the bot or an agent
    NOTICE = "notice"  # Rasa is down: the message is kept and answered later
    LIMIT = "limit"  # over the flood limit: "slow down"
    SURVEY = "survey"  # the satisfaction question after an agent closed the conversation
    NOTIFICATION = "notification"  # an application the user subscribed to changed


class HandoffState(StrEnum):
    QUEUED = "queued"  # waiting for an agent
    ACTIVE = "active"  # an agent holds the conversation
    CALLBACK = "callback"  # outside office hours: the applicant is to be called back
    CLOSED = "closed"  # handed back to the bot, finished, or called back


# At most one handoff of a conversation is open: the partial unique index of
# permits.models.Handoff is built from this (and migration 0003 spells it out).
OPEN_HANDOFF_STATES = (HandoffState.QUEUED, HandoffState.ACTIVE)
# What the agents' queue shows: the open handoffs and those waiting for a call-back.
QUEUE_HANDOFF_STATES = (*OPEN_HANDOFF_STATES, HandoffState.CALLBACK)


class ComplaintState(StrEnum):
    NEW = "baru"
    IN_PROGRESS = "diproses"
    DONE = "selesai"


class ComplaintCategory(StrEnum):
    """What a complaint is about (read by permits/complaint_categories.py)."""

    PELAYANAN = "pelayanan"  # how people were served; also whatever no rule recognises
    INTEGRITAS = "integritas"  # illegal levies, bribes, brokers: an integrity report
    TEKNIS = "teknis"  # the portal, OSS, uploads, logins
    KETERLAMBATAN = "keterlambatan"  # an application past its promised time


class InboxState(StrEnum):
    """A message the NLU did not understand, in the administrators' inbox."""

    NEW = "new"
    ASSIGNED = "assigned"  # turned into a training example
    DISMISSED = "dismissed"


class ModelState(StrEnum):
    TRAINING = "training"
    TRAINED = "trained"
    DEPLOYED = "deployed"
    REFUSED = "refused"
    FAILED = "failed"
    RETIRED = "retired"
