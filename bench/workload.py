"""The bench's workload: scripted conversations in everyday Indonesian, sent by simulated
applicants who each wait for the answer before the next message (closed loop), and the
tally of what they observed. Shared by bench/load.py and bench/soak.py.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from bench.stock_rasa import StockStack
from devstack.supervisor import Stack

API_TOKEN = "bench-api-token"
# The gateway's per-conversation flood limit, raised so the bench is not throttled.
FLOOD_LIMIT = "1000/minute"

# Conversations as applicants write them (tests/e2e/conversations.yml, bench/latency.py);
# application numbers are the demo fixtures of permits/demo.py.
CONVERSATIONS: list[list[str]] = [
    ["halo min", "syarat bikin imb apa aja ya", "kalau biayanya?", "trus lama prosesnya brp hari"],
    ["min brp hari ngurus imb?", "makasih ya"],
    ["syarat bikin siup apa aja", "biayanya brp", "oke makasih infonya"],
    ["cek status PTSP-2025-7KQ4MZ", "makasih kak"],
    ["mau cek status permohonan saya", "PTSP-2025-H3D9XA", "mksh"],
    ["jam buka kantor ptsp jam brp", "alamat kantornya dmn min", "nomor call center nya brp"],
    ["biaya sip dokter brp", "kalo syaratnya?", "makasih"],
    ["gmn cara ngurus izin reklame", "brp lama prosesnya"],
    ["status permohonan sy ptsp 2026 r8t2wc gmn", "dadah"],
    ["biayanya berapa ya kak", "nib"],
    ["assalamualaikum", "ngurus tdup butuh brp lama", "syaratnya apa aja", "makasih ya"],
    ["ambil nomor antrian gmn caranya", "jam layanan kantor kapan aja"],
    ["alur pengajuan izin apotek gimana min", "syaratnya apa aja", "terima kasih"],
    ["Berapa lama proses penerbitan SLF?", "SYARAT IZIN KLINIK"],
    ["permohonan PTSP-2026-M5N7PB sampai mana", "oke makasih"],
    ["hai", "kamu robot ya?", "persyaratan amdal apa saja", "mksh"],
    ["syarat pbg apa", "kalo sipa biayanya brp"],
    ["cek permohonan ptsp.2025.7kq4mz", "kalau izin reklame biayanya brp"],
]

Send = Callable[[aiohttp.ClientSession, str, str], Awaitable[list[str]]]


class BadAnswer(Exception):
    """The stack answered with something other than HTTP 200."""


def percentile(samples: list[float], fraction: float) -> float:
    """Nearest-rank percentile; NaN without samples."""
    if not samples:
        return float("nan")
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


# --- sending ---------------------------------------------------------------------------


def via_gateway(stack: Stack) -> Send:
    url = f"{stack.gateway_url}/api/messages"
    headers = {"Authorization": f"Bearer {API_TOKEN}"}

    async def send(http: aiohttp.ClientSession, conversation: str, text: str) -> list[str]:
        body = {"conversation_id": f"api:{conversation}", "text": text}
        async with http.post(url, json=body, headers=headers) as response:
            if response.status != 200:
                raise BadAnswer(f"HTTP {response.status}")
            answer: dict[str, Any] = await response.json()
        return [str(m.get("text") or "") for m in answer.get("messages") or []]

    return send


def via_rest_channel(stack: StockStack) -> Send:
    async def send(http: aiohttp.ClientSession, conversation: str, text: str) -> list[str]:
        body = {"sender": conversation, "message": text}
        async with http.post(stack.rest_url, json=body) as response:
            if response.status != 200:
                raise BadAnswer(f"HTTP {response.status}")
            answer: list[dict[str, Any]] = await response.json()
        return [str(m.get("text") or "") for m in answer]

    return send


# --- one concurrency level ---------------------------------------------------------------


@dataclass
class Outcome:
    """One message sent: its latency and the answer text, or the kind of error."""

    latency_ms: float = 0.0
    text: str = ""
    error: str = ""  # "HTTP 503", "ServerDisconnectedError", ...; empty when answered


@dataclass
class Tally:
    """What the conversations of one phase observed."""

    latencies_ms: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)  # by kind: "HTTP 503", ...
    silent: int = 0  # HTTP 200 but no text at all
    # The first answer seen to each (conversation script, turn), to compare set-ups.
    answers: dict[tuple[int, int], str] = field(default_factory=dict)

    @property
    def messages(self) -> int:
        return len(self.latencies_ms) + self.error_count

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    def record(self, outcome: Outcome, key: tuple[int, int]) -> None:
        """Count one message sent; `key` is its (conversation script, turn)."""
        if outcome.error:
            self.errors[outcome.error] += 1
            return
        self.latencies_ms.append(outcome.latency_ms)
        self.silent += not outcome.text
        self.answers.setdefault(key, outcome.text)


async def converse(
    http: aiohttp.ClientSession, send: Send, worker: int, tag: str, deadline: float, tally: Tally
) -> None:
    """One simulated applicant: conversation after conversation until the deadline."""
    round_ = 0
    while time.monotonic() < deadline:
        script = (worker * 5 + round_) % len(CONVERSATIONS)
        conversation = f"load-{tag}-{worker}-{round_}"
        for turn, text in enumerate(CONVERSATIONS[script]):
            if time.monotonic() >= deadline:
                return
            await timed_send(http, send, conversation, text, (script, turn), tally)
        round_ += 1


async def timed_send(
    http: aiohttp.ClientSession,
    send: Send,
    conversation: str,
    text: str,
    key: tuple[int, int],
    tally: Tally,
) -> None:
    tally.record(await attempt(http, send, conversation, text), key)


async def attempt(http: aiohttp.ClientSession, send: Send, conversation: str, text: str) -> Outcome:
    """Send one message and time the answer."""
    started = time.perf_counter()
    try:
        replies = await send(http, conversation, text)
    except BadAnswer as exc:
        return Outcome(error=str(exc))
    except (aiohttp.ClientError, TimeoutError) as exc:
        return Outcome(error=type(exc).__name__)
    latency_ms = (time.perf_counter() - started) * 1000
    return Outcome(latency_ms, "\n".join(r for r in replies if r))


async def run_phase(send: Send, concurrency: int, seconds: float) -> tuple[Tally, float]:
    """`concurrency` applicants for `seconds`; returns what they saw and the elapsed time
    (until the last answer in flight at the deadline arrived)."""
    tally = Tally()
    tag = uuid.uuid4().hex[:8]  # fresh conversation ids in every phase
    timeout = aiohttp.ClientTimeout(total=60)
    connector = aiohttp.TCPConnector(limit=concurrency + 4)
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as http:
        started = time.monotonic()
        deadline = started + seconds
        await asyncio.gather(
            *(converse(http, send, worker, tag, deadline, tally) for worker in range(concurrency))
        )
        return tally, time.monotonic() - started
