from decimal import Decimal

import pytest
from django.apps import apps

from ankang.enums import ActivityGroup, ConditionKind, ScoreItemKind
from ankang.models import ActivityType, CalendarTemplate, ScoreTemplate
from ankang.seed_data import seed

pytestmark = pytest.mark.django_db


def test_seed_data_calendar_holds_seed_003_months():
    seed(apps)  # idempotent after the data migration
    calendar = CalendarTemplate.objects.get(version="2021")
    months = {row.code: row.months for row in calendar.activity_types.filter(group=ActivityGroup.SERIES)}
    assert months == {"wujin": [8], "training": [8, 9], "quiz": [7, 8, 9], "cooling": [7, 8],
                      "patrol": [8, 9, 10, 11, 12], "snapshot": [9], "contract": [11, 12]}
    ten = calendar.activity_types.filter(group=ActivityGroup.TEN_ONES)
    assert ten.count() == 10
    assert {row.parent.code for row in ten} == {"wujin"}
    assert ActivityType.objects.count() == 17


def test_seed_data_score_template_totals_100_with_conditions():
    seed(apps)
    template = ScoreTemplate.objects.get(version="默认")
    scored = template.items.filter(kind=ScoreItemKind.SCORED)
    assert sum((item.max_points for item in scored), Decimal(0)) == 100
    assert template.items.filter(kind=ScoreItemKind.BONUS).count() == 3
    assert template.vetoes.count() == 4
    assert {c.kind: c.value for c in template.conditions.all()} == {ConditionKind.TOTAL_MIN: 80,
                                                                   ConditionKind.SECTION_SHARE_MIN: 80}


def test_seed_data_months_label_crosses_the_year():
    assert ActivityType(start_month=11, end_month=2).months == [11, 12, 1, 2]
    assert str(ActivityType(start_month=None, end_month=None).months_label) == "不限月份"
