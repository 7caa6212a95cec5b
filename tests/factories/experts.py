"""The provincial expert review: entries at the province, assignments, and scores by named factor sets."""

from decimal import Decimal

import factory

from scoring.services import assess_entry
from submissions.enums import EntryState, Tier
from submissions.models import Entry, ExpertAssignment
from tests.factories.accounts import make_expert
from tests.factories.submissions import EntryFactory, make_entry


class ExpertAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExpertAssignment

    entry = factory.SubFactory(EntryFactory, state=EntryState.PROVINCE_RECOMMENDED, tier=Tier.PROVINCE,
                               has_rectification_photos=True)
    expert = factory.LazyFunction(make_expert)


def at_province(author, campaign, **fields) -> Entry:
    """An entry recommended to the province (state PROVINCE_RECOMMENDED, tier PROVINCE)."""
    fields.setdefault("has_rectification_photos", True)
    return make_entry(author, campaign=campaign, state=EntryState.PROVINCE_RECOMMENDED, tier=Tier.PROVINCE,
                      **fields)


def assign(entry, expert, **fields) -> ExpertAssignment:
    return ExpertAssignmentFactory(entry=entry, expert=expert, **fields)


# Factor sets by the D they give (or a name for it), in formula order L, E, C, X, Y.
FACTORS = {
    "100": ("2", "2", "25", "1", "1"),
    "90": ("2", "1.8", "25", "1", "1"),
    "80": ("2", "2", "20", "1", "1"),
    "72": ("2", "1.8", "20", "1", "1"),
    "60": ("1.5", "2", "20", "1", "1"),
    "50": ("1", "2", "25", "1", "1"),
    "40": ("1", "2", "20", "1", "1"),
    "15": ("1", "1", "15", "1", "1"),
    "20": ("1", "1", "20", "1", "1"),
}


def d_of(key: str) -> Decimal:
    l, e, c, x, y = (Decimal(v) for v in FACTORS[key])  # noqa: E741
    return l * e * c * x * y


def score(entry, expert, key: str = "60", comment: str = ""):
    """assess_entry at the province with the factors of FACTORS[key]."""
    l, e, c, x, y = FACTORS[key]  # noqa: E741
    return assess_entry(entry, actor=expert, tier=Tier.PROVINCE,
                        values={"l": l, "e": e, "c": c, "x": x, "y": y}, comment=comment)
