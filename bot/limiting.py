"""What the gateway's rate limits share: their store (in the process, or Redis when
replicas serve behind a load balancer, so the limits hold across them) and the
client's address behind the reverse proxies in front."""

from __future__ import annotations

from aiohttp import web
from limits.aio.storage import MemoryStorage, RedisStorage, Storage


def limit_storage(redis_url: str, key_prefix: str) -> Storage:
    if not redis_url:
        return MemoryStorage()
    return RedisStorage(
        redis_url.replace("redis://", "async+redis://", 1),
        implementation="redispy",
        key_prefix=key_prefix,
    )


def client_address(request: web.Request, trusted_hops: int) -> str:
    """The client's address: the peer, or behind `trusted_hops` proxies the entry of
    X-Forwarded-For the outermost trusted proxy appended (earlier ones can be forged)."""
    if trusted_hops > 0:
        forwarded = [
            part.strip()
            for header in request.headers.getall("X-Forwarded-For", [])
            for part in header.split(",")
            if part.strip()
        ]
        if len(forwarded) >= trusted_hops:
            return forwarded[-trusted_hops]
    return request.remote or "unknown"
