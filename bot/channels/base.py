"""Helpers the channels share.

A channel turns its wire format into `Turns.receive(...)` calls (inbound) and
implements `send` of the `Channel` protocol (bot/conversation/outbound.py), called
by the delivery worker. Adding a channel is one module with a `send` method and a
`setup(app)` that adds its routes and registers it in `app[CHANNELS]`.
"""

from __future__ import annotations

from permits.texts import N_, _

# What a channel says to a photo, a sticker, a voice note...: one text for every channel.
NOT_TEXT = N_(
    "Terima kasih. Maaf, saya belum bisa membaca gambar, dokumen, lokasi, atau pesan suara. "
    'Silakan tuliskan pertanyaan Anda, misalnya "syarat PBG" atau "cek status PTSP-2025-AB3XYZ".'
)


def split_text(
    text: str, limit: int, separators: tuple[str, ...] = ("\n\n", "\n", " ")
) -> list[str]:
    """Split a long answer under `limit`: at paragraphs, else lines, else words."""
    if len(text) <= limit:
        return [text]
    if not separators:
        return [text[i : i + limit] for i in range(0, len(text), limit)]
    separator, finer = separators[0], separators[1:]
    pieces: list[str] = []
    for part in text.split(separator):
        pieces.extend(split_text(part, limit, finer) if len(part) > limit else [part])
    return _pack(pieces, separator, limit)


def _pack(parts: list[str], separator: str, limit: int) -> list[str]:
    chunks: list[str] = []
    current = ""
    for part in parts:
        candidate = f"{current}{separator}{part}" if current else part
        if len(candidate) <= limit:
            current = candidate
        else:
            chunks.append(current)
            current = part
    if current:
        chunks.append(current)
    return chunks


def numbered_choices(buttons: list[dict[str, str]]) -> str:
    """Buttons as a numbered list, for channels without buttons (answered by number)."""
    lines = [f"{i}. {b['title']}" for i, b in enumerate(buttons, 1)]
    return _("Balas dengan angka pilihan Anda:\n{choices}", choices="\n".join(lines))
