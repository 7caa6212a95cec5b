"""hazards.search: the ledger's "搜索" (page and 台账 export), and its trigram indexes on PostgreSQL."""

import pytest
from django.db import connection
from django.db.models import Q

from hazards.models import Hazard
from hazards.search import search_condition
from portal.directory.enums import NodeKind
from tests.factories import HazardFactory
from tests.factories.inspections import workplace

pytestmark = pytest.mark.django_db


def _found(q):
    return set(Hazard.objects.filter(search_condition(q)).values_list("pk", flat=True))


def test_search_matches_code_description_and_location(org):
    by_text = HazardFactory(unit=org.unit_a1a, description="配电箱门未上锁", location="仓库")
    by_place = HazardFactory(unit=org.unit_a1a, description="叉车报警器损坏", location="一号配电室")
    other = HazardFactory(unit=org.unit_a1a, description="通道堵塞", location="锅炉房")
    assert _found("配电") == {by_text.pk, by_place.pk}
    assert _found(f" {other.code.lower()} ") == {other.pk}


def test_search_matches_the_workshop_or_team_by_name(org):
    workshop = workplace(org.unit_a1a, "冲压车间", NodeKind.WORKSHOP)
    team = workplace(workshop, "夜班", NodeKind.TEAM)
    in_workshop = HazardFactory(unit=org.unit_a1a, workshop=workshop, description="护栏松动")
    in_team = HazardFactory(unit=org.unit_a1a, workshop=workshop, team=team, description="灯不亮")
    HazardFactory(unit=org.unit_a1a, description="护栏缺失")
    assert _found("冲压") == {in_workshop.pk, in_team.pk}
    assert _found("夜班") == {in_team.pk}


def test_search_of_a_unit_name_finds_no_hazard_by_its_unit(org):
    # Only 车间/班组 are searched by name: a unit's name would match its whole ledger.
    HazardFactory(unit=org.unit_a1a, description="护栏松动")
    assert _found(org.unit_a1a.name) == set()


def test_blank_search_matches_everything(org):
    hazards = {HazardFactory(unit=org.unit_a1a).pk for _ in range(2)}
    assert _found("  ") == hazards


def test_search_columns_have_tripled_trigram_indexes_on_postgresql_only():
    # No skip (CI fails on skips): on SQLite migration 0009 is a no-op and leaves no such index.
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'hazard_search_%%'")
            assert cursor.fetchall() == []
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'hazards_hazard' "
                       "AND indexname LIKE 'hazard_search_%%'")
        indexes = dict(cursor.fetchall())
    assert set(indexes) == {f"hazard_search_{column}_trgm" for column in ("code", "description", "location")}
    assert all("gin_trgm_ops" in definition and "regexp_replace(upper(" in definition
               for definition in indexes.values())


# On PostgreSQL through the tripled trigram columns, on SQLite through icontains: the same hazards.
@pytest.mark.parametrize("q", ["门", "消防", "配电箱", "ab", "AB", "a%b", "a_b", "50%", "_", "\\", "箱门", "门门"])
def test_tripled_search_finds_exactly_what_icontains_finds(org, q):
    texts = ["配电箱门未上锁", "消防通道堵塞", "xAbY", "a%b 超标 50%", "a_b", "axb", "路径\\盘", "门门口", "门口"]
    for text in texts:
        HazardFactory(unit=org.unit_a1a, description=text, location=text[::-1])
    expected = set(Hazard.objects.filter(Q(description__icontains=q) | Q(location__icontains=q)
                                         | Q(code__icontains=q)).values_list("pk", flat=True))
    assert _found(q) == expected
