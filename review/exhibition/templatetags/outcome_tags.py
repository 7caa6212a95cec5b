"""The end of an entry's road, for the author's pages: {% entry_outcome entry as outcome %} and
{% author_outcomes as outcomes %} (review.exhibition.outcome)."""

from django import template

from review.exhibition import outcome

register = template.Library()


@register.simple_tag
def entry_outcome(entry):
    return outcome.entry_outcome(entry)


@register.simple_tag(takes_context=True)
def author_outcomes(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    return outcome.author_outcomes(user) if user is not None else []
