"""The audit page: every administrator's change, who made it and when (in the office's
time zone), with the fields that changed shown side by side. Also what the admin pages
share about a change: who is making it and what it means for the bot."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import aiohttp_jinja2
from aiohttp import web
from pydantic import ValidationError

from bot.console.security import admin_only
from bot.keys import SESSIONS
from permits.audit import recent_entries
from permits.complaint_categories import category_label
from permits.fees import FeeRule
from permits.models import AuditEntry

AUDIT_PATH = "/console/admin/audit"
AUDIT_LIMIT = 200

# The two things an administrator must know after saving.
RETRAIN = (
    "Perubahan ini baru berlaku untuk pemahaman bot setelah pelatihan ulang "
    "(menu Latih & Terapkan)."
)
LIVE = "Perubahan langsung berlaku untuk jawaban berikutnya."
UNCHANGED = "tidak-ada-perubahan"

NOTICES: dict[str, tuple[str, str]] = {
    UNCHANGED: ("info", "Tidak ada perubahan: isian sama dengan yang tersimpan."),
}

# ?jenis= on the audit page → the action prefix it shows.
KINDS: dict[str, tuple[str, str]] = {
    "faq": ("faq.", "Topik FAQ"),
    "izin": ("permit.", "Jenis izin"),
    "instansi": ("agency.", "Instansi"),
    "layanan-lain": ("service.", "Layanan instansi lain"),
    "kotak-masuk": ("inbox.", "Pesan tak dikenali"),
    "model": ("model.", "Pelatihan model"),
    "petugas": ("staff.", "Akun petugas"),
    "balasan": ("canned.", "Balasan siap pakai"),
    "pengaduan": ("complaint.", "Pengaduan"),
    "kantor": ("office.", "Pengaturan kantor"),
}
ACTION_LABELS = {
    "faq.create": "Topik FAQ ditambahkan",
    "faq.update": "Topik FAQ diubah",
    "faq.retire": "Topik FAQ dinonaktifkan",
    "faq.reactivate": "Topik FAQ diaktifkan kembali",
    "permit.update": "Jenis izin diubah",
    "permit.activate": "Jenis izin diaktifkan",
    "permit.deactivate": "Jenis izin dinonaktifkan",
    "agency.create": "Instansi ditambahkan",
    "agency.update": "Instansi diubah",
    "service.create": "Layanan instansi lain ditambahkan",
    "service.update": "Layanan instansi lain diubah",
    "service.retire": "Layanan instansi lain dinonaktifkan",
    "service.reactivate": "Layanan instansi lain diaktifkan kembali",
    "inbox.assign": "Pesan dijadikan contoh pelatihan",
    "inbox.dismiss": "Pesan diabaikan",
    "model.train": "Pelatihan model dimulai",
    "model.deployed": "Model baru diterapkan",
    "model.refused": "Model baru ditolak",
    "staff.create": "Akun petugas dibuat",
    "staff.activate": "Akun petugas diaktifkan",
    "staff.deactivate": "Akun petugas dinonaktifkan",
    "staff.password": "Kata sandi diganti sendiri",
    "canned.create": "Balasan siap pakai ditambahkan",
    "canned.update": "Balasan siap pakai diubah",
    "canned.delete": "Balasan siap pakai dihapus",
    "model.rollback": "Model sebelumnya dipakai kembali",
    "complaint.category": "Kategori pengaduan diperbaiki",
    "office.update": "Pengaturan kantor diubah",
}
FIELD_LABELS = {
    "title": "Judul",
    "examples": "Contoh pertanyaan",
    "answer": "Jawaban",
    "active": "Aktif",
    "name": "Nama",
    "short_name": "Nama singkat",
    "aliases": "Nama lain",
    "requirements": "Persyaratan",
    "procedure": "Prosedur",
    "fee_rule": "Biaya",
    "sla_days": "Lama proses (hari kerja)",
    "legal_basis": "Dasar hukum",
    "agency": "Instansi",
    "office": "Instansi",
    "address": "Alamat",
    "hours": "Jam layanan",
    "phone": "Telepon",
    "website": "Situs web",
    "how": "Cara mengurus",
    "intent": "Maksud (intent)",
    "texts": "Pesan",
    "messages": "Jumlah pesan",
    "username": "Nama pengguna",
    "full_name": "Nama lengkap",
    "role": "Peran",
    "password": "Kata sandi",
    "text": "Isi balasan",
    "english": "Teks bahasa Inggris",
    "complaint_category": "Kategori",
}
# Where a target is edited: "faq:lokasi" → /console/admin/faq/lokasi.
TARGET_PAGES = {
    "faq": "/console/admin/faq/{key}",
    "permit": "/console/admin/permits/{key}",
    "agency": "/console/admin/agencies",
    "service": "/console/admin/layanan-lain/{key}",
    "staff": "/console/staff",
    "canned": "/console/canned",
    "complaint": "/console/complaints",
    "office": "/console/admin/kantor",
}


# --- the readable diff ---------------------------------------------------------


@dataclass(frozen=True)
class FieldChange:
    """One changed field. Lists show what was added and removed; other values show the
    old and the new text."""

    label: str
    before: str = ""
    after: str = ""
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    reordered: bool = False

    @property
    def is_list(self) -> bool:
        return bool(self.added or self.removed or self.reordered)


def readable(field: str, value: Any) -> str:
    """A stored value as an administrator reads it."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "ya" if value else "tidak"
    if field == "complaint_category":
        return category_label(str(value))
    if field == "fee_rule" and isinstance(value, dict):
        try:
            return FeeRule.model_validate(value).describe()
        except ValidationError:
            pass
    if isinstance(value, list):
        return "\n".join(str(item) for item in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def _list_change(label: str, old: list[Any], new: list[Any]) -> FieldChange:
    old_items, new_items = [str(item) for item in old], [str(item) for item in new]
    added = tuple(item for item in new_items if item not in old_items)
    removed = tuple(item for item in old_items if item not in new_items)
    return FieldChange(
        label=label,
        before="\n".join(old_items),
        after="\n".join(new_items),
        added=added,
        removed=removed,
        reordered=not added and not removed,
    )


def field_changes(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[FieldChange]:
    """The fields whose value differs, in the order the snapshots list them."""
    old, new = before or {}, after or {}
    changes = []
    for field in [*old, *(key for key in new if key not in old)]:
        if old.get(field) == new.get(field):
            continue
        label = FIELD_LABELS.get(field, field)
        if isinstance(old.get(field), list) and isinstance(new.get(field), list):
            changes.append(_list_change(label, old[field], new[field]))
        else:
            changes.append(
                FieldChange(
                    label=label,
                    before=readable(field, old.get(field)) if field in old else "",
                    after=readable(field, new.get(field)) if field in new else "",
                )
            )
    return changes


# --- the page ------------------------------------------------------------------


@dataclass(frozen=True)
class AuditRow:
    at: datetime  # shown with the templates' local_time filter
    who: str
    action: str
    target: str
    target_link: str
    changes: list[FieldChange]


def target_link(target: str) -> str:
    kind, _, key = target.partition(":")
    page = TARGET_PAGES.get(kind)
    return page.format(key=key) if page and key else ""


def audit_row(entry: AuditEntry) -> AuditRow:
    return AuditRow(
        at=entry.at,
        who=entry.staff_name,
        action=ACTION_LABELS.get(entry.action, entry.action),
        target=entry.target,
        target_link=target_link(entry.target),
        changes=field_changes(entry.before, entry.after),
    )


@admin_only
async def audit_page(request: web.Request) -> web.StreamResponse:
    kind = request.query.get("jenis", "")
    prefix = KINDS[kind][0] if kind in KINDS else ""
    async with request.app[SESSIONS]() as session:
        entries = await recent_entries(session, action_prefix=prefix, limit=AUDIT_LIMIT)
    context = {
        "nav": "audit",
        "rows": [audit_row(entry) for entry in entries],
        "kinds": {key: label for key, (_, label) in KINDS.items()},
        "kind": kind if prefix else "",
        "limit": AUDIT_LIMIT,
    }
    return aiohttp_jinja2.render_template("audit.html", request, context)


def setup(app: web.Application) -> None:
    app.router.add_get(AUDIT_PATH, audit_page)
