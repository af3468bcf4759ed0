"""Named failures of the data layer; callers turn them into polite answers."""

from __future__ import annotations


class PermitsError(Exception):
    """Base of every error the data layer raises on purpose."""


class UnknownPermit(PermitsError):
    def __init__(self, text: str, suggestions: list[str]) -> None:
        super().__init__(f"unknown permit {text!r}")
        self.text = text
        self.suggestions = suggestions  # slugs of the closest permit types


class InvalidNumber(PermitsError):
    """The text is not shaped like PTSP-YYYY-XXXXXX."""


class ApplicationNotFound(PermitsError):
    def __init__(self, number: str) -> None:
        super().__init__(f"no application {number}")
        self.number = number


class TooManyLookups(PermitsError):
    """Too many failed number lookups from one conversation (or, `everyone`, from all
    conversations together, beyond the service's budget): guessing is stopped."""

    def __init__(self, conversation_id: str, *, everyone: bool = False) -> None:
        super().__init__(conversation_id)
        self.everyone = everyone


class NotLinked(PermitsError):
    """The conversation's channel identity does not match a registered contact."""


class UnknownAgency(PermitsError):
    def __init__(self, slug: str) -> None:
        super().__init__(f"unknown agency {slug!r}")
        self.slug = slug


class UnknownStatus(PermitsError):
    def __init__(self, status: str) -> None:
        super().__init__(f"unknown status {status!r}")
        self.status = status


class UnknownTopic(PermitsError):
    def __init__(self, slug: str) -> None:
        super().__init__(f"unknown FAQ topic {slug!r}")
        self.slug = slug


class UnknownPublicService(PermitsError):
    """A service that is neither a permit of ours nor in the other-offices directory."""

    def __init__(self, text: str) -> None:
        super().__init__(f"unknown public service {text!r}")
        self.text = text
