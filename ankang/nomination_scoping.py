"""The only queries deciding which nominations and annual reports a user sees: those of units (unions) in
the user's subtrees, through ankang.scoping.unit_scope."""

from ankang.nomination_models import AnnualReport, Nomination
from ankang.scoping import unit_scope


def nominations_for_user(user):
    return Nomination.objects.filter(unit_scope(user, "unit__"))


def reports_for_user(user):
    return AnnualReport.objects.filter(unit_scope(user, "union__"))
