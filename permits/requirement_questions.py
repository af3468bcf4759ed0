"""Yes/no questions about one requirement: "butuh NPWP gak buat NIB?", "cukup KTP aja?".

A vocabulary of the documents applicants name, each with the words that name it in a
question and in a requirement item, is matched against the permit's own requirement
list, so the answer ("Ya, …" / "Tidak, …") follows the catalogue as an administrator
keeps it. The permit's own name is never read as a document it requires ("NIB" in "butuh
NPWP buat NIB?" is the permit asked about).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from permits.catalogue import PermitInfo

# Document → the words (lower case, whole words) that name it. The first is how the
# answer names it.
DOCUMENTS: dict[str, tuple[str, ...]] = {
    "KTP": ("ktp", "e-ktp", "ektp", "ktp-el", "kartu tanda penduduk", "nik"),
    "KK": ("kk", "kartu keluarga"),
    "NPWP": ("npwp", "nomor pokok wajib pajak"),
    "NIB": ("nib", "nomor induk berusaha"),
    "akta pendirian": ("akta", "akte", "akta notaris", "akta pendirian"),
    "SK Kemenkumham": ("kemenkumham", "menkumham", "sk kemenkumham"),
    "sertifikat tanah": ("sertifikat", "sertipikat", "shm", "bukti kepemilikan tanah"),
    "STR": ("str", "surat tanda registrasi"),
    "surat rekomendasi": ("rekomendasi", "rekom"),
    "pas foto": ("pas foto", "pasfoto", "foto"),
    "denah": ("denah",),
    "gambar bangunan": ("gambar", "desain", "as built"),
    "surat pengantar": ("surat pengantar", "pengantar"),
    "bukti bayar PBB": ("pbb", "pajak bumi"),
    "dokumen lingkungan": ("amdal", "ukl-upl", "ukl upl", "sppl", "dokumen lingkungan"),
    "PBG/IMB": ("pbg", "imb"),
    "KKPR/KRK": ("kkpr", "krk", "pkkpr"),
    "STNK/BPKB": ("stnk", "bpkb"),
    "uji KIR": ("kir", "uji berkala"),
    "proposal": ("proposal",),
    "email": ("email", "e-mail", "surel"),
    "kode KBLI": ("kbli",),
    "ijazah": ("ijazah", "ijasah"),
    "surat kuasa": ("surat kuasa",),
    "SIP": ("sip", "sipa", "surat izin praktik"),
}
# Words that make a message a yes/no question about a document rather than a request
# for the list ("syarat NIB apa aja" names no document besides the permit).
_ASKING = re.compile(
    r"\b(perlu|butuh|harus|wajib|pakai|pake|pakek|bawa|lampir\w*|kudu|mesti|usah|"
    r"termasuk|diperlukan|dibutuhkan|cukup|apakah|apa\s+harus|"
    r"need|needed|require|required|must|enough)\b",
    re.IGNORECASE,
)
# "cukup KTP aja?": is this one document enough on its own? ("apa aja" asks for the list.)
_ENOUGH = re.compile(r"\b(cukup|aja|saja|doang|hanya|cuma|cuman)\b", re.IGNORECASE)
_WHAT_ALL = re.compile(r"\bapa\s+(aja|saja)\b", re.IGNORECASE)


def _pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(word).replace(r"\ ", r"[\s-]+") for word in words)
    return re.compile(rf"(?<![\w-])({alternatives})(?![\w-])", re.IGNORECASE)


_PATTERNS = {document: _pattern(words) for document, words in DOCUMENTS.items()}


@dataclass(frozen=True)
class DocumentAnswer:
    document: str
    item: str | None  # the requirement item that names it, None when none does


@dataclass(frozen=True)
class RequirementQuestion:
    answers: list[DocumentAnswer]
    enough_alone: bool  # asked whether the named documents are all it takes

    @property
    def all_required(self) -> bool:
        return all(answer.item is not None for answer in self.answers)


def documents_named(text: str, permit: PermitInfo) -> list[str]:
    """The documents the text names, in the vocabulary's order, minus the permit itself."""
    own_names = " ".join([permit.name, permit.slug.replace("_", " "), *permit.aliases])
    return [
        document
        for document, pattern in _PATTERNS.items()
        if pattern.search(text) and not pattern.search(own_names)
    ]


def requirement_question(
    text: str, permit: PermitInfo, requirements: list[str] | None = None
) -> RequirementQuestion | None:
    """The yes/no question the text asks about `permit`'s requirements, if it asks one;
    `requirements` are a renewal's or change's own list where they differ."""
    if not _ASKING.search(text):
        return None
    named = documents_named(text, permit)
    if not named:
        return None
    items = permit.requirements if requirements is None else requirements
    answers = [DocumentAnswer(document, _item_naming(document, items)) for document in named]
    enough_alone = bool(_ENOUGH.search(_WHAT_ALL.sub(" ", text)))
    return RequirementQuestion(answers, enough_alone)


def _item_naming(document: str, items: list[str]) -> str | None:
    pattern = _PATTERNS[document]
    return next((item for item in items if pattern.search(item)), None)
