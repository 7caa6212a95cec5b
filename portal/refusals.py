"""The one refusal type of the services, and how a page shows it.

A service that will not do what it was asked raises `Refused`: `message` is a Chinese sentence shown to
the user as is, `code` a short machine string tests and callers branch on, `details` an optional list
(e.g. the missing items of an incomplete entry). Views turn it into a message with `refusal_message`,
the same way everywhere; a refusal for lack of permission becomes a 403.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

PERMISSION_DENIED = "permission_denied"


class Refused(Exception):
    """A refused service call; `message` is shown to the user as is."""

    def __init__(self, message: str, code: str = "refused", details: Iterable[str] = ()):
        super().__init__(message)
        self.message = message
        self.code = code
        self.details = tuple(str(detail) for detail in details)

    @classmethod
    def permission_denied(cls, message: str | None = None) -> Refused:
        """The actor holds no role for this step (views check first; the services are the backstop)."""
        return cls(message or _("您没有执行此操作的权限。"), code=PERMISSION_DENIED)

    @property
    def denied(self) -> bool:
        return self.code == PERMISSION_DENIED

    @property
    def messages(self) -> list[str]:
        """The details when there are any (each a sentence), else the message: for lists of errors."""
        return list(self.details) or [self.message]

    def __repr__(self) -> str:
        return f"Refused({self.message!r}, code={self.code!r})"


def refusal_message(request, exc: Refused) -> None:
    """Show a refusal on the next page; a refusal for lack of permission answers 403 instead."""
    if exc.denied:
        raise PermissionDenied(exc.message) from None
    messages.error(request, exc.message)
