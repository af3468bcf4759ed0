"""A terminal chat against the running gateway: `python -m devstack chat`."""

from __future__ import annotations

import asyncio
import secrets
import sys
from typing import Any

import aiohttp

PROMPT = "anda> "


def _show(messages: list[dict[str, Any]]) -> list[dict[str, str]]:
    buttons: list[dict[str, str]] = []
    for message in messages:
        if message.get("text"):
            sys.stdout.write(f"bot> {message['text']}\n")
        for button in message.get("buttons") or []:
            buttons.append(button)
            sys.stdout.write(f"     [{len(buttons)}] {button['title']}\n")
    return buttons


async def chat(url: str, token: str, conversation_id: str | None = None) -> int:
    conversation = conversation_id or f"api:cli-{secrets.token_hex(6)}"
    sys.stdout.write(
        "Tanya Izin: ketik pertanyaan Anda; angka untuk memilih tombol; "
        "'keluar' atau Ctrl-D untuk selesai.\n"
    )
    buttons: list[dict[str, str]] = []
    headers = {"Authorization": f"Bearer {token}"}
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60)) as http:
        while True:
            try:
                text = (await asyncio.to_thread(input, PROMPT)).strip()
            except EOFError:
                break
            if text.lower() in ("keluar", "exit", "quit"):
                break
            if text.isdigit() and 0 < int(text) <= len(buttons):
                text = buttons[int(text) - 1]["payload"]
            if not text:
                continue
            try:
                async with http.post(
                    f"{url}/api/messages",
                    headers=headers,
                    json={"conversation_id": conversation, "text": text},
                ) as r:
                    body = await r.json()
            except aiohttp.ClientError:
                sys.stdout.write(f"(gateway {url} tidak dapat dihubungi; sudah `make run`?)\n")
                continue
            buttons = _show(body.get("messages") or [{"text": body.get("error", "")}])
    sys.stdout.write("Sampai jumpa!\n")
    return 0
