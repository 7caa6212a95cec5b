"""The ledger's "搜索": one condition used by the ledger page and the 台账 export alike.

A hazard matches when its code, description or place contains the words (case-insensitively, like
icontains), or its 车间/班组 is named so. The 车间/班组 are looked up first by name in the directory (one
small query) and matched by id: a join on their name inside the OR would keep PostgreSQL from combining
indexes and send it back to scanning every hazard in scope.

Each text column is searched by portal.text_search (on PostgreSQL through its pg_trgm GIN index, migration
0009); SQLite runs icontains.
"""

from django.db.models import Q

from portal.directory.enums import WORKPLACE_KINDS
from portal.directory.models import OrgNode
from portal.text_search import text_contains

# Text columns searched directly (each with its index on PostgreSQL, migration 0009).
SEARCHED_TEXT = ("code", "description", "location")
# Directory nodes searched by their name.
SEARCHED_NODES = ("workshop", "team")


def search_condition(q: str) -> Q:
    """The hazards whose text or 车间/班组 name contains `q` (stripped; "" matches all)."""
    q = q.strip()
    if not q:
        return Q()
    condition = Q()
    for name in SEARCHED_TEXT:
        condition |= text_contains(name, q)
    nodes = list(OrgNode.objects.filter(kind__in=WORKPLACE_KINDS, name__icontains=q).values_list("pk", flat=True))
    if nodes:
        for name in SEARCHED_NODES:
            condition |= Q(**{f"{name}_id__in": nodes})
    return condition
