"""The province's forms to open and configure a competition: its settings (shaped by the model's fields;
ankang.setup checks the rules) and its nomination quotas, one number per level and award kind."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ankang.models import Competition
from ankang.nomination_enums import AwardKind, NominationLevel
from ankang.setup import DATE_FIELDS, FIELDS


class CompetitionForm(forms.ModelForm):
    class Meta:
        model = Competition
        fields = FIELDS
        widgets = {name: forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d") for name in DATE_FIELDS} | {
            "organisers": forms.Textarea(attrs={"rows": 3}), "basis": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["calendar"].empty_label = None
        self.fields["score_template"].empty_label = None

    def validate_unique(self):
        # One competition per year and organising union: the service answers it (the place is not a field).
        pass


def quota_field_name(level: str, kind: str) -> str:
    return f"quota_{level}_{kind}"


class QuotaForm(forms.Form):
    """名额 of every level and award kind; a blank field removes the quota (the step is then refused)."""

    def __init__(self, *args, caps: dict[tuple[str, str], int], **kwargs):
        super().__init__(*args, **kwargs)
        for level, level_label in NominationLevel.choices:
            for kind, kind_label in AwardKind.choices:
                self.fields[quota_field_name(level, kind)] = forms.IntegerField(
                    label=f"{level_label}·{kind_label}", min_value=0, max_value=10_000, required=False,
                    initial=caps.get((level, kind)))

    def caps(self) -> dict[tuple[str, str], int | None]:
        return {(level, kind): self.cleaned_data[quota_field_name(level, kind)]
                for level in NominationLevel.values for kind in AwardKind.values}

    def rows(self):
        """The fields grouped by level, for a table of levels × award kinds."""
        return [(label, [self[quota_field_name(level, kind)] for kind in AwardKind.values])
                for level, label in NominationLevel.choices]


class GradesForm(forms.Form):
    """表彰等次, one per line from the highest; ankang.setup.set_grades checks them."""

    names = forms.CharField(label=_("表彰等次"), widget=forms.Textarea(attrs={"rows": 4}), max_length=500,
                            help_text=_("每行一个，从高到低；已用于表彰名单的等次不能删除。"))

    def grade_names(self) -> list[str]:
        return self.cleaned_data["names"].splitlines()
