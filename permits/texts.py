"""Every text an applicant reads, in one gettext message catalogue (Babel).

The source language is Indonesian: code writes the Indonesian text as the msgid,
marked for extraction, and shows it through the catalogue of the language in use:

    from permits.texts import N_, _, ngettext

    ASK_NUMBER = N_("Silakan kirim nomor permohonan Anda.")   # marked, not yet translated
    _(ASK_NUMBER)                                               # translated when shown
    _("Biaya {permit}: {fee}", permit=name, fee=fee)            # str.format named fields
    ngettext("sekitar {n} menit", "sekitar {n} menit", n, n=n)  # counted forms

`make texts` extracts every marked text into permits/locale/tanya.pot and updates
and compiles each language's permits/locale/<lang>/LC_MESSAGES/tanya.po. The
Indonesian catalogue leaves msgstr empty (the text in the code is shown); another
language is added by `pybabel init -l en ...` (docs/architecture.md, "Texts"),
translating its .po and compiling it; which language a process answers in is
TANYA_LANGUAGE (default "id"). A text missing from a catalogue falls back to the
Indonesian source text, never to an empty string or a key.

Fields are formatted after translation, so a translation may reorder them; the
catalogue test (tests/permits/test_texts.py) checks that every translation keeps
the fields of its msgid.
"""

from __future__ import annotations

import gettext
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path

from babel.support import Translations
from pydantic_settings import BaseSettings, SettingsConfigDict

LOCALE_DIR = Path(__file__).with_name("locale")
DOMAIN = "tanya"
SOURCE_LANGUAGE = "id"


class TextSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TANYA_", env_file=".env", extra="ignore")

    language: str = SOURCE_LANGUAGE  # the catalogue both the gateway and the actions answer in


class Texts:
    """The texts of one language: its compiled catalogue, with str.format fields."""

    def __init__(self, language: str, translations: gettext.NullTranslations) -> None:
        self.language = language
        self._translations = translations

    def gettext(self, message: str, /, **fields: object) -> str:
        text = self._translations.gettext(message)
        return text.format(**fields) if fields else text

    def ngettext(self, singular: str, plural: str, count: int, /, **fields: object) -> str:
        text = self._translations.ngettext(singular, plural, count)
        return text.format(**fields) if fields else text


@cache
def catalogue(language: str, directory: Path = LOCALE_DIR) -> Texts:
    """The compiled catalogue of `language`; without one, the source texts unchanged."""
    translations = Translations.load(str(directory), [language], DOMAIN)
    return Texts(language, translations)


@cache
def configured_language() -> str:
    return TextSettings().language


_speaking: ContextVar[str | None] = ContextVar("speaking", default=None)


@contextmanager
def speaking(language: str) -> Iterator[None]:
    """Answer in `language` within the block (tests; later, a per-conversation choice)."""
    token = _speaking.set(language)
    try:
        yield
    finally:
        _speaking.reset(token)


def current() -> Texts:
    return catalogue(_speaking.get() or configured_language())


def language_in_use() -> str:
    return _speaking.get() or configured_language()


def N_(message: str) -> str:
    """Mark a text for extraction where it is defined (a constant); `_` translates it
    where it is shown, so the language is chosen per answer, not at import."""
    return message


def _(message: str, /, **fields: object) -> str:
    """`message` in the language in use, its {fields} filled."""
    return current().gettext(message, **fields)


def ngettext(singular: str, plural: str, count: int, /, **fields: object) -> str:
    """The form of `count` in the language in use (Indonesian has one), {fields} filled."""
    return current().ngettext(singular, plural, count, **fields)
