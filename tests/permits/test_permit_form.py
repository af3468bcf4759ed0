"""The permit editor's form: fee kinds and amounts read as administrators type them."""

from __future__ import annotations

import pytest

from permits.permit_form import (
    FEE_KINDS,
    SUPPORTED_FEE_KINDS,
    PermitDraft,
    fee_rule_from,
    parse_amount,
)


def test_the_form_offers_every_fee_kind_fee_rule_knows() -> None:
    assert set(FEE_KINDS) == set(SUPPORTED_FEE_KINDS)


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("1.500.000", 1_500_000),
        ("Rp 1.500.000", 1_500_000),
        ("rp1500000", 1_500_000),
        ("25000", 25_000),
        ("2.500,50", 2_500.5),
        ("abc", None),
        ("-5000", None),
        ("", None),
    ],
)
def test_amounts_are_read_as_indonesians_write_them(typed: str, amount: float | None) -> None:
    assert parse_amount(typed) == amount


def test_a_fee_table_is_read_one_row_per_line() -> None:
    draft = PermitDraft(
        name="x",
        aliases="",
        requirements="",
        procedure="",
        fee_kind="table",
        sla_days="5",
        legal_basis="",
        agency="dpmptsp",
        fee_rows="spanduk = 25.000\nbaliho 3=4 m² = Rp 1.800.000",
    )
    rule = fee_rule_from(draft)
    assert [(row.label, row.amount) for row in rule.rows] == [
        ("spanduk", 25_000),
        ("baliho 3=4 m²", 1_800_000),
    ]
