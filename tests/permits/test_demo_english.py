"""The demo catalogue's English texts cover every Indonesian text, item for item."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from permits.demo_catalogue import AGENCIES, FAQ_TOPICS, PERMIT_TYPES
from permits.demo_english import (
    AGENCIES_EN,
    FAQ_EN,
    PERMIT_TYPES_EN,
    SERVICES_EN,
    VARIANTS_EN,
)
from permits.demo_lifecycle import VALIDITY, VARIANTS
from permits.demo_public_services import PUBLIC_SERVICES
from permits.office_profile import PLACEHOLDERS

PERMITS = {row["slug"]: row for row in PERMIT_TYPES}
SERVICE_FIELDS = ("name", "office", "hours", "how")


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


ALL_ENGLISH = [AGENCIES_EN, PERMIT_TYPES_EN, VARIANTS_EN, FAQ_EN, SERVICES_EN]


def _same_list(english: Any, indonesian: list[str], where: str) -> None:
    assert isinstance(english, list), where
    assert len(english) == len(indonesian), where
    assert all(isinstance(item, str) and item.strip() for item in english), where


def test_every_agency_has_an_english_name() -> None:
    assert set(AGENCIES_EN) == {row["slug"] for row in AGENCIES}
    for slug, texts in AGENCIES_EN.items():
        assert set(texts) == {"name"} and texts["name"].strip(), slug


@pytest.mark.parametrize("slug", sorted(PERMITS))
def test_every_permit_has_every_text_in_english(slug: str) -> None:
    indonesian = PERMITS[slug]
    english = PERMIT_TYPES_EN[slug]
    assert set(english) == {
        "name",
        "requirements",
        "procedure",
        "fee_note",
        "fee_rows",
        "validity_note",
    }
    assert english["name"].strip()
    _same_list(english["requirements"], indonesian["requirements"], f"{slug} requirements")
    _same_list(english["procedure"], indonesian["procedure"], f"{slug} procedure")
    fee_rule = indonesian.get("fee_rule") or {}
    assert bool(english["fee_note"].strip()) == bool(fee_rule.get("note")), slug
    _same_list(english["fee_rows"], [row["label"] for row in fee_rule.get("rows", [])], slug)
    assert bool(english["validity_note"].strip()) == bool(VALIDITY[slug][1]), slug


def test_no_permit_is_left_out_or_invented() -> None:
    assert set(PERMIT_TYPES_EN) == set(PERMITS)


def test_every_variant_has_its_texts_in_english() -> None:
    assert set(VARIANTS_EN) == set(VARIANTS)
    for slug, actions in VARIANTS.items():
        assert set(VARIANTS_EN[slug]) == set(actions), slug
        for action, fields in actions.items():
            english = VARIANTS_EN[slug][action]
            where = f"{slug} {action}"
            expected = {field for field in ("requirements", "procedure") if fields.get(field)}
            if fields.get("note"):
                expected.add("note")
            assert set(english) == expected, where
            for field in ("requirements", "procedure"):
                if field in expected:
                    _same_list(english[field], fields[field], f"{where} {field}")
            if "note" in expected:
                assert english["note"].strip(), where


def test_every_faq_topic_has_an_english_title_and_answer() -> None:
    assert set(FAQ_EN) == {row["slug"] for row in FAQ_TOPICS}
    for slug, texts in FAQ_EN.items():
        assert set(texts) == {"title", "answer"}, slug
        assert texts["title"].strip() and texts["answer"].strip(), slug


def test_every_public_service_has_its_texts_in_english() -> None:
    assert set(SERVICES_EN) == {row["slug"] for row in PUBLIC_SERVICES}
    for row in PUBLIC_SERVICES:
        english = SERVICES_EN[row["slug"]]
        expected = {field for field in SERVICE_FIELDS if row.get(field)}
        assert set(english) == expected, row["slug"]
        assert all(english[field].strip() for field in expected), row["slug"]


@pytest.mark.parametrize("texts", ALL_ENGLISH, ids=lambda t: str(next(iter(t))))
def test_english_texts_are_plain_text(texts: dict[str, Any]) -> None:
    """Plain text, but for the office's facts named by their placeholders."""
    for text in _strings(texts):
        unfilled = re.sub(r"\{(" + "|".join(PLACEHOLDERS) + r")\}", "", text)
        assert "{" not in unfilled and "}" not in unfilled, text
        assert text == text.strip() and "  " not in text, text
