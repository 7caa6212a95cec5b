"""Per-address rate limits of the public pages (report form, receipt lookup, claim), counted in the cache
over fixed one-hour windows and keyed on the client address as the first trusted proxy saw it."""

import time

from django.core.cache import cache

from portal.audit.client_ip import client_ip

WINDOW_SECONDS = 3600


def exhausted(request, bucket: str, limit: int) -> bool:
    """Count one attempt in `bucket` for the client's address; True when it is over `limit` this hour."""
    address = client_ip(request) or "unknown"
    key = f"tips:throttle:{bucket}:{address}:{int(time.time()) // WINDOW_SECONDS}"
    if cache.add(key, 1, WINDOW_SECONDS + 60):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, WINDOW_SECONDS + 60)
            count = 1
    return count > limit
