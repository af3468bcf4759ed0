"""Greetings, thanks, goodbyes, "are you a bot?" and out-of-scope: fixed replies.

They are actions rather than domain.yml responses so that every text an applicant reads
comes from the one message catalogue (permits/texts.py) in the configured language.
"""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.base import DomainDict, Events, SpeakingAction
from permits.texts import N_, _

HELLO = N_("Halo!")
INTRODUCTION = N_(
    "Saya Tanya Izin, asisten virtual DPMPTSP. Saya bisa menjelaskan persyaratan, "
    "biaya, lama proses dan prosedur perizinan, serta mengecek status permohonan Anda. "
    'Silakan tanya, misalnya: "syarat PBG apa saja?" atau "cek status PTSP-2025-XXXXXX". '
    'Jika jawaban saya kurang tepat, balas "tidak membantu" agar tim kami memperbaikinya.'
)
# A greeting is answered in kind: the Islamic salam with its answer, the Balinese and
# Sundanese greetings with theirs, and "selamat pagi" or "siang min" with the greeting
# of the hour it really is at the office (someone may write "pagi" at noon).
ANSWER_TO_SALAM = N_("Waalaikumsalam!")
ANSWER_TO_SWASTIASTU = N_("Om Swastiastu!")
ANSWER_TO_SAMPURASUN = N_("Rampes!")
GOOD_MORNING = N_("Selamat pagi!")
GOOD_DAY = N_("Selamat siang!")
GOOD_AFTERNOON = N_("Selamat sore!")
GOOD_EVENING = N_("Selamat malam!")
_SALAM = re.compile(
    r"\b(a?s+a?l+a?m+u?\W*a?l+a?i+k+u+m+|as+alam+u?|aslm|ass?wr\w*|salam\s+alaikum)", re.I
)
_SWASTIASTU = re.compile(r"\bswastiastu\b", re.I)
_SAMPURASUN = re.compile(r"\bsampurasun\b", re.I)
_TIME_OF_DAY = re.compile(r"\b(pagi|siang|sore|malam|met\s+(pg|pagi|siang|sore|malam))\b", re.I)
GOODBYE = N_("Terima kasih telah menghubungi DPMPTSP. Sampai jumpa!")
YOU_ARE_WELCOME = N_("Sama-sama! Senang bisa membantu. Ada lagi yang ingin ditanyakan?")
I_AM_A_BOT = N_(
    "Saya Tanya Izin, asisten virtual (bot) DPMPTSP. Jika perlu bicara dengan petugas, "
    'ketik "hubungkan ke petugas".'
)
OUT_OF_SCOPE = N_(
    "Maaf, itu di luar layanan saya. Saya bisa membantu soal perizinan: persyaratan, biaya, "
    "lama proses dan prosedur izin, cek status permohonan, jam layanan dan lokasi kantor, "
    "pengaduan, atau menghubungkan Anda dengan petugas."
)


class FixedReply(SpeakingAction):
    """Says one catalogue text; needs no database, so it answers even when that is down."""

    action_name = ""
    text = ""

    def name(self) -> str:
        return self.action_name

    async def respond(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Events:
        dispatcher.utter_message(text=_(self.text))
        return []


def salutation(text: str, now: datetime) -> str:
    """The opening of the answer to a greeting: the same greeting returned, or "Halo!"."""
    if _SALAM.search(text):
        return ANSWER_TO_SALAM
    if _SWASTIASTU.search(text):
        return ANSWER_TO_SWASTIASTU
    if _SAMPURASUN.search(text):
        return ANSWER_TO_SAMPURASUN
    if _TIME_OF_DAY.search(text):
        return greeting_of_the_hour(now.hour)
    return HELLO


def greeting_of_the_hour(hour: int) -> str:
    """Indonesian time of day: pagi until 11, siang until 15, sore until 18, then malam."""
    if 4 <= hour < 11:
        return GOOD_MORNING
    if 11 <= hour < 15:
        return GOOD_DAY
    if 15 <= hour < 18:
        return GOOD_AFTERNOON
    return GOOD_EVENING


class ActionGreet(SpeakingAction):
    """Returns the applicant's greeting, then says what the bot can do."""

    def __init__(self, zone: ZoneInfo) -> None:
        self.zone = zone

    def name(self) -> str:
        return "action_greet"

    async def respond(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Events:
        text = tracker.latest_message.get("text") or ""
        opening = salutation(text, datetime.now(self.zone))
        dispatcher.utter_message(text=f"{_(opening)} {_(INTRODUCTION)}")
        return []


class ActionGoodbye(FixedReply):
    action_name = "action_goodbye"
    text = GOODBYE


class ActionThanks(FixedReply):
    action_name = "action_thanks"
    text = YOU_ARE_WELCOME


class ActionIAmABot(FixedReply):
    action_name = "action_i_am_a_bot"
    text = I_AM_A_BOT


class ActionOutOfScope(FixedReply):
    action_name = "action_out_of_scope"
    text = OUT_OF_SCOPE
