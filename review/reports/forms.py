from django import forms
from django.utils.translation import gettext_lazy as _

from portal.directory.models import OrgNode
from review.reports.models import StatisticsReport
from review.reports.statistics import FIGURES
from submissions.enums import NOT_TAKING_PART, EntryState


class StatisticsReportForm(forms.ModelForm):
    """附件3 of one union: six figures and a note; the service checks the rest."""

    class Meta:
        model = StatisticsReport
        fields = ["participating_units", "teams_covered", "participants", "hazards_found", "hazards_rectified",
                  "other", "note"]
        widgets = {
            "note": forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
            "other": forms.TextInput(attrs={"class": "form-control"}),
            **{figure.name: forms.NumberInput(attrs={"min": 0, "inputmode": "numeric", "class": "form-control"})
               for figure in FIGURES},
        }


class ScopeForm(forms.Form):
    """The dashboard's optional narrowing to one union; a bad value only drops the filter."""

    union = forms.ModelChoiceField(label=_("市/产业工会"), queryset=OrgNode.objects.none(), required=False,
                                   empty_label=_("全部"), widget=forms.Select(attrs={"class": "form-select"}))

    def __init__(self, data, *, unions):
        super().__init__(data)
        self.fields["union"].queryset = unions


STAGE_RECOMMENDED = "recommended"
STAGE_ALL = "all"


class EntryPickForm(forms.Form):
    """The filters of the entry list from which entries are ticked for an export."""

    union = forms.ModelChoiceField(label=_("市/产业工会"), queryset=OrgNode.objects.none(), required=False,
                                   empty_label=_("全部"), widget=forms.Select(attrs={"class": "form-select"}))
    stage = forms.ChoiceField(label=_("范围"), required=False, widget=forms.Select(attrs={"class": "form-select"}),
                              choices=[(STAGE_RECOMMENDED, _("已推荐省级评审")), (STAGE_ALL, _("全部可见作品"))])
    state = forms.ChoiceField(label=_("状态"), required=False, widget=forms.Select(attrs={"class": "form-select"}),
                              choices=[("", _("全部状态")), *[
                                  choice for choice in EntryState.choices
                                  if choice[0] not in NOT_TAKING_PART]])

    def __init__(self, data, *, unions):
        super().__init__(data)
        self.fields["union"].queryset = unions

    def filters(self) -> dict:
        if not self.is_valid():
            # Keep the fields that are valid: a bad value drops only its own filter.
            return {name: value for name, value in getattr(self, "cleaned_data", {}).items() if value}
        return {name: value for name, value in self.cleaned_data.items() if value}
