"""What a complaint is about, read from its words when it is filed.

The office follows complaints up by kind, so each ticket gets one category:

- integritas: illegal levies, bribes, brokers, "uang rokok". These are integrity
  reports: they go to the inspectorate or the Saber Pungli unit, are filed without
  the reporter's identity (permits/complaints.py) and head the console's list.
- teknis: the portal, OSS, uploads, logins, the server.
- keterlambatan: an application past its promised time ("udah 2 bulan blm jadi").
- pelayanan: how people were served (the counter, the queue, rudeness); also any
  complaint no rule recognises. An agent corrects a wrong category in the console.

The rules are keyword cues read after the NLU's own slang mapping (nlu/lexicon.py:
"blm" is "belum", "gk" is "tidak", "calo2" is "calo"), so applicants' spelling is read
the same way here as by the bot. Any integrity cue makes an integrity report, however
much else the message says: missing one sends a report of extortion to the wrong
desk, while a false alarm costs an agent one click. Otherwise the category with the
most cues wins, a tie going to the first of TIE_ORDER.
"""

from __future__ import annotations

import re

from nlu.lexicon import normalize
from permits.states import ComplaintCategory

# How staff read them (the console and the CSV export; staff pages are Indonesian
# only, outside the message catalogue), integrity first as in the console's list.
CATEGORY_LABELS: dict[str, str] = {
    ComplaintCategory.INTEGRITAS: "Integritas (pungli/calo)",
    ComplaintCategory.PELAYANAN: "Pelayanan",
    ComplaintCategory.TEKNIS: "Teknis (portal/unggah)",
    ComplaintCategory.KETERLAMBATAN: "Keterlambatan",
}

# Money as applicants name it, for "minta uang", "minta 500rb", "dimintai duit".
_MONEY = r"(uang|duit|doku|fulus|imbalan|tips?|transfer|tf|\d+ ?(rb|ribu|k|jt|juta))"
_ASKED = r"(minta|meminta|diminta|dimintai|dimintain|mintain|minta2)"

# Cues are regular expressions over the normalised message (lower case, standard
# words, single spaces); each matches whole words only and counts once.
CUES: dict[ComplaintCategory, tuple[str, ...]] = {
    ComplaintCategory.INTEGRITAS: (
        r"pungli\w*",
        r"pungutan liar",
        r"(per)?calo(an|nya|in)?",
        r"(di|ter|me)?suap\w*",
        r"(me)?nyuap\w*",
        r"\w*sogok\w*",
        r"gratifikasi",
        r"korupsi\w*",
        r"kkn",
        r"diperas|memeras|pemerasan",
        r"(uang )?pelicin\w*",
        r"uang (rokok|kopi|bensin|lelah|terima kasih|damai|jalan|capek|pelicin)",
        r"salam tempel",
        r"amplop",
        r"nembak",
        r"orang dalam",
        r"saber pungli|inspektorat",
        _ASKED + r" (\w+ ){0,3}" + _MONEY,
        r"(biaya|uang|bayar|duit) (tambahan|lebih|ekstra|di luar)",
        r"(bayar|uang|duit) (\w+ ){0,2}(biar|supaya|agar) (cepat|cepet|lancar|kelar|jadi)",
        r"(biar|supaya|agar) (cepat|cepet|lancar|kelar|jadi) (\w+ ){0,2}(bayar|uang|duit)",
    ),
    ComplaintCategory.TEKNIS: (
        r"portal",
        r"web(site)?",
        r"situs",
        r"aplikasi|apk|app",
        r"sistem",
        r"oss( rba)?",
        r"server",
        r"(di|meng|ng)?(upload|unggah)\w*",
        r"log ?in\w*|masuk akun",
        r"akun",
        r"password|kata sandi|sandi",
        r"otp|captcha|verifikasi e ?mail|aktivasi",
        r"er+or+\w*",
        r"gangguan|down|loading|hang|bug|blank|maintenance",
        r"gagal",
        r"(tidak|belum) (bisa|dapat) (dibuka|diakses|akses|masuk|daftar)",
        r"not found|404",
    ),
    ComplaintCategory.KETERLAMBATAN: (
        r"lambat\w*|lamban",
        r"lama(nya)?|kelamaan",
        r"molor",
        r"telat|terlambat|keterlambatan",
        r"belum (selesai|jadi|keluar|terbit|diproses|kelar|beres|disetujui|diverifikasi)",
        r"belum (ada )?(kabar|kejelasan|respon\w*|tindak lanjut)",
        r"(tidak|tak) (kunjung|selesai|kelar|beres)",
        r"sla",
        r"lewat (batas|waktu|jadwal|janji)|melebihi|melewati",
        r"\d+ ?(hari|minggu|bulan|tahun)",
        r"ber(hari|minggu|bulan|tahun)",
        r"(me|di)?nunggu|(me|di)?tunggu",
        r"masih (diproses|proses|menunggu|verifikasi)",
        r"digantung|terkatung",
    ),
    ComplaintCategory.PELAYANAN: (
        r"petugas|pegawai|staff?|satpam",
        r"loket",
        r"antri\w*|antre\w*",
        r"pelayanan|layanan|melayani|dilayani",
        r"(tidak|kurang) (ramah|sopan|jelas|membantu)",
        r"judes|jutek|ketus|kasar|cuek|sombong|galak|marah\w*",
        r"dilempar|dioper|dipingpong|ping ?pong|ribet|berbelit|bertele\w*",
        r"parkir|toilet|wc|ruang tunggu",
        r"cs|call cent(er|re)",
        r"(tidak|belum) (dijawab|dibalas|direspon\w*|diangkat)",
    ),
}

# A tie between cue counts: a slow portal is technical, a slow counter is service.
TIE_ORDER = (
    ComplaintCategory.TEKNIS,
    ComplaintCategory.PELAYANAN,
    ComplaintCategory.KETERLAMBATAN,
)

_COMPILED = {
    category: tuple(re.compile(rf"\b(?:{cue})\b") for cue in cues)
    for category, cues in CUES.items()
}
_WORDS = re.compile(r"\w+")
_DIGITS_THEN_LETTERS = re.compile(r"(\d)([^\W\d_])")  # "2bulan" → "2 bulan"


def normalised(text: str) -> str:
    """The message as the cues read it: standard words in lower case, one space apart."""
    split = _DIGITS_THEN_LETTERS.sub(r"\1 \2", text.lower())
    return " ".join(normalize(word) for word in _WORDS.findall(split))


def cue_counts(text: str) -> dict[ComplaintCategory, int]:
    """How many of each category's cues the message holds."""
    words = normalised(text)
    return {
        category: sum(1 for cue in cues if cue.search(words))
        for category, cues in _COMPILED.items()
    }


def categorise(text: str) -> ComplaintCategory:
    counts = cue_counts(text)
    if counts[ComplaintCategory.INTEGRITAS]:
        return ComplaintCategory.INTEGRITAS
    best = max(TIE_ORDER, key=lambda category: counts[category])  # max keeps the first
    return best if counts[best] else ComplaintCategory.PELAYANAN


def category_label(category: str) -> str:
    """The staff's label of a stored category (the value itself if no longer known)."""
    return CATEGORY_LABELS.get(category, category)
