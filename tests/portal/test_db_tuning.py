"""portal.db_tuning.tuned_cursor: planner settings for one transaction on PostgreSQL, none left behind."""

import pytest
from django.db import connection

from portal.db_tuning import SSD_RANDOM_PAGE_COST, WORK_MEM, tuned_cursor


def _show(cursor, name):
    cursor.execute(f"SHOW {name}")
    return cursor.fetchone()[0]


# Transactional: inside a test's transaction, SET LOCAL would last until the test's end.
@pytest.mark.django_db(transaction=True)
def test_tuned_cursor_sets_the_planner_for_its_transaction_only():
    with tuned_cursor(jit=False) as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)
        if connection.vendor != "postgresql":  # SQLite has no planner settings: a plain cursor
            return
        assert (_show(cursor, "work_mem"), _show(cursor, "random_page_cost"), _show(cursor, "jit")) == (
            WORK_MEM, SSD_RANDOM_PAGE_COST, "off")
    with connection.cursor() as cursor:
        assert (_show(cursor, "work_mem"), _show(cursor, "random_page_cost"), _show(cursor, "jit")) != (
            WORK_MEM, SSD_RANDOM_PAGE_COST, "off")


@pytest.mark.django_db
def test_tuned_cursor_keeps_the_defaults_it_is_not_asked_to_change():
    with tuned_cursor(random_page_cost=False) as cursor:
        if connection.vendor != "postgresql":
            cursor.execute("SELECT 2")
            assert cursor.fetchone() == (2,)
            return
        cursor.execute("SELECT current_setting('random_page_cost'), current_setting('jit')")
        outside = None
        with connection.cursor() as plain:
            plain.execute("SELECT reset_val FROM pg_settings WHERE name = 'random_page_cost'")
            outside = plain.fetchone()[0]
        assert cursor.fetchone() == (outside, "on")
