"""The wording of factual answers, shared by the bot's actions and the console.

One place decides how a requirement list, a fee or a status reads, so the
console's suggested replies say exactly what the bot would say. Dates are the
office's: callers pass the zone of their settings (permits.clock). The texts are in
the message catalogue (permits/texts.py); the plural forms are for languages that
have them (Indonesian has one).
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from permits.catalogue import PermitInfo
from permits.clock import local_day
from permits.requirement_questions import RequirementQuestion
from permits.status import StatusView
from permits.texts import N_, _, ngettext

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

ASK_PERMIT = N_(
    "Izin apa yang Anda maksud? Contoh: PBG (dulu IMB), NIB (dulu SIUP/TDP), reklame, SIP dokter."
)
FORMAT_HINT = N_("Formatnya PTSP-TAHUN-6 huruf/angka, misalnya PTSP-2025-AB3XYZ.")
NONE_REGISTERED = N_("Belum ada permohonan yang terdaftar atas nomor Anda.")
# The button asking for the user's phone number (an action's, Telegram's keyboard).
SHARE_PHONE = N_("Bagikan nomor telepon")
# No answer can be given now (the database, the action server): the actions and the
# gateway say the same. Field: call_centre.
CANNOT_ANSWER = N_(
    "Maaf, sistem data kami sedang gangguan sehingga saya belum bisa menjawab. "
    "Silakan coba lagi beberapa saat lagi, atau hubungi petugas di call center {call_centre}."
)


def numbered(items: list[str]) -> str:
    return "\n".join(f"{i}. {item}" for i, item in enumerate(items, 1))


def tanggal(moment: datetime, zone: ZoneInfo) -> str:
    """'5 Maret 2026': the day at the office."""
    day = local_day(moment, zone)
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def working_days(count: int) -> str:
    """'14 hari kerja': one phrase with the count, so languages with plurals inflect it."""
    return ngettext("{count} hari kerja", "{count} hari kerja", count, count=count)


def requirements_answer(permit: PermitInfo) -> str:
    return _(
        "Persyaratan {permit}:\n{requirements}\n\n"
        "Diproses oleh {agency}. Dasar hukum: {legal_basis}.",
        permit=permit.name,
        requirements=numbered(permit.requirements),
        agency=permit.agency_name,
        legal_basis=permit.legal_basis,
    )


def requirement_question_answer(question: RequirementQuestion, permit: PermitInfo) -> str:
    """Yes or no for each document asked about, whether it is enough, then the list."""
    lines = []
    for answer in question.answers:
        if answer.item is None:
            lines.append(
                _(
                    "Tidak, {document} tidak termasuk persyaratan {permit}.",
                    document=answer.document,
                    permit=permit.name,
                )
            )
        else:
            lines.append(
                _(
                    'Ya, {document} termasuk persyaratan {permit}: "{item}".',
                    document=answer.document,
                    permit=permit.name,
                    item=answer.item,
                )
            )
    named_items = {answer.item for answer in question.answers if answer.item is not None}
    others = len(permit.requirements) - len(named_items)
    if question.enough_alone and question.all_required and others > 0:
        lines.append(
            ngettext(
                "Tetapi itu saja belum cukup: masih ada {count} persyaratan lain.",
                "Tetapi itu saja belum cukup: masih ada {count} persyaratan lain.",
                others,
                count=others,
            )
        )
    return "\n".join(lines) + "\n\n" + requirements_answer(permit)


def fee_answer(permit: PermitInfo) -> str:
    return _("Biaya {permit}: {fee}", permit=permit.name, fee=permit.fee.describe())


def duration_answer(permit: PermitInfo) -> str:
    return _(
        "Lama proses {permit} paling lama {days} sejak berkas dinyatakan lengkap dan benar. "
        "Diproses oleh {agency}.",
        permit=permit.name,
        days=working_days(permit.sla_days),
        agency=permit.agency_name,
    )


def procedure_answer(permit: PermitInfo) -> str:
    return _(
        "Prosedur pengurusan {permit}:\n{steps}",
        permit=permit.name,
        steps=numbered(permit.procedure),
    )


def late_mark(view: StatusView) -> str:
    if view.finished:
        return ""
    sla = working_days(view.sla_days)
    if view.is_late:
        return _("⚠️ TERLAMBAT {late} dari SLA ({sla}).", late=working_days(view.days_late), sla=sla)
    return _("Masih dalam batas waktu (SLA {sla}).", sla=sla)


def status_answer(view: StatusView, zone: ZoneInfo) -> str:
    lines = [
        _("Status permohonan {number} ({permit}):", number=view.number, permit=view.permit_name),
        _("• Status: {label}", label=_(view.status_label)),
        _("• Tahap: {stage}", stage=view.stage),
        _("• Posisi berkas: {agency}", agency=view.agency_name),
    ]
    submitted, total = tanggal(view.submitted_at, zone), working_days(view.total_days)
    if view.finished:
        lines.append(_("• Diajukan: {date}, selesai dalam {days}", date=submitted, days=total))
    else:
        lines.append(_("• Lama di tahap ini: {days}", days=working_days(view.days_held)))
        lines.append(_("• Total berjalan: {days} sejak {date}", days=total, date=submitted))
        lines.append(late_mark(view))
    return "\n".join(lines)


def status_line(view: StatusView) -> str:
    line = _(
        "• {number} ({permit}): {label}, {stage} di {agency}",
        number=view.number,
        permit=view.permit_name,
        label=_(view.status_label),
        stage=view.stage,
        agency=view.agency_name,
    )
    if view.is_late:
        line += _(" — TERLAMBAT {late}", late=working_days(view.days_late))
    return line


def ask_number() -> str:
    return _("Silakan kirim nomor permohonan Anda. {hint}", hint=_(FORMAT_HINT))


def number_not_found(number: str) -> str:
    return _(
        "Nomor permohonan {number} tidak ditemukan. Periksa kembali nomor pada tanda terima "
        "Anda. {hint}",
        number=number,
        hint=_(FORMAT_HINT),
    )


def own_applications(views: list[StatusView]) -> str:
    """The applications registered to the user's phone number, one line each."""
    if not views:
        return _(NONE_REGISTERED)
    lines = "\n".join(status_line(view) for view in views)
    return _("Permohonan atas nomor Anda:\n{lines}", lines=lines)
