"""Redis down (issue 12.4): the cache degrades to no cache, and the public exhibition still answers."""

import socket

import pytest
from django.core.cache import caches
from django.urls import reverse
from redis.exceptions import ConnectionError as RedisConnectionError

from review.exhibition import cache as exhibition_cache

# `shown` (published entries) and `clear_cache` come from the root conftest, as the exhibition tests use them.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clear_cache")]


def closed_port() -> int:
    """A local port nobody listens on: connecting is refused at once, like a stopped Redis."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def redis_down(settings):
    settings.CACHES = {"default": {"BACKEND": "portal.cache.ResilientRedisCache",
                                   "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
                                   "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}}}
    yield caches["default"]


def test_the_resilient_cache_reads_nothing_and_writes_nothing_while_redis_is_down(redis_down):
    assert redis_down.get("key", "default") == "default"
    redis_down.set("key", "value")
    assert redis_down.add("key", "value") is False
    assert redis_down.get_many(["a", "b"]) == {}
    assert redis_down.has_key("key") is False
    redis_down.delete("key")
    with pytest.raises(ValueError):
        redis_down.incr("counter")


def test_the_exhibition_answers_while_redis_is_down(client, shown, redis_down):
    response = client.get(reverse("exhibition:index"))
    assert response.status_code == 200
    assert reverse("exhibition:detail", args=[shown["star"].code]) in response.content.decode()
    assert client.get(reverse("exhibition:detail", args=[shown["star"].code])).status_code == 200


class FailingCache:
    """Django's own RedisCache with Redis down: every call raises."""

    def __getattr__(self, name):
        def fail(*args, **kwargs):
            raise RedisConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
        return fail


def test_the_exhibition_answers_when_its_cache_raises(client, shown, monkeypatch):
    monkeypatch.setattr(exhibition_cache, "cache", FailingCache())
    assert client.get(reverse("exhibition:index")).status_code == 200
    assert client.get(reverse("exhibition:detail", args=[shown["star"].code])).status_code == 200
    exhibition_cache.bump_version()  # publishing while Redis is down does not fail either
