"""The demo password, hashed once per process and hasher.

Hashing is slow on purpose (PBKDF2, ~0.2 s each): the demo accounts made one by one cost seconds of every
first start. They share the one public password anyway, so they may share its hash."""

import functools

from django.contrib.auth.hashers import get_hasher, make_password

from demo.data import DEMO_PASSWORD


def demo_password_hash() -> str:
    """DEMO_PASSWORD hashed with the configured default hasher (tests configure a fast one)."""
    return _hashed(get_hasher().algorithm)


@functools.cache
def _hashed(algorithm: str) -> str:
    return make_password(DEMO_PASSWORD, hasher=algorithm)
