"""A small counter in Django's cache: at most `limit` uses of a key in `seconds`.

The window starts at a key's first use and the count lapses with it. Redis (production) counts
atomically across workers; the local-memory cache (development, tests) counts per process.
Keys are hashed, so no email address or other personal data is stored in the cache.
"""

from __future__ import annotations

from hashlib import sha256

from django.core.cache import cache


def hit(key: str, *, limit: int, seconds: int) -> bool:
    """Count one more use of `key`; False once it has been used more than `limit` times."""
    cache_key = "ratelimit:" + sha256(key.encode()).hexdigest()
    cache.add(cache_key, 0, timeout=seconds)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # the key lapsed between add and incr: this use starts a new window
        cache.add(cache_key, 1, timeout=seconds)
        count = 1
    return count <= limit
