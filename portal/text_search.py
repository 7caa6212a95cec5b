"""Searching text for a word the way icontains does, answered from a pg_trgm index on PostgreSQL.

Each searched column has a trigram GIN index (`trigram_index_sql`) on the column upper-cased with every
character written three times ("配电" → "配配配电电电"). Trigrams alone cannot serve the one- and two-character
words Chinese searches mostly are ("门", "消防": no trigram in them); tripled, every word of one character or
more has trigrams, and "the tripled column contains the tripled word" holds exactly when the column contains
the word, so no second check is needed. SQLite has no such index and runs icontains.

Used by the hazard ledger's search (hazards.search) and the ranking's (scoring.selectors.search_entries).
"""

from django.db import connection
from django.db.models import BooleanField, F, Func, Q, TextField, Value
from django.db.models.functions import Cast, Replace, Upper


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


def text_contains(name: str, word: str) -> Q:
    """The rows whose text column `name` contains `word` (case-insensitively, exactly what icontains finds)."""
    if connection.vendor != "postgresql":
        return Q(**{f"{name}__icontains": word})
    return Q(_Contains(Tripled(F(name)), _like_escaped(Tripled(Value(word)))))


def trigram_index_sql(table: str, column: str, index: str) -> str:
    """CREATE INDEX of the expression `text_contains` searches, for a migration (PostgreSQL, pg_trgm)."""
    return (f'CREATE INDEX IF NOT EXISTS "{index}" ON "{table}" '
            f"""USING gin ((regexp_replace(UPPER(("{column}")::text), '(.)', '\\1\\1\\1', 'g')) gin_trgm_ops)""")
