"""Reading the admin pages' form posts."""

from __future__ import annotations

from typing import Any

from multidict import MultiDictProxy


def form_text(form: MultiDictProxy[Any], name: str) -> str:
    """The text of one field; empty when missing or when a file was sent instead."""
    value = form.get(name, "")
    return value if isinstance(value, str) else ""
