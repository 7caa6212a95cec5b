import io

import pytest
from django.core.management import call_command

from ankang.enums import EnrolmentState, SheetState
from ankang.models import ActivityEvidence, ActivityRecord, Competition, Enrolment, ScoreSheet
from demo.ankang import seed_ankang

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())


def test_seed_ankang_builds_the_competition_and_is_idempotent(demo):
    out = io.StringIO()
    competition = seed_ankang(stdout=out)
    assert "安康杯" in out.getvalue()
    assert ActivityRecord.objects.values("unit").distinct().count() == 2
    assert ActivityEvidence.objects.count() >= 4
    assert Enrolment.objects.filter(state=EnrolmentState.CONFIRMED).count() == 4
    sheets = ScoreSheet.objects.order_by("pk")
    assert [s.state for s in sheets] == [SheetState.REVIEWED, SheetState.REVIEWED]
    assert [s.vetoed for s in sheets] == [False, True]
    assert sheets[0].eligible and not sheets[1].eligible
    count = ActivityRecord.objects.count()
    assert seed_ankang() == competition and ActivityRecord.objects.count() == count
    assert Competition.objects.count() == 1


def test_seed_ankang_without_the_demo_says_so(db):
    out = io.StringIO()
    assert seed_ankang(stdout=out) is None
    assert "seed_demo" in out.getvalue()
