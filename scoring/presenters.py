"""What the scoring form shows of the entry it scores, at the tiers where that is not the Entry itself.

At the unit, first-review and selection tiers the assessor reviews the entry in its own chain and sees it
whole: the form shows the Entry. At the province the assessor is an expert the committee assigned (the
province's assess permission is exactly that, scoring.rules), who reaches the entry through the
assignment alone, and an expert's pages never receive the Entry: they get the identity-free view object
of review.experts.blind. scoring sits below review.experts and does not import it, so review.experts
registers that view object here (its AppConfig.ready), as it registers its "blind-original" file kind
with the download view.

A tier of BLIND_TIERS with no presenter registered is refused (404): the form never falls back to the
Entry where only a blind view may be shown.
"""

from collections.abc import Callable
from dataclasses import dataclass

from submissions.enums import Tier
from submissions.models import Entry

# Tiers whose assessors reach the entry by assignment (the scoring form lets assigned entries in) and
# whose form therefore shows only a registered presenter's view of it.
BLIND_TIERS = frozenset({Tier.PROVINCE})


@dataclass(frozen=True)
class EntryPresenter:
    """How the scoring form of one tier shows the entry and where it goes once the score is saved.

    `view` builds the object the page receives instead of the Entry (in the context as `view`, the
    Entry itself is not there); `header_template` renders it above the form; `done_url_name` is the
    page the form returns to, reversed with the entry's pk.
    """

    view: Callable[[Entry], object]
    header_template: str
    done_url_name: str


_presenters: dict[Tier, EntryPresenter] = {}


def register(tier: Tier, presenter: EntryPresenter) -> None:
    _presenters[Tier(tier)] = presenter


def unregister(tier: Tier) -> None:
    _presenters.pop(Tier(tier), None)


def presenter_for(tier: Tier) -> EntryPresenter | None:
    return _presenters.get(Tier(tier))
