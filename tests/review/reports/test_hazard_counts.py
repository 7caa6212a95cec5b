"""附件3's 发现隐患数/整改隐患数 and the /stats/ dashboard's 已整改 come from the hazard ledger when hazards has
registered its counting (review.reports.hazard_counts), and from the entries alone when nothing is."""

import io

import pytest
from django.urls import reverse

from hazards.campaign_counts import LEDGER
from hazards.enums import HazardState
from hazards.models import Hazard
from hazards.services import hazard_from_entry
from review.reports import hazard_counts
from review.reports.dashboard import chart_data, dashboard
from review.reports.exporters import StatisticsExport
from review.reports.selectors import counted_entries
from review.reports.statistics import FIGURES, system_figures
from submissions.enums import EntryState, Tier
from submissions.scoping import entries_for_user
from tests.factories import recommended_entry
from tests.factories.hazards import ensure_ledger_seed
from tests.factories.reports import workbook

pytestmark = pytest.mark.django_db

AT_CITY = {"state": EntryState.UNIT_RECOMMENDED, "tier": Tier.SELECTION}


@pytest.fixture
def entries_only():
    """Nothing registered, for the length of the test."""
    saved = hazard_counts.hazard_counting()
    hazard_counts.unregister()
    yield
    hazard_counts.register(saved)


@pytest.fixture
def ledger_entries(people, campaign):
    """Five entries of city A; the ledger says otherwise than their photos for three of them.

    photos  ledger state      found  rectified (ledger)
    yes     已登记            yes    no
    yes     已验收            yes    yes
    no      已销号            yes    yes
    yes     不予受理          no     no
    yes     (not in ledger)   yes    yes (by its photos)
    """
    ensure_ledger_seed()
    states = [HazardState.REGISTERED, HazardState.VERIFIED, HazardState.CLOSED, HazardState.DECLINED, None]
    for index, state in enumerate(states):
        entry = recommended_entry(people["worker"], campaign, rectified_photos=0 if index == 2 else 1, **AT_CITY)
        if state is not None:
            Hazard.objects.filter(pk=hazard_from_entry(entry).pk).update(state=state)


def counted(people, campaign, org):
    return system_figures(counted_entries(people["city"], campaign).filter(selection_union=org.city_a))


def test_hazards_registers_the_ledger_counting():
    assert hazard_counts.hazard_counting() is LEDGER


def test_figures_come_from_the_ledger(ledger_entries, people, campaign, org):
    figures = counted(people, campaign, org)
    assert (figures["hazards_found"], figures["hazards_rectified"]) == (4, 3)


def test_figures_fall_back_to_the_entries_without_a_provider(ledger_entries, people, campaign, org, entries_only):
    figures = counted(people, campaign, org)
    assert (figures["hazards_found"], figures["hazards_rectified"]) == (5, 4)
    assert str(FIGURES[3].definition) == "已提交的作品数（每件作品报告一处隐患）"


def test_definitions_say_the_ledger_counts():
    definitions = {figure.name: str(figure.definition) for figure in FIGURES}
    assert "隐患台账" in definitions["hazards_found"] and "已验收" in definitions["hazards_rectified"]


def test_fujian3_export_and_page_show_the_ledger_figures(ledger_entries, people, campaign, org, client):
    out = io.BytesIO()
    StatisticsExport().generate({"campaign": campaign.pk, "union": org.city_a.pk, "entries": None}, people["city"],
                                out, lambda done, total: None)
    sheet = workbook(out.getvalue()).active
    headers = [cell.value for cell in sheet[3]]
    row = dict(zip(headers, [cell.value for cell in sheet[4]], strict=False))
    assert (row["发现隐患数"], row["整改隐患数"]) == (4, 3)
    client.force_login(people["city"])
    page = client.get(reverse("reports:statistics_report", args=[org.city_a.pk])).content.decode()
    assert "隐患台账" in page


def test_dashboard_counts_rectified_from_the_ledger(ledger_entries, people, campaign, org, client):
    visible = entries_for_user(people["committee"], campaign).exclude(state=EntryState.DRAFT)
    figures = dashboard(visible, campaign)
    assert figures["totals"]["entries"] == 5 and figures["totals"]["rectified"] == 3
    assert figures["totals"]["rectification_rate"] == 60.0
    unions = {row["selection_union_id"]: row for row in figures["unions"]}
    assert unions[org.city_a.pk]["rectified"] == 3
    charts = chart_data(figures)
    assert charts["rectification"] == {"labels": ["已整改（台账验收）", "尚未整改"], "data": [3, 2]}
    client.force_login(people["committee"])
    assert "已整改（台账验收）" in client.get(reverse("reports:dashboard")).content.decode()


def test_dashboard_falls_back_to_the_photos_without_a_provider(ledger_entries, people, campaign, entries_only):
    visible = entries_for_user(people["committee"], campaign).exclude(state=EntryState.DRAFT)
    figures = dashboard(visible, campaign)
    assert figures["totals"]["rectified"] == 4 and str(figures["rectified_label"]) == "有整改后照片"
