from django import forms
from django.utils.translation import gettext_lazy as _

from portal.campaigns.enums import AwardKind
from portal.campaigns.models import AwardLevel, HazardCategory, Industry
from portal.directory.enums import SELECTION_KINDS
from portal.directory.models import OrgNode


def _select(label, empty):
    return {"label": label, "required": False, "empty_label": empty,
            "widget": forms.Select(attrs={"class": "form-select", "data-autosubmit": "1"})}


class ExhibitionFilterForm(forms.Form):
    """Filters of the exhibition; a value that does not exist is ignored, never an error page."""

    award = forms.ModelChoiceField(queryset=AwardLevel.objects.none(), **_select(_("奖项"), _("全部奖项")))
    category = forms.ModelChoiceField(queryset=HazardCategory.objects.none(), **_select(_("隐患类别"), _("全部类别")))
    industry = forms.ModelChoiceField(queryset=Industry.objects.none(), **_select(_("所属行业"), _("全部行业")))
    union = forms.ModelChoiceField(queryset=OrgNode.objects.none(), **_select(_("市/产业"), _("全部市/产业")))

    FIELDS = {"award": "final_award__level", "category": "category", "industry": "industry",
              "union": "selection_union"}

    def __init__(self, *args, campaign=None, **kwargs):
        super().__init__(*args, **kwargs)
        if campaign is not None:
            self.fields["award"].queryset = campaign.award_levels.filter(kind=AwardKind.WORK).order_by("rank")
            self.fields["category"].queryset = campaign.hazard_categories.all()
            self.fields["industry"].queryset = campaign.industries.all()
            self.fields["union"].queryset = OrgNode.objects.filter(
                kind__in=SELECTION_KINDS, is_active=True).order_by("kind", "name")

    def cleaned_filters(self) -> dict:
        """{field: chosen object} for the valid choices only."""
        if not self.is_bound:
            return {}
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {name: data[name] for name in self.FIELDS if data.get(name) is not None}

    def entry_filters(self, chosen: dict) -> dict:
        return {self.FIELDS[name]: value for name, value in chosen.items()}
