"""A permit's life after it is issued: how long it holds, and how renewing, changing
or replacing it differs from a new application.

The facts are rows of `PermitVariant` (one per permit and action); a fact a row
leaves empty is the new application's, so an office writes only what differs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from permits.fees import FeeRule


class PermitAction(StrEnum):
    """What the applicant wants done, the NLU's `permit_action` values."""

    NEW = "baru"
    RENEWAL = "perpanjangan"
    CHANGE = "perubahan"
    REPLACEMENT = "penggantian"


# The actions a PermitVariant row describes (a new application is the permit itself).
VARIANT_ACTIONS = (PermitAction.RENEWAL, PermitAction.CHANGE, PermitAction.REPLACEMENT)
# A PermitVariant's facts, as the editor, the import and the audit trail name them.
VARIANT_COLUMNS = ("offered", "requirements", "procedure", "fee_rule", "sla_days", "note")


@dataclass(frozen=True)
class Variant:
    """One PermitVariant as answers read it; None is "as for a new application"."""

    action: PermitAction
    offered: bool = True
    requirements: list[str] | None = None
    procedure: list[str] | None = None
    fee: FeeRule | None = None
    sla_days: int | None = None
    note: str = ""
    english: dict[str, Any] = field(default_factory=dict)  # permits.english

    @classmethod
    def from_row(
        cls,
        action: str,
        offered: bool,
        requirements: list[str] | None,
        procedure: list[str] | None,
        fee_rule: dict[str, Any] | None,
        sla_days: int | None,
        note: str,
        english: dict[str, Any] | None = None,
    ) -> Variant:
        return cls(
            action=PermitAction(action),
            offered=offered,
            requirements=list(requirements) if requirements else None,
            procedure=list(procedure) if procedure else None,
            fee=FeeRule.model_validate(fee_rule) if fee_rule else None,
            sla_days=sla_days,
            note=note,
            english=dict(english or {}),
        )
