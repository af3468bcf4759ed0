"""Follow-ups that name only another permit: "kalau PBG?" after "syarat NIB apa".

Such a message asks the same thing as the question before it, about another permit:
the aspect (requirements, fee, duration, procedure) is kept and only the permit
changes. A message counts as that kind of follow-up when, once the permit's name is
taken out, nothing is left but connecting words ("kalau", "yang", "buat", "gimana").
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_CONNECTING = """kalau kalo klo kl klu kalu kalau2 trus terus lalu nah terus lha la
yang yg untuk utk buat bwt bagi gimana gmn gmna bagaimana bgmn bgm gimn dengan dgn sama sm
juga jg izin ijin surat ya yah min mimin kak ka kakak pak bu mas mbak gan bang dong deh
nih sih nya punya ini itu tuh apa how about what gitu begitu juga jg pula ok oke kalo2
tentang soal mengenai perihal utk and for the a an then also about what with please"""
CONNECTING_WORDS = frozenset(_CONNECTING.split())
# Words that open a follow-up ("kalau PBG?", "yang reklame?", "how about NIB?"): a
# permit said after one of them continues the conversation.
_OPENERS = """kalau kalo klo kl klu kalu terus trus lalu nah lha yang yg untuk utk buat bwt
how and what"""
OPENERS = frozenset(_OPENERS.split())
_WORD = re.compile(r"[^\W\d_]+")


def without_spans(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """The text with each (start, end) span blanked out."""
    chars = list(text)
    for start, end in spans:
        for index in range(max(start, 0), min(end, len(chars))):
            chars[index] = " "
    return "".join(chars)


def only_names_another_permit(text: str, permit_spans: Iterable[tuple[int, int]]) -> bool:
    """True for "kalau PBG?", "yg reklame gmn kak": the permit and connecting words only."""
    spans = list(permit_spans)
    if not spans:
        return False
    rest = _WORD.findall(without_spans(text, spans).lower())
    return all(word in CONNECTING_WORDS for word in rest)


def opens_a_follow_up(text: str, permit_spans: Iterable[tuple[int, int]]) -> bool:
    """True for "kalau PBG?" and "yg reklame gmn", not for "PBG gimana?": a follow-up
    opener first, then nothing but the permit and connecting words."""
    spans = list(permit_spans)
    words = _WORD.findall(text.lower())
    return bool(words) and words[0] in OPENERS and only_names_another_permit(text, spans)


_PERMIT_WORDS = frozenset(["izin", "ijin", "surat"])
# Words that, said after "izin", still do not say which permit: questions, aspects,
# references back ("izin tadi") and the courtesy "izin bertanya", which asks leave to
# ask and names no permit at all.
_NOTHING_SAID = """apa aja saja sj berapa brp lama lamanya kapan dimana mana bisa bs dapat dpt
jadi jd sudah sdh udah blm belum masih lagi lg tadi td tersebut tsb tsbt sekarang skrg barusan
diatas atas sebelumnya syarat syaratnya persyaratan persyaratannya biaya biayanya
harga tarif bayar prosedur prosedurnya cara caranya proses prosesnya langkah alur urus
ngurus mengurus bikin membuat mau ingin pengen pingin saya sy aku gue gw kami kita anda
usaha berusaha baru perpanjangan perubahan penggantian kah dong deh tanya bertanya
nanya menanyakan numpang permisi mohon tolong info informasi kak min pak bu"""
_SAYING_NOTHING = CONNECTING_WORDS | frozenset(_NOTHING_SAID.split())


def words_naming_a_permit(text: str) -> str:
    """The words after "izin" that say which permit: "tambang emas" of "syarat izin
    tambang emas apa"; "" for "syarat izin apa aja" or "izin bertanya, biayanya?".

    A message that names a permit of its own this way is not a follow-up about the
    permit talked about before, even when the NLU found no permit in it."""
    words = _WORD.findall(text.lower())
    for index, word in enumerate(words):
        if word in _PERMIT_WORDS:
            return " ".join(w for w in words[index + 1 :] if w not in _SAYING_NOTHING)
    return ""
