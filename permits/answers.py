"""The Indonesian wording of factual answers, shared by the bot's actions and the console.

One place decides how a requirement list, a fee or a status reads, so the
console's suggested replies say exactly what the bot would say. Dates are the
office's: callers pass the zone of their settings (permits.clock).
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from permits.catalogue import PermitInfo
from permits.clock import local_day
from permits.status import StatusView

MONTHS = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
]


def numbered(items: list[str]) -> str:
    return "\n".join(f"{i}. {item}" for i, item in enumerate(items, 1))


def tanggal(moment: datetime, zone: ZoneInfo) -> str:
    """'5 Maret 2026': the day at the office."""
    day = local_day(moment, zone)
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def requirements_answer(permit: PermitInfo) -> str:
    return (
        f"Persyaratan {permit.name}:\n{numbered(permit.requirements)}\n\n"
        f"Diproses oleh {permit.agency_name}. Dasar hukum: {permit.legal_basis}."
    )


def fee_answer(permit: PermitInfo) -> str:
    return f"Biaya {permit.name}: {permit.fee.describe()}"


def duration_answer(permit: PermitInfo) -> str:
    return (
        f"Lama proses {permit.name} paling lama {permit.sla_days} hari kerja sejak berkas "
        f"dinyatakan lengkap dan benar. Diproses oleh {permit.agency_name}."
    )


def procedure_answer(permit: PermitInfo) -> str:
    return f"Prosedur pengurusan {permit.name}:\n{numbered(permit.procedure)}"


def late_mark(view: StatusView) -> str:
    if view.finished:
        return ""
    if view.is_late:
        return f"⚠️ TERLAMBAT {view.days_late} hari kerja dari SLA ({view.sla_days} hari kerja)."
    return f"Masih dalam batas waktu (SLA {view.sla_days} hari kerja)."


def status_answer(view: StatusView, zone: ZoneInfo) -> str:
    submitted = tanggal(view.submitted_at, zone)
    lines = [
        f"Status permohonan {view.number} ({view.permit_name}):",
        f"• Status: {view.status_label}",
        f"• Tahap: {view.stage}",
        f"• Posisi berkas: {view.agency_name}",
    ]
    if view.finished:
        lines.append(f"• Diajukan: {submitted}, selesai dalam {view.total_days} hari kerja")
    else:
        lines.append(f"• Lama di tahap ini: {view.days_held} hari kerja")
        lines.append(f"• Total berjalan: {view.total_days} hari kerja sejak {submitted}")
        lines.append(late_mark(view))
    return "\n".join(lines)


def status_line(view: StatusView) -> str:
    mark = f" — TERLAMBAT {view.days_late} hari kerja" if view.is_late else ""
    return (
        f"• {view.number} ({view.permit_name}): {view.status_label}, {view.stage} "
        f"di {view.agency_name}{mark}"
    )
