"""The ledger's "搜索": one condition used by the ledger page and the 台账 export alike.

A hazard matches when its code, description or place contains the words (case-insensitively, like
icontains), or its 车间/班组 is named so. The 车间/班组 are looked up first by name in the directory (one
small query) and matched by id: a join on their name inside the OR would keep PostgreSQL from combining
indexes and send it back to scanning every hazard in scope.

On PostgreSQL each text column is searched through a pg_trgm GIN index (migration 0009) on the column with
every character written three times ("配电" → "配配配电电电"). Trigrams alone cannot serve the one- and
two-character words Chinese searches mostly are ("门", "消防": no trigram in them); tripled, every word of
one character or more has trigrams, and "the tripled column contains the tripled word" holds exactly when
the column contains the word, so no second check is needed. SQLite has no such index and runs icontains.
"""

from django.db import connection
from django.db.models import BooleanField, F, Func, Q, TextField, Value
from django.db.models.functions import Cast, Replace, Upper

from portal.directory.enums import WORKPLACE_KINDS
from portal.directory.models import OrgNode

# Text columns searched directly (each with its index on PostgreSQL, migration 0009).
SEARCHED_TEXT = ("code", "description", "location")
# Directory nodes searched by their name.
SEARCHED_NODES = ("workshop", "team")


class Tripled(Func):
    """regexp_replace(UPPER(x::text), '(.)', '\\1\\1\\1', 'g'): the expression the search indexes hold."""

    function = "regexp_replace"
    output_field = TextField()

    def __init__(self, expression):
        super().__init__(Upper(Cast(expression, TextField())), Value("(.)"), Value(r"\1\1\1"), Value("g"))


class _Contains(Func):
    """`text LIKE '%' || word || '%'`, the word already escaped for LIKE."""

    output_field = BooleanField()

    def as_sql(self, compiler, connection, **extra_context):
        (text_sql, text_params), (word_sql, word_params) = (compiler.compile(e) for e in self.source_expressions)
        return f"({text_sql} LIKE (%s || {word_sql} || %s))", (*text_params, "%", *word_params, "%")


def _like_escaped(expression):
    for special in ("\\", "%", "_"):
        expression = Replace(expression, Value(special), Value("\\" + special))
    return expression


def _text_condition(name: str, q: str) -> Q:
    if connection.vendor != "postgresql":
        return Q(**{f"{name}__icontains": q})
    return Q(_Contains(Tripled(F(name)), _like_escaped(Tripled(Value(q)))))


def search_condition(q: str) -> Q:
    """The hazards whose text or 车间/班组 name contains `q` (stripped; "" matches all)."""
    q = q.strip()
    if not q:
        return Q()
    condition = Q()
    for name in SEARCHED_TEXT:
        condition |= _text_condition(name, q)
    nodes = list(OrgNode.objects.filter(kind__in=WORKPLACE_KINDS, name__icontains=q).values_list("pk", flat=True))
    if nodes:
        for name in SEARCHED_NODES:
            condition |= Q(**{f"{name}_id__in": nodes})
    return condition
