"""Fee rules. Most local permits are free; PBG retribution depends on floor area and use.

Stored as JSON on PermitType.fee_rule and validated here, so an administrator's
edit that makes no sense is refused before it reaches an applicant.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from permits.texts import _

# Function index of a building (indeks fungsi bangunan) used in PBG retribution.
PBG_FUNCTION_INDEX: dict[str, float] = {
    "hunian": 0.15,
    "usaha": 0.70,
    "sosial budaya": 0.30,
    "khusus": 1.00,
    "campuran": 0.60,
}


def rupiah(amount: float) -> str:
    """12500000 → 'Rp 12.500.000' (Indonesian thousands separator)."""
    return "Rp " + f"{round(amount):,}".replace(",", ".")


class FeeRow(BaseModel):
    label: str
    amount: float = Field(ge=0)


class FeeRule(BaseModel):
    kind: Literal["free", "flat", "pbg_retribution", "table"]
    amount: float = Field(default=0, ge=0)  # flat
    unit_cost: float = Field(default=0, ge=0)  # pbg: harga satuan per m² (SHST)
    coefficient: float = Field(default=1.0, gt=0)  # pbg: locality/complexity factor
    rows: list[FeeRow] = Field(default_factory=list)  # table
    note: str = ""

    def estimate_pbg(self, area_m2: float, function: str) -> float:
        """Retribution = floor area × function index × unit cost × coefficient."""
        return area_m2 * PBG_FUNCTION_INDEX[function] * self.unit_cost * self.coefficient

    def describe(self) -> str:
        """One paragraph an applicant can act on (the note is the office's, as written)."""
        if self.kind == "free":
            text = _("Tidak dipungut biaya (gratis).")
        elif self.kind == "flat":
            text = _("Biayanya {amount}.", amount=rupiah(self.amount))
        elif self.kind == "table":
            rows = "; ".join(f"{r.label} {rupiah(r.amount)}" for r in self.rows)
            text = _("Biayanya: {rows}.", rows=rows)
        else:
            text = _(
                "Dikenakan retribusi PBG = luas lantai (m²) × indeks fungsi bangunan × "
                "harga satuan {unit_cost}/m² × koefisien {coefficient}. "
                "Indeks fungsi: hunian 0,15; usaha 0,70; sosial budaya 0,30; campuran 0,60; "
                "khusus 1,00. Contoh: rumah tinggal 100 m² ≈ {example}.",
                unit_cost=rupiah(self.unit_cost),
                coefficient=format(self.coefficient, "g").replace(".", ","),
                example=rupiah(self.estimate_pbg(100, "hunian")),
            )
        return f"{text} {self.note}".strip()
