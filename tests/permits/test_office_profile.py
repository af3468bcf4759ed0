"""The office's facts kept once: placeholders filled safely, the opening hours in words,
the environment as the initial value, and an administrator's change showing in the FAQ
answer and the canned replies (both databases)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from permits.audit import Actor, recent_entries
from permits.canned import ready_replies, save_canned
from permits.faq import faq_answer
from permits.faq_admin import InvalidEdit
from permits.office_form import DayDraft, OfficeDraft, clean_office, save_office
from permits.office_hours import OfficeHours
from permits.office_profile import (
    OfficeEnvironment,
    OfficeProfile,
    current_office_hours,
    describe_hours,
    fill_placeholders,
    office_profile,
    publish_environment,
    spec_of,
    unknown_placeholders,
)

ADMIN = Actor(None, "Admin Uji")
DEMO_HOURS = "Senin–Kamis pukul 08.00–15.00 WIB dan Jumat pukul 08.00–11.00 WIB"
NEW_HOURS = "Senin–Jumat pukul 07.30–16.00 WIB dan Sabtu pukul 08.00–12.00 WIB"
ENVIRONMENT = OfficeEnvironment("Mon-Thu 08:00-15:00; Fri 08:00-11:00", "Asia/Jakarta", "1500164")
SATURDAY_NIGHT = datetime(2026, 12, 5, 15, 0, tzinfo=UTC)  # 22.00 WIB


def new_week() -> OfficeDraft:
    weekday = DayDraft(True, "07.30", "16.00")
    saturday = DayDraft(True, "8:00", "12.00")
    return OfficeDraft([weekday] * 5 + [saturday, DayDraft(False)], "Gedung MPP, Jl. Baru 9")


# --- placeholders ---------------------------------------------------------------------


def test_placeholders_are_filled_and_anything_else_is_left_as_written() -> None:
    values = {"jam_layanan": "Senin–Jumat", "call_center": "1500164"}
    text = "Buka {jam_layanan}; telp {call_center}. {nama} {alamat_kantor} {{x}} { jam_layanan } {"
    assert fill_placeholders(text, values) == (
        "Buka Senin–Jumat; telp 1500164. {nama} {alamat_kantor} {{x}} { jam_layanan } {"
    )
    assert unknown_placeholders("{nama} {jam_layanan} {nama} {0}") == ["nama"]


@pytest.mark.parametrize("text", ["{", "}", "{}", "{0}", "{a.b}", "%(x)s {!r}", "{{}}"])
def test_filling_never_raises(text: str) -> None:
    assert fill_placeholders(text, {"jam_layanan": "x"}) == text


def test_an_address_not_set_yet_stays_visible() -> None:
    profile = OfficeProfile(OfficeHours.parse("Mon 08:00-12:00"), "", "1500164")
    assert profile.fill("Kantor di {alamat_kantor}.") == "Kantor di {alamat_kantor}."


# --- the opening hours in words -----------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "indonesian", "english"),
    [
        (
            "Mon-Thu 08:00-15:00; Fri 08:00-11:00",
            DEMO_HOURS,
            "Monday–Thursday 08:00–15:00 WIB and Friday 08:00–11:00 WIB",
        ),
        (
            "Mon-Fri 07:30-16:00; Sat 08:00-12:00; Sun 09:00-10:00",
            "Senin–Jumat pukul 07.30–16.00 WIB, Sabtu pukul 08.00–12.00 WIB, "
            "dan Minggu pukul 09.00–10.00 WIB",
            "Monday–Friday 07:30–16:00 WIB, Saturday 08:00–12:00 WIB, and Sunday 09:00–10:00 WIB",
        ),
        ("Mon-Sun 08:00-16:00", "setiap hari pukul 08.00–16.00 WIB", "every day 08:00–16:00 WIB"),
        ("Mon-Sun 00:00-24:00", "setiap hari, 24 jam", "every day, 24 hours"),
        ("Wed 13:00-24:00", "Rabu pukul 13.00–24.00 WIB", "Wednesday 13:00–24:00 WIB"),
    ],
)
def test_opening_hours_read_as_people_write_them(spec: str, indonesian: str, english: str) -> None:
    hours = OfficeHours.parse(spec)
    assert describe_hours(hours) == indonesian
    assert describe_hours(hours, "en") == english
    assert OfficeHours.parse(spec_of(hours)) == hours


def test_the_zone_of_the_office_is_named() -> None:
    hours = OfficeHours.parse("Mon-Fri 08:00-15:00", "Asia/Makassar")
    assert describe_hours(hours) == "Senin–Jumat pukul 08.00–15.00 WITA"


# --- the settings form ----------------------------------------------------------------


def test_the_form_reports_every_problem_at_once() -> None:
    days = [DayDraft(True, "8 pagi", "15.00"), DayDraft(True, "15.00", "08.00")]
    draft = OfficeDraft(days + [DayDraft(False)] * 5, "x" * 301)
    with pytest.raises(InvalidEdit) as refused:
        clean_office(draft, "Asia/Jakarta")
    assert set(refused.value.errors) == {"day0", "day1", "address"}
    assert refused.value.errors["day1"] == "Selasa: Jam tutup harus setelah jam buka."
    with pytest.raises(InvalidEdit) as closed:
        clean_office(OfficeDraft([DayDraft(False)] * 7, ""), "Asia/Jakarta")
    assert closed.value.errors == {"hours": "Pilih minimal satu hari buka."}


def test_the_form_opens_with_the_current_hours_and_reads_them_back() -> None:
    profile = OfficeProfile(OfficeHours.parse("Mon-Fri 00:00-24:00"), "Jl. A", "1")
    draft = OfficeDraft.of(profile)
    assert draft.days[0] == DayDraft(True, "00.00", "24.00") and draft.days[6].open is False
    assert clean_office(draft, "Asia/Jakarta").hours == profile.hours


# --- kept in the database -----------------------------------------------------------------


async def test_the_environment_is_only_the_initial_value_of_the_hours(
    session: AsyncSession,
) -> None:
    await publish_environment(session, ENVIRONMENT)
    assert describe_hours((await office_profile(session)).hours) == DEMO_HOURS
    await save_office(session, ADMIN, new_week(), "Asia/Jakarta")
    # A restart with the old environment keeps the administrator's hours, but the
    # deployment's call centre follows its setting.
    await publish_environment(
        session, OfficeEnvironment(ENVIRONMENT.hours, ENVIRONMENT.zone, "1500999")
    )
    profile = await office_profile(session)
    assert describe_hours(profile.hours) == NEW_HOURS
    assert (profile.address, profile.call_centre) == ("Gedung MPP, Jl. Baru 9", "1500999")


async def test_an_administrators_hours_are_the_faq_answer_and_the_canned_reply(
    session: AsyncSession,
) -> None:
    await publish_environment(session, ENVIRONMENT)
    await save_canned(session, "Datang", "Kami di {alamat_kantor}, buka {jam_layanan}. {salah}")
    before = await faq_answer(session, "faq/jam_layanan")
    assert before.startswith(f"Loket DPMPTSP Kabupaten Sukamaju buka {DEMO_HOURS}.")

    change = await save_office(session, ADMIN, new_week(), "Asia/Jakarta")
    assert change.changed and not change.needs_retraining
    assert f"buka {NEW_HOURS}." in await faq_answer(session, "faq/jam_layanan")
    assert "on the 2nd floor of Gedung MPP, Jl. Baru 9" in await faq_answer(
        session, "faq/lokasi", "en"
    )
    [reply] = [r for r in await ready_replies(session) if r.title == "Datang"]
    assert reply.text == f"Kami di Gedung MPP, Jl. Baru 9, buka {NEW_HOURS}. {{salah}}"
    assert reply.unknown == ["salah"]
    [entry, *_] = await recent_entries(session)
    assert (entry.action, entry.after) == (
        "office.update",
        {"address": "Gedung MPP, Jl. Baru 9", "hours": NEW_HOURS},
    )
    assert not (await save_office(session, ADMIN, new_week(), "Asia/Jakarta")).changed


async def test_agents_are_on_duty_by_the_kept_hours(session: AsyncSession) -> None:
    always = OfficeHours.parse("Mon-Sun 00:00-24:00")
    assert await current_office_hours(session, always) == always  # none kept: the setting's
    await save_office(session, ADMIN, new_week(), "Asia/Jakarta")
    hours = await current_office_hours(session, always)
    assert not hours.is_open(SATURDAY_NIGHT)
    assert hours.describe_opening(SATURDAY_NIGHT) == "Senin, 7 Desember pukul 07.30 WIB"
