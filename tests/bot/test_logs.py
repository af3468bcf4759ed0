"""What the gateway's logs keep, read from a real `python -m bot serve` process."""

from __future__ import annotations

import os
from pathlib import Path

import aiohttp

from bot.logs import mask
from devstack.config import free_port
from tests.bot.conftest import API_TOKEN, RASA_TOKEN
from tests.bot.processes import ROOT, GatewayProcess

SECRET_SESSION = "rahasia-sesi-pengunjung-0123456789"


async def test_access_logs_keep_no_tokens_phone_numbers_or_message_text(
    gateway_database: str, tmp_path: Path
) -> None:
    """Requests whose URLs carry a session token, a caller's question with a phone
    number, or a WhatsApp user's conversation leave only their paths, masked, in the
    access log. Fails on 538ba62, whose access log kept the whole request line."""
    port = free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith("TANYA_")}
    env.update(
        PYTHONPATH=str(ROOT),
        TANYA_DATABASE_URL=gateway_database,
        TANYA_GATEWAY_PORT=str(port),
        TANYA_RASA_URL="http://127.0.0.1:9",
        TANYA_RASA_TOKEN=RASA_TOKEN,
        TANYA_API_TOKEN=API_TOKEN,
    )
    process = GatewayProcess(env, cwd=tmp_path)  # tmp_path: no developer's .env is read
    await process.start()
    base = f"http://127.0.0.1:{port}"
    try:
        async with aiohttp.ClientSession() as http:
            async with http.ws_connect(f"{base}/chat/ws?session={SECRET_SESSION}") as socket:
                await socket.send_json({"type": "hello"})
                await socket.receive_json()
            urls = [
                "/console/assist?q=izin+usaha+bu+rina+081234567890",
                "/console/conversations/whatsapp:+6281234567890",
                f"/health?token={SECRET_SESSION}",
            ]
            for url in urls:
                async with http.get(base + url, allow_redirects=False) as response:
                    assert response.status in (200, 302)
    finally:
        await process.stop()
    log = (tmp_path / "gateway.log").read_text()
    assert "/console/assist" in log and "/chat/ws" in log  # requests are still logged
    for secret in (SECRET_SESSION, "081234567890", "6281234567890", "bu+rina", "bu rina"):
        assert secret not in log, secret


def test_logs_mask_phone_numbers_and_tokens() -> None:
    assert mask("whatsapp:+6281234567890") == "whatsapp:+628*******890"
    assert mask("Authorization: Bearer abc.def") == "Authorization: Bearer ***"
