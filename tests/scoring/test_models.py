from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from scoring.models import Assessment, ScaleOptionValidator
from submissions.enums import Tier
from tests.factories.scoring import score

pytestmark = pytest.mark.django_db


def test_scale_option_validator_accepts_options_and_refuses_others_in_chinese():
    ScaleOptionValidator("C")(Decimal("25.00"))
    ScaleOptionValidator("X")(Decimal("0.99"))
    with pytest.raises(ValidationError) as excinfo:
        ScaleOptionValidator("C")(Decimal("21"))
    assert "可能造成事故后果（C）的取值 21 不在选项中" in excinfo.value.messages[0]
    with pytest.raises(ValidationError):
        ScaleOptionValidator("L")(None)


def test_scale_option_validator_deconstructs_for_migrations():
    path, args, _kwargs = ScaleOptionValidator("E").deconstruct()
    assert path == "scoring.models.ScaleOptionValidator"
    assert args == ("E",)
    assert ScaleOptionValidator("E") == ScaleOptionValidator("E") != ScaleOptionValidator("L")


def test_assessment_display_properties_read_back_from_database(users, entry_at):
    entry = entry_at()
    score(entry, users["unit"], Tier.UNIT, "2", "1.8", "22", "0.99", "0.99")
    assessment = Assessment.objects.get()
    assert assessment.d == Decimal("77.62392")
    assert assessment.d_display == "77.624"
    assert (assessment.l_label, assessment.e_label, assessment.c_label, assessment.x_label, assessment.y_label) == (
        "非常可能", "每天几次接触", "非常严重", "较难", "较好")
    assert [(row["code"], row["value"]) for row in assessment.factors] == [
        ("L", Decimal("2")), ("E", Decimal("1.8")), ("C", Decimal("22")), ("X", Decimal("0.99")),
        ("Y", Decimal("0.99"))]
    assert "77.624" in str(assessment)


def test_assessment_bounds_display_with_three_decimals(users, entry_at):
    low = score(entry_at(), users["unit"], Tier.UNIT, "1", "1", "15", "0.98", "0.98")
    high = score(entry_at(), users["unit"], Tier.UNIT, "2", "2", "25", "1", "1")
    low.refresh_from_db()
    high.refresh_from_db()
    assert (low.d_display, high.d_display) == ("14.406", "100.000")


def test_assessment_one_per_assessor_per_tier_is_enforced_by_database(users, entry_at):
    assessment = score(entry_at(), users["unit"], Tier.UNIT, "2", "2", "25", "1", "1")
    duplicate = Assessment(entry=assessment.entry, assessor=assessment.assessor, tier=Tier.UNIT, l=2, e=2, c=25,
                           x=1, y=1, d=100)
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()
    # The same assessor at another tier is a separate assessment.
    Assessment.objects.create(entry=assessment.entry, assessor=assessment.assessor, tier=Tier.PROVINCE, l=2, e=2,
                              c=25, x=1, y=1, d=100)


def test_assessment_d_outside_range_is_refused_by_database(users, entry_at):
    with pytest.raises(IntegrityError), transaction.atomic():
        Assessment.objects.create(entry=entry_at(), assessor=users["unit"], tier=Tier.UNIT, l=2, e=2, c=25, x=1,
                                  y=1, d=101)


def test_assessment_admin_is_read_only(client, users, entry_at):
    assessment = score(entry_at(), users["unit"], Tier.UNIT, "2", "1.8", "22", "0.99", "0.99")
    client.force_login(users["committee"])  # superuser, as seed_demo makes the committee office
    listing = client.get("/admin/scoring/assessment/")
    assert listing.status_code == 200
    assert "77.624" in listing.content.decode()
    assert client.get(f"/admin/scoring/assessment/{assessment.pk}/change/").status_code == 200
    assert client.get("/admin/scoring/assessment/add/").status_code == 403
    client.post(f"/admin/scoring/assessment/{assessment.pk}/change/", {"d": "14.406"})
    assessment.refresh_from_db()
    assert assessment.d == Decimal("77.62392")
