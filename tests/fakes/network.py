"""A TCP link that a test cuts the way networks fail: connections stay open and every
byte is dropped, with no reset, so a client only learns of it from its own timeouts."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator


class Link:
    """Forwards connections to one address until `cut`; then drops what either side sends."""

    def __init__(self, host: str, port: int) -> None:
        self._target = (host, port)
        self.cut = False
        self.port = 0  # where clients connect, once started
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._writers: list[asyncio.StreamWriter] = []

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
        for writer in self._writers:
            writer.close()
        for task in self._tasks:
            task.cancel()
        for task in list(self._tasks):
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._writers.append(writer)
        try:
            target_reader, target_writer = await asyncio.open_connection(*self._target)
        except OSError:
            writer.close()
            return
        self._writers.append(target_writer)
        for source, sink in ((reader, target_writer), (target_reader, writer)):
            task = asyncio.create_task(self._forward(source, sink))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _forward(self, source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
        with contextlib.suppress(OSError):
            while data := await source.read(65536):
                if self.cut:
                    continue  # lost on the way, as on a dead route
                sink.write(data)
                await sink.drain()
        sink.close()


@contextlib.asynccontextmanager
async def link_to(host: str, port: int) -> AsyncIterator[Link]:
    link = Link(host, port)
    await link.start()
    try:
        yield link
    finally:
        await link.close()
