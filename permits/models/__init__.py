"""The data model (docs/architecture.md, "The data layer") in SQLAlchemy 2.x typed ORM,
one module per area.

Relationships are `lazy="raise"`: every query says what it loads.
Datetimes are stored as UTC and come back timezone-aware on SQLite too.

This package is the ORM's registry: importing it maps every table (Alembic's env
and the schema test compare Base.metadata with the migrations), so callers import
the models from here, `from permits.models import Message`.
"""

from permits.models.applications import Application, ApplicationEvent, LookupAttempt, Subscription
from permits.models.base import NAMING_CONVENTION, Base, UTCDateTime, utcnow
from permits.models.catalogue import Agency, FaqTopic, PermitType, PermitVariant, PublicService
from permits.models.conversations import Complaint, Conversation, Handoff, Message
from permits.models.feedback import AnswerFeedback
from permits.models.office import OfficeSetting
from permits.models.staff import AuditEntry, CannedReply, StaffSession, StaffUser
from permits.models.training import ModelVersion, TrainingExample, UnrecognisedMessage

__all__ = [
    "NAMING_CONVENTION",
    "Agency",
    "AnswerFeedback",
    "Application",
    "ApplicationEvent",
    "AuditEntry",
    "Base",
    "CannedReply",
    "Complaint",
    "Conversation",
    "FaqTopic",
    "Handoff",
    "LookupAttempt",
    "Message",
    "ModelVersion",
    "OfficeSetting",
    "PermitType",
    "PermitVariant",
    "PublicService",
    "StaffSession",
    "StaffUser",
    "Subscription",
    "TrainingExample",
    "UTCDateTime",
    "UnrecognisedMessage",
    "utcnow",
]
