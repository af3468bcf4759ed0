"""The web chat widget's script, served with its texts from the message catalogue.

widget.js holds no words of its own: it starts with `var T = /*TEXTS*/{};`, which the
gateway fills with the texts below in the language it answers in, so the launcher,
the greeting and the starter buttons change with the catalogue like every reply.
"{title}" stays in the texts for the widget to fill: an office sets its own title
on the embedding tag (data-title).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from permits.texts import N_, Texts

STATIC = Path(__file__).with_name("web_static")
PLACEHOLDER = "/*TEXTS*/{}"

WIDGET_TEXTS = {
    "subtitle": N_("Asisten perizinan DPMPTSP"),
    "open": N_("Buka chat {title}"),
    "panel": N_("Chat {title}"),
    "typing": N_("Asisten sedang mengetik"),
    "placeholder": N_("Tulis pertanyaan Anda…"),
    "input": N_("Pertanyaan Anda"),
    "send": N_("Kirim"),
    "close": N_("Tutup chat"),
    "agent": N_("Petugas"),
    # Presence: "{name}" is the agent's first name, filled in by the widget.
    "agent_typing": N_("Petugas sedang mengetik"),
    "with_agent": N_("Dilayani petugas {name}"),
    "greeting": N_(
        "Halo! Saya asisten virtual {title}. Tanyakan syarat, biaya, lama proses, atau "
        'status permohonan izin Anda. Contoh: "brp lama ngurus pbg?"'
    ),
    "disconnected": N_("Koneksi terputus. Menyambungkan kembali…"),
    # Under the bot's latest answer (bot/channels/web_feedback.py).
    "verdict_question": N_("Apakah jawaban ini membantu?"),
    "verdict_yes": N_("Ya"),
    "verdict_no": N_("Tidak"),
    "verdict_thanks": N_("Terima kasih atas masukannya."),
}
# Sent as typed text when clicked, so they are questions the model understands.
STARTERS = [
    N_("Syarat PBG"),
    N_("Biaya izin usaha"),
    N_("Cek status permohonan"),
    N_("Bicara dengan petugas"),
]


@cache
def widget_script(texts: Texts) -> bytes:
    """widget.js with the catalogue's texts in place of its placeholder."""
    words: dict[str, str | list[str]] = {
        key: texts.gettext(text) for key, text in WIDGET_TEXTS.items()
    }
    words["starters"] = [texts.gettext(text) for text in STARTERS]
    source = (STATIC / "widget.js").read_text(encoding="utf-8")
    if PLACEHOLDER not in source:
        raise RuntimeError(f"widget.js lost its {PLACEHOLDER} placeholder")
    return source.replace(PLACEHOLDER, json.dumps(words, ensure_ascii=False), 1).encode()
