"""The anonymous page cache of the exhibition: short-lived, keyed by a version that publishing bumps.

Keys are built from the cleaned filters and a page number that was actually served, never from the raw
query string, so random URLs cannot fill the cache.
"""

import hashlib
import uuid

from django.contrib.messages import get_messages
from django.core.cache import cache

CACHE_SECONDS = 120
VERSION_KEY = "exhibition:version"


def version() -> str:
    current = cache.get(VERSION_KEY)
    if current is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, None)
        current = cache.get(VERSION_KEY) or "0"
    return current


def bump_version() -> None:
    """Invalidate every cached exhibition page (called on commit of a publication change)."""
    cache.set(VERSION_KEY, uuid.uuid4().hex, None)


def cacheable(request) -> bool:
    """Only anonymous visitors without pending messages share cached pages."""
    return not request.user.is_authenticated and len(get_messages(request)) == 0


def page_key(*parts) -> str:
    digest = hashlib.sha256("|".join(str(part) for part in parts).encode()).hexdigest()[:32]
    return f"exhibition:page:{version()}:{digest}"


def get(key: str) -> bytes | None:
    return cache.get(key)


def put(key: str, content: bytes) -> None:
    cache.set(key, content, CACHE_SECONDS)
