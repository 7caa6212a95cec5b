"""A Redis cache that degrades to no cache while Redis is unreachable (issue 12.4).

The cache only ever saves work: with Redis down, a read is a miss and a write is skipped, so every page
is built from the database as if the cache were empty, instead of answering 500. Connection and read
timeouts come from settings (PORTAL_REDIS_TIMEOUT), so a hung Redis costs a request seconds, not minutes.
"""

import logging
import time

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

OUTAGE_ERRORS = (RedisConnectionError, RedisTimeoutError, OSError)
# At most one warning per this many seconds: an outage must not write a log line per request.
LOG_EVERY_SECONDS = 60
_last_logged = [0.0]


def _note_outage(operation: str) -> None:
    now = time.monotonic()
    if now - _last_logged[0] >= LOG_EVERY_SECONDS:
        _last_logged[0] = now
        logger.warning("cache unavailable (%s): carrying on without it", operation, exc_info=True)


class ResilientRedisCacheClient(RedisCacheClient):
    def add(self, key, value, timeout):
        try:
            return super().add(key, value, timeout)
        except OUTAGE_ERRORS:
            _note_outage("add")
            return False

    def get(self, key, default):
        try:
            return super().get(key, default)
        except OUTAGE_ERRORS:
            _note_outage("get")
            return default

    def set(self, key, value, timeout):
        try:
            super().set(key, value, timeout)
        except OUTAGE_ERRORS:
            _note_outage("set")

    def touch(self, key, timeout):
        try:
            return super().touch(key, timeout)
        except OUTAGE_ERRORS:
            _note_outage("touch")
            return False

    def delete(self, key):
        try:
            return super().delete(key)
        except OUTAGE_ERRORS:
            _note_outage("delete")
            return False

    def get_many(self, keys):
        try:
            return super().get_many(keys)
        except OUTAGE_ERRORS:
            _note_outage("get_many")
            return {}

    def has_key(self, key):
        try:
            return super().has_key(key)
        except OUTAGE_ERRORS:
            _note_outage("has_key")
            return False

    def incr(self, key, delta):
        try:
            return super().incr(key, delta)
        except OUTAGE_ERRORS:
            _note_outage("incr")
            # What Django's caches say about a missing key: callers already handle it.
            raise ValueError(f"Key '{key}' not found (cache unavailable)") from None

    def set_many(self, data, timeout):
        try:
            super().set_many(data, timeout)
        except OUTAGE_ERRORS:
            _note_outage("set_many")

    def delete_many(self, keys):
        try:
            return super().delete_many(keys)
        except OUTAGE_ERRORS:
            _note_outage("delete_many")
            return False

    def clear(self):
        try:
            return super().clear()
        except OUTAGE_ERRORS:
            _note_outage("clear")
            return False


class ResilientRedisCache(RedisCache):
    """Django's RedisCache whose operations survive a Redis outage (see the module docstring)."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ResilientRedisCacheClient
