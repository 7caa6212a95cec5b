"""One implementation that a higher app lends a lower one, which may not import it (style rule 6).

The higher app registers it in its AppConfig.ready; the lower app asks the slot and falls back to its own
default (or None) when nothing is registered, e.g. in a project without the higher app, or in a test
that unregisters it. The last registration wins.
"""

from __future__ import annotations

from typing import Generic, TypeVar

T = TypeVar("T")


class HookSlot(Generic[T]):
    """A slot holding at most one registered value; `get()` gives it, else `default`."""

    def __init__(self, name: str, default: T | None = None):
        self.name, self.default = name, default
        self._value: T | None = None

    def register(self, value: T) -> None:
        self._value = value

    def unregister(self) -> None:
        self._value = None

    def get(self) -> T | None:
        return self._value if self._value is not None else self.default

    def __repr__(self) -> str:
        return f"<HookSlot {self.name}: {'registered' if self._value is not None else 'default'}>"
