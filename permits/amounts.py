"""Rupiah amounts and decimals as Indonesians type them in the editors: "1.500.000",
"Rp 1.500.000", "0,8"."""

from __future__ import annotations

import re

_THOUSANDS = re.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?")  # 1.500.000 or 1.500.000,50
_PLAIN_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")  # 1500000, 0,8 or 0.8
AMOUNT_INVALID = "Tulis nominal rupiah berupa angka, misalnya 1.500.000."


def format_amount(amount: float) -> str:
    """1800000 → '1.800.000', as the form shows and reads back."""
    whole = f"{int(amount):,}".replace(",", ".")
    cents = round(amount - int(amount), 2)
    return whole if not cents else whole + "," + f"{cents:.2f}"[2:]


def format_decimal(value: float) -> str:
    """0.8 → '0,8'."""
    return f"{value:g}".replace(".", ",")


def parse_amount(text: str) -> float | None:
    """'Rp 1.500.000', '1500000' or '2500,50' → rupiah; None when it is not a number."""
    cleaned = re.sub(r"^rp\.?", "", text.strip().lower()).replace(" ", "")
    if _THOUSANDS.fullmatch(cleaned):
        return float(cleaned.replace(".", "").replace(",", "."))
    if _PLAIN_NUMBER.fullmatch(cleaned):
        return float(cleaned.replace(",", "."))
    return None


def parse_decimal(text: str) -> float | None:
    """'0,8' or '0.8' → 0.8; None when it is not a number."""
    cleaned = text.strip()
    return float(cleaned.replace(",", ".")) if _PLAIN_NUMBER.fullmatch(cleaned) else None
