"""demo/ankang.py on the shared seed (tests/ankang/test_demo.py: without the demo)."""

import pytest

from ankang.enums import EnrolmentState, SheetState
from ankang.models import ActivityEvidence, ActivityRecord, Competition, Enrolment, ScoreSheet
from ankang.nomination_enums import NominationLevel, NominationState
from ankang.nomination_models import Nomination, NominationQuota
from demo.ankang import seed_ankang

pytestmark = pytest.mark.django_db


def test_seed_demo_builds_the_competition_and_seed_ankang_again_adds_nothing(seed_output):
    # seed_demo runs seed_ankang (after the ledger, tips, returns and rounds its indicators read).
    assert "安康杯" in seed_output
    competition = Competition.objects.get()
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


def test_seed_demo_nominations_wait_at_each_level_under_quotas(seed_output):
    competition = Competition.objects.get()
    assert NominationQuota.objects.filter(competition=competition).count() == 12
    pending = Nomination.objects.filter(state=NominationState.PENDING)
    assert {n.level for n in pending} == {NominationLevel.COUNTY, NominationLevel.CITY, NominationLevel.PROVINCE}
    assert Nomination.objects.filter(state=NominationState.RETURNED).count() == 1
    at_province = pending.get(level=NominationLevel.PROVINCE)
    assert at_province.steps.filter(action="forward").count() == 2
