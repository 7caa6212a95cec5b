from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from portal.audit.models import AuditRecord
from portal.refusals import Refused
from scoring.models import Assessment
from scoring.services import assess_entry
from submissions.enums import EntryState, Tier
from submissions.models import Entry
from tests.factories.scoring import score

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("values", "expected"), [
    (("1", "1", "15", "0.98", "0.98"), "14.406"),        # the lower bound
    (("2", "2", "25", "1", "1"), "100"),                 # the upper bound
    (("2", "1.8", "22", "0.99", "0.99"), "77.62392"),    # five decimals
    (("1.5", "1.6", "20", "0.98", "1"), "47.04"),
    (("1.5", "1.2", "18", "1", "0.99"), "32.076"),
    (("1", "1.4", "15", "0.99", "0.98"), "20.37420"),
])
def test_assess_entry_stores_exact_product(users, entry_at, values, expected):
    entry = entry_at()
    score(entry, users["unit"], Tier.UNIT, *values)
    stored = Assessment.objects.get(entry=entry)
    assert stored.d == Decimal(expected)
    assert Entry.objects.get(pk=entry.pk).unit_score == Decimal(expected)


def test_assess_entry_accepts_decimals_and_ints(users, entry_at):
    entry = entry_at()
    assessment = assess_entry(entry, actor=users["unit"], tier=Tier.UNIT, values={
        "l": Decimal("1.5"), "e": 2, "c": Decimal("25.00"), "x": "0.98", "y": 1})
    assert assessment.d == Decimal("73.5")


def test_assess_entry_rescoring_updates_same_row_and_audits_old_and_new(users, entry_at):
    entry = entry_at()
    first = score(entry, users["unit"], Tier.UNIT, "2", "2", "25", "1", "1", comment="初评")
    second = score(entry, users["unit"], Tier.UNIT, "1.5", "2", "22", "1", "1", comment="复核后调整")
    assert second.pk == first.pk
    assert Assessment.objects.count() == 1
    records = list(AuditRecord.objects.for_object(entry).filter(action="scoring.assess").order_by("id"))
    assert len(records) == 2
    assert records[0].changes["d"] == [None, "100"]
    changes = records[1].changes
    assert changes["tier"] == Tier.UNIT
    assert changes["assessment"] == first.pk
    assert changes["l"] == ["2", "1.5"]
    assert changes["c"] == ["25", "22"]
    assert changes["d"] == ["100", "66"]
    assert changes["comment"] == ["初评", "复核后调整"]
    assert changes["unit_score"] == ["100", "66"]
    assert "e" not in changes  # unchanged factors are not listed
    assert records[1].actor == users["unit"]
    assert Entry.objects.get(pk=entry.pk).unit_score == Decimal("66")


def test_assess_entry_same_values_again_writes_nothing(users, entry_at):
    entry = entry_at()
    score(entry, users["unit"], Tier.UNIT, "2", "2", "25", "1", "1")
    score(entry, users["unit"], Tier.UNIT, "2", "2", "25", "1", "1")
    assert AuditRecord.objects.filter(action="scoring.assess").count() == 1


def test_assess_entry_last_unit_coordinator_to_save_sets_unit_score(users, entry_at):
    from portal.accounts.enums import RoleKind
    from tests.factories import make_user

    entry = entry_at()
    colleague = make_user(RoleKind.UNIT, entry.unit)
    score(entry, users["unit"], Tier.UNIT, "2", "2", "25", "1", "1")
    score(entry, colleague, Tier.UNIT, "1", "1", "15", "0.98", "0.98")
    assert Entry.objects.get(pk=entry.pk).unit_score == Decimal("14.406")
    # Saving the same values again makes them the unit's score once more, and says so in the log.
    score(entry, users["unit"], Tier.UNIT, "2", "2", "25", "1", "1")
    assert Entry.objects.get(pk=entry.pk).unit_score == Decimal("100")
    last = AuditRecord.objects.filter(action="scoring.assess").order_by("-id").first()
    assert last.changes["unit_score"] == ["14.406", "100"]
    assert "d" not in last.changes
    assert Assessment.objects.filter(entry=entry).count() == 2


def test_assess_entry_unit_tier_sets_unit_score_on_entry_and_instance(users, entry_at):
    entry = entry_at()
    assert entry.unit_score is None
    score(entry, users["unit"], Tier.UNIT, "2", "1.8", "22", "0.99", "0.99")
    assert entry.unit_score == Decimal("77.62392")
    assert Entry.objects.get(pk=entry.pk).unit_score == Decimal("77.62392")


def test_assess_entry_province_tier_does_not_touch_unit_score(users, entry_at):
    entry = entry_at(Tier.PROVINCE)
    score(entry, users["unit"], Tier.UNIT, "1", "1", "15", "0.98", "0.98")
    score(entry, users["expert"], Tier.PROVINCE, "2", "2", "25", "1", "1")
    score(entry, users["city"], Tier.SELECTION, "2", "2", "22", "1", "1")
    assert Entry.objects.get(pk=entry.pk).unit_score == Decimal("14.406")
    assert Assessment.objects.filter(entry=entry).count() == 3


@pytest.mark.parametrize(("values", "field", "message"), [
    ({"l": "2", "e": "2", "c": "21", "x": "1", "y": "1"}, "c", "可能造成事故后果（C）的取值 21 不在选项中"),
    ({"l": "2", "e": "2", "c": "25", "x": "0.97", "y": "1"}, "x", "排查难度（X）的取值 0.97 不在选项中"),
    ({"e": "2", "c": "25", "x": "1", "y": "1"}, "l", "请选择造成事故可能性（L）。"),
    ({"l": "<script>", "e": "2", "c": "25", "x": "1", "y": "1"}, "l", "不在选项中"),
    ({"l": 2.0, "e": "2", "c": "25", "x": "1", "y": "1"}, "l", "不在选项中"),
])
def test_assess_entry_invalid_value_raises_chinese_error_and_stores_nothing(users, entry_at, values, field,
                                                                            message):
    entry = entry_at()
    with pytest.raises(ValidationError) as excinfo:
        assess_entry(entry, actor=users["unit"], tier=Tier.UNIT, values=values)
    assert message in excinfo.value.message_dict[field][0]
    assert not Assessment.objects.exists()
    assert not AuditRecord.objects.filter(action="scoring.assess").exists()
    assert Entry.objects.get(pk=entry.pk).unit_score is None


@pytest.mark.parametrize("state", [EntryState.DRAFT, EntryState.WITHDRAWN])
def test_assess_entry_draft_or_withdrawn_is_refused(users, entry_at, state):
    entry = entry_at(state=state)
    with pytest.raises(Refused, match="草稿或已撤回"):
        score(entry, users["unit"], Tier.UNIT, "2", "2", "25", "1", "1")
    assert not Assessment.objects.exists()


def test_assess_entry_tier_not_reached_is_refused(users, entry_at):
    entry = entry_at(Tier.UNIT)
    with pytest.raises(Refused, match="尚未报送"):
        score(entry, users["county"], Tier.FIRST_REVIEW, "2", "2", "25", "1", "1")


def test_assess_entry_unknown_tier_is_refused(users, entry_at):
    with pytest.raises(Refused):
        score(entry_at(), users["unit"], 7, "2", "2", "25", "1", "1")


def test_assess_entry_state_is_read_from_database_not_the_stale_instance(users, entry_at):
    entry = entry_at()
    Entry.objects.filter(pk=entry.pk).update(state=EntryState.WITHDRAWN)
    with pytest.raises(Refused):
        score(entry, users["unit"], Tier.UNIT, "2", "2", "25", "1", "1")
