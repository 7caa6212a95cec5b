"""Planner settings for the few statements that read a whole campaign (PostgreSQL; nothing on SQLite).

`tuned_cursor()` opens a transaction and a cursor with SET LOCAL settings, so they end with the statement's
transaction and never leak into the connection (persistent connections are reused across requests).
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction

# Enough for the hash tables of a campaign of 100,000 entries (a hash per entry id or per author, ~10 MB):
# with the default 4 MB the planner plans sorts that spill to disk instead.
WORK_MEM = "32MB"
# The cost of a random page read on SSD or from the cache (the default 4 is a spinning disk's): at 4 the
# planner reads the entries' table rather than the covering index of the campaign's entries, a quarter of
# its pages, all visible (README "Sizing for a province" recommends it for the whole database).
SSD_RANDOM_PAGE_COST = "1.1"


@contextmanager
def tuned_cursor(*, random_page_cost: bool = True, jit: bool = True) -> Iterator:
    """A cursor inside a transaction with WORK_MEM, SSD_RANDOM_PAGE_COST unless `random_page_cost` is
    False, and the JIT compiler off when `jit` is False (it compiles a long expression for longer than
    the statement runs)."""
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            settings = [f"SET LOCAL work_mem = '{WORK_MEM}'"]
            if random_page_cost:
                settings.append(f"SET LOCAL random_page_cost = {SSD_RANDOM_PAGE_COST}")
            if not jit:
                settings.append("SET LOCAL jit = off")
            cursor.execute("; ".join(settings))
        yield cursor
