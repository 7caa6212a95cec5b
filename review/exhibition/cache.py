"""The anonymous page cache of the exhibition: short-lived, keyed by a version that publishing bumps.

Keys are built from the cleaned filters and a page number that was actually served, never from the raw
query string, so random URLs cannot fill the cache. The cache only saves work: when it fails (Redis
down, with a backend that raises), pages are built uncached instead of answering 500 (issue 12.4).
"""

import hashlib
import logging
import uuid

from django.contrib.messages import get_messages
from django.core.cache import cache

logger = logging.getLogger(__name__)

CACHE_SECONDS = 120
VERSION_KEY = "exhibition:version"


def version() -> str:
    try:
        current = cache.get(VERSION_KEY)
        if current is None:
            cache.add(VERSION_KEY, uuid.uuid4().hex, None)
            current = cache.get(VERSION_KEY) or "0"
    except Exception:  # any cache failure means the same: no shared pages now
        logger.warning("exhibition cache unavailable", exc_info=True)
        return "0"
    return current


def bump_version() -> None:
    """Invalidate every cached exhibition page (called on commit of a publication change)."""
    try:
        cache.set(VERSION_KEY, uuid.uuid4().hex, None)
    except Exception:
        # Unreachable cache: nothing is served from it now, and what it holds expires in CACHE_SECONDS.
        logger.warning("could not invalidate the exhibition cache", exc_info=True)


def cacheable(request) -> bool:
    """Only anonymous visitors without pending messages share cached pages."""
    return not request.user.is_authenticated and len(get_messages(request)) == 0


def page_key(*parts) -> str:
    digest = hashlib.sha256("|".join(str(part) for part in parts).encode()).hexdigest()[:32]
    return f"exhibition:page:{version()}:{digest}"


def get(key: str) -> bytes | None:
    """The cached page, or None when it is not cached or the cache cannot be read."""
    try:
        return cache.get(key)
    except Exception:
        logger.warning("exhibition cache unavailable", exc_info=True)
        return None


def put(key: str, content: bytes) -> None:
    try:
        cache.set(key, content, CACHE_SECONDS)
    except Exception:
        logger.warning("could not store an exhibition page in the cache", exc_info=True)
