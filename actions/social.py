"""Greetings, thanks, goodbyes, "are you a bot?" and out-of-scope: fixed replies.

They are actions rather than domain.yml responses so that every text an applicant reads
comes from the one message catalogue (permits/texts.py) in the configured language.
"""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.base import DomainDict, Events
from permits.texts import N_, _

GREETING = N_(
    "Halo! Saya Tanya Izin, asisten virtual DPMPTSP. Saya bisa menjelaskan persyaratan, "
    "biaya, lama proses dan prosedur perizinan, serta mengecek status permohonan Anda. "
    'Silakan tanya, misalnya: "syarat PBG apa saja?" atau "cek status PTSP-2025-XXXXXX".'
)
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


class FixedReply(Action):  # type: ignore[misc]
    """Says one catalogue text; needs no database, so it answers even when that is down."""

    action_name = ""
    text = ""

    def name(self) -> str:
        return self.action_name

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Events:
        dispatcher.utter_message(text=_(self.text))
        return []


class ActionGreet(FixedReply):
    action_name = "action_greet"
    text = GREETING


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
