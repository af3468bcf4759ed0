"""Indonesian phone numbers: the one rule for how they are read and stored.

Applications store the applicant's number as "+62" and 8 to 13 digits, and a
conversation is linked to a number in that form (Telegram's shared contact, the
number a user types for a call-back), so both can be compared as text. People and
apps write the same number as 0812-3456-7890, +62 812 3456 7890 or 6281234567890;
all of those read as +6281234567890. A number without its 0 or 62 (812...) is not
read: it cannot be told from other digits.
"""

from __future__ import annotations

import re

# The stored form; the importer checks applications' numbers against it.
STORED_PHONE = r"^\+62\d{8,13}$"
_STORED = re.compile(STORED_PHONE)
# A number inside a sentence: "+62", "62" or "0", then digits, spaces, dots or dashes.
_WRITTEN = re.compile(r"(?:\+?62|0)[\d\s.-]{8,16}\d")


def normalise_phone(raw: str) -> str | None:
    """The stored form of a number however it is written (separators ignored, a
    leading 0 read as 62), or None when it is not an Indonesian number."""
    digits = "".join(ch for ch in raw if ch.isdigit())
    if digits.startswith("0"):
        digits = "62" + digits[1:]
    phone = "+" + digits
    return phone if _STORED.fullmatch(phone) else None


def phone_in(text: str) -> str | None:
    """The first phone number written in a message, in the stored form, or None."""
    match = _WRITTEN.search(text)
    return normalise_phone(match.group()) if match else None


def without_phones(text: str, placeholder: str) -> str:
    """The text with every phone number written in it replaced by `placeholder`."""
    return _WRITTEN.sub(placeholder, text)
