from django import template

from review.history import entry_history
from review.models import Notification
from scoring.formula import format_score

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notification_count(context) -> int:
    """Unread notifications of the signed-in user (one query per request, then cached on it)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    cached = getattr(request, "_review_unread_count", None)
    if cached is None:
        cached = Notification.objects.filter(user=user, read_at__isnull=True).count()
        request._review_unread_count = cached
    return cached


@register.simple_tag
def public_history(entry) -> list[dict]:
    """The entry's history as its author may read it: status after each step, return reasons only."""
    return entry_history(entry, staff=False)


@register.filter
def score(value) -> str:
    """D with 3 decimals (scoring.formula.format_score), or a dash when there is none."""
    if value is None or value == "":
        return "—"
    try:
        return format_score(value)
    except (TypeError, ValueError):
        return "—"
