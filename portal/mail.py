"""E-mails built from templates, in one place.

Every e-mail the portal sends is two templates, `templates/mail/<name>_subject.txt` (one line) and
`templates/mail/<name>_body.txt` (plain text, rendered without HTML escaping), rendered with a context.
The texts live in the templates (through `{% translate %}`), the callers only choose who and with what.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.core.mail import send_mass_mail
from django.template.loader import render_to_string


def absolute_url(path: str) -> str:
    """A link for an e-mail: the site's address (settings.SITE_URL) before a path of this site."""
    return settings.SITE_URL + path


def render_mail(name: str, context: Mapping[str, Any]) -> tuple[str, str]:
    """(subject, body) of the e-mail `name`: the subject on one line, the body without trailing blank lines."""
    subject = " ".join(render_to_string(f"mail/{name}_subject.txt", dict(context)).splitlines()).strip()
    body = render_to_string(f"mail/{name}_body.txt", dict(context)).rstrip()
    return subject, body


def send_templated_mails(name: str, messages: Iterable[tuple[str, Mapping[str, Any]]]) -> int:
    """Send the e-mail `name` to each (address, context) of `messages` over one connection; return how many."""
    rendered = [(*render_mail(name, context), None, [to]) for to, context in messages]
    if rendered:
        send_mass_mail(rendered)
    return len(rendered)


def send_templated_mail(to: str, name: str, context: Mapping[str, Any]) -> None:
    """Send the e-mail `name` rendered with `context` to the address `to`."""
    send_templated_mails(name, [(to, context)])
