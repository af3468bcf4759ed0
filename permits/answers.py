"""The wording of factual answers, shared by the bot's actions and the console.

One place decides how a requirement list, a fee or a status reads, so the
console's suggested replies say exactly what the bot would say. Dates are the
office's: callers pass the zone of their settings (permits.clock). The texts are in
the message catalogue (permits/texts.py); the plural forms are for languages that
have them (Indonesian has one).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date

from permits.catalogue import PermitInfo
from permits.clock import local_day
from permits.english import UNTRANSLATED, Translating
from permits.fees import FeeRule
from permits.lifecycle import VARIANT_ACTIONS, PermitAction, Variant
from permits.requirement_questions import RequirementQuestion
from permits.status import StatusView, days_line
from permits.texts import N_, _, language_in_use, ngettext

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


def long_date(moment: datetime, zone: ZoneInfo) -> str:
    """'5 Maret 2026' ('5 March 2026'): the day at the office, with the month's name
    in the language of the answer (CLDR's, through Babel)."""
    return format_date(local_day(moment, zone), "d MMMM y", locale=language_in_use())


def working_days(count: int) -> str:
    """'14 hari kerja': one phrase with the count, so languages with plurals inflect it."""
    return ngettext("{count} hari kerja", "{count} hari kerja", count, count=count)


# The words for what the applicant wants done, as they read inside a sentence.
ACTION_WORDS = {
    PermitAction.RENEWAL: N_("perpanjangan"),
    PermitAction.CHANGE: N_("perubahan"),
    PermitAction.REPLACEMENT: N_("penggantian"),
}


@dataclass(frozen=True)
class Asked:
    """A permit's facts for what the applicant wants done: a new application's, or
    those of its renewal, change or replacement where the office wrote them down."""

    permit: PermitInfo
    action: PermitAction | None = None

    @property
    def variant(self) -> Variant | None:
        if self.action not in VARIANT_ACTIONS:
            return None
        return self.permit.variants.get(self.action)

    @property
    def subject(self) -> str:
        """'perpanjangan Surat Izin Praktik Dokter' or just the permit's name."""
        if self.action not in VARIANT_ACTIONS:
            return self.permit.name
        return _("{action} {permit}", action=_(ACTION_WORDS[self.action]), permit=self.permit.name)

    @property
    def requirements(self) -> list[str]:
        own = self.variant.requirements if self.variant else None
        return own or self.permit.requirements

    @property
    def procedure(self) -> list[str]:
        own = self.variant.procedure if self.variant else None
        return own or self.permit.procedure

    @property
    def fee(self) -> FeeRule:
        own = self.variant.fee if self.variant else None
        return own or self.permit.fee

    @property
    def sla_days(self) -> int:
        own = self.variant.sla_days if self.variant else None
        return own or self.permit.sla_days


def lifecycle_notice(asked: Asked) -> str | None:
    """The whole answer when the action does not exist for the permit ("PBG is not
    renewed"), else None. When the office wrote nothing about the action, the answer
    says so before giving the new application's facts (lifecycle_preamble)."""
    variant = asked.variant
    if variant is None or variant.offered:
        return None
    return _(
        "Tidak ada {action} untuk {permit}. {note}",
        action=_(ACTION_WORDS[variant.action]),
        permit=asked.permit.name,
        note=variant.note,
    ).strip()


def lifecycle_preamble(asked: Asked) -> str:
    """'Ketentuan khusus perpanjangan X belum kami catat; …' when the office wrote
    nothing about the action asked; '' otherwise."""
    if asked.action not in VARIANT_ACTIONS or asked.variant is not None:
        return ""
    return (
        _(
            "Ketentuan khusus {subject} belum kami catat; berikut ketentuan permohonan baru.",
            subject=asked.subject,
        )
        + "\n\n"
    )


def variant_note(asked: Asked) -> str:
    variant = asked.variant
    return f"\n\n{variant.note}" if variant and variant.note else ""


def validity_text(permit: PermitInfo) -> str:
    """'5 tahun (selama STR berlaku)', 'selama usaha berjalan', or '' when unknown."""
    if permit.validity_years is None:
        return permit.validity_note
    years = ngettext(
        "{count} tahun", "{count} tahun", permit.validity_years, count=permit.validity_years
    )
    return f"{years} ({permit.validity_note})" if permit.validity_note else years


def _answer_about(
    asked: Asked, body: Callable[[Asked], str], after_note: Callable[[Asked], str] | None = None
) -> str:
    """The frame the four answers share: the plain notice when the action does not
    exist for the permit, else the preamble, the body, the office's note on the
    action, then anything that belongs after the note."""
    notice = lifecycle_notice(asked)
    if notice is not None:
        return notice
    tail = after_note(asked) if after_note else ""
    return lifecycle_preamble(asked) + body(asked) + variant_note(asked) + tail


def requirements_answer(permit: PermitInfo, action: PermitAction | None = None) -> str:
    return _answer_about(
        Asked(permit, action),
        lambda asked: _(
            "Persyaratan {permit}:\n{requirements}",
            permit=asked.subject,
            requirements=numbered(asked.requirements),
        ),
        lambda asked: (
            "\n\n"
            + _(
                "Diproses oleh {agency}. Dasar hukum: {legal_basis}.",
                agency=permit.agency_name,
                legal_basis=permit.legal_basis,
            )
        ),
    )


def requirement_question_answer(
    question: RequirementQuestion, permit: PermitInfo, action: PermitAction | None = None
) -> str:
    """Yes or no for each document asked about, whether it is enough, then the list."""
    asked = Asked(permit, action)
    lines = []
    for answer in question.answers:
        if answer.item is None:
            lines.append(
                _(
                    "Tidak, {document} tidak termasuk persyaratan {permit}.",
                    document=answer.document,
                    permit=asked.subject,
                )
            )
        else:
            lines.append(
                _(
                    'Ya, {document} termasuk persyaratan {permit}: "{item}".',
                    document=answer.document,
                    permit=asked.subject,
                    item=answer.item,
                )
            )
    named_items = {answer.item for answer in question.answers if answer.item is not None}
    others = len(asked.requirements) - len(named_items)
    if question.enough_alone and question.all_required and others > 0:
        lines.append(
            ngettext(
                "Tetapi itu saja belum cukup: masih ada {count} persyaratan lain.",
                "Tetapi itu saja belum cukup: masih ada {count} persyaratan lain.",
                others,
                count=others,
            )
        )
    return "\n".join(lines) + "\n\n" + requirements_answer(permit, action)


def fee_answer(permit: PermitInfo, action: PermitAction | None = None) -> str:
    return _answer_about(
        Asked(permit, action),
        lambda asked: _("Biaya {permit}: {fee}", permit=asked.subject, fee=asked.fee.describe()),
    )


def duration_answer(permit: PermitInfo, action: PermitAction | None = None) -> str:
    """The processing time, and how long the permit then holds."""

    def processing_time(asked: Asked) -> str:
        answer = _(
            "Lama proses {permit} paling lama {days} sejak berkas dinyatakan lengkap dan benar. "
            "Diproses oleh {agency}.",
            permit=asked.subject,
            days=working_days(asked.sla_days),
            agency=permit.agency_name,
        )
        validity = validity_text(permit)
        if validity and action in (None, PermitAction.NEW, PermitAction.RENEWAL):
            answer += " " + _("Setelah terbit, izin ini berlaku {validity}.", validity=validity)
        return answer

    return _answer_about(Asked(permit, action), processing_time)


def procedure_answer(permit: PermitInfo, action: PermitAction | None = None) -> str:
    return _answer_about(
        Asked(permit, action),
        lambda asked: _(
            "Prosedur pengurusan {permit}:\n{steps}",
            permit=asked.subject,
            steps=numbered(asked.procedure),
        ),
    )


def late_mark(view: StatusView) -> str:
    """The status line (the console's own, permits.status.days_line) flagged ⚠️ for an
    application past its SLA; '' for one within it."""
    return "⚠️ " + days_line(view) if view.is_late else ""


def status_answer(view: StatusView, zone: ZoneInfo) -> str:
    view, complete = _in_language_in_use(view)
    lines = [
        _("Status permohonan {number} ({permit}):", number=view.number, permit=view.permit_name),
        _("• Status: {label}", label=_(view.status_label)),
        _("• Tahap: {stage}", stage=view.stage),
        _("• Posisi berkas: {agency}", agency=view.agency_name),
    ]
    lines.append(_("• Diajukan: {date}", date=long_date(view.submitted_at, zone)))
    lines.append(late_mark(view) or "• " + days_line(view))
    lines.extend(validity_lines(view, zone))
    if not complete:
        lines.extend(["", _(UNTRANSLATED)])
    return "\n".join(lines)


def _in_language_in_use(view: StatusView) -> tuple[StatusView, bool]:
    """The view's catalogue names in the applicant's language where the office wrote
    them, and whether nothing is left in Indonesian: in English the stage always is."""
    reading = Translating.in_language(language_in_use(), view.english)
    if not reading.active:
        return view, True
    localised = replace(
        view,
        permit_name=reading.text("permit", view.permit_name),
        agency_name=reading.text("agency", view.agency_name),
        validity_note=reading.text("validity_note", view.validity_note),
    )
    return localised, reading.complete and not view.stage


def validity_lines(view: StatusView, zone: ZoneInfo) -> list[str]:
    """How long an issued permit holds: a date, or what it follows."""
    if view.valid_until is not None:
        return [_("• Berlaku sampai: {date}", date=long_date(view.valid_until, zone))]
    if view.status == "selesai" and view.validity_note:
        return [_("• Berlaku: {validity}", validity=view.validity_note)]
    return []


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
    localised = [_in_language_in_use(view) for view in views]
    lines = "\n".join(status_line(view) for view, _complete in localised)
    answer = _("Permohonan atas nomor Anda:\n{lines}", lines=lines)
    if all(complete for _view, complete in localised):
        return answer
    return f"{answer}\n\n{_(UNTRANSLATED)}"
