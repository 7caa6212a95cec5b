"""The forms of the returns' pages. Values are posted as text and checked by the services (one place for
the rules, one Chinese message per failure); the forms only shape the input."""

from django import forms
from django.utils.translation import gettext_lazy as _

from returns.enums import ReturnState
from returns.presenters import StatRow
from returns.services import CellInput


class ReturnFilterForm(forms.Form):
    q = forms.CharField(label=_("单位名称"), required=False, max_length=100)
    state = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("全部")), *ReturnState.choices])


class CellsForm(forms.Form):
    """One text field per cell the filer fills (typed) and, for computed cells, a value and a reason."""

    def __init__(self, *args, rows: list[StatRow], **kwargs):
        super().__init__(*args, **kwargs)
        self.editable = []
        for row in rows:
            for view in row.cells:
                if view.derived or not view.own:
                    continue
                initial = "" if view.row.value is None else format(view.row.value.normalize(), "f")
                self.fields[f"v_{view.code}"] = forms.CharField(label=view.cell.label, required=False, max_length=30,
                                                                initial=initial)
                if view.computed:
                    self.fields[f"r_{view.code}"] = forms.CharField(
                        label=_("修改理由"), required=False, max_length=500, initial=view.row.override_reason)
                self.editable.append(view.code)

    def inputs(self):
        data = self.cleaned_data
        return {code: CellInput(data.get(f"v_{code}"), data.get(f"r_{code}", "") or "") for code in self.editable}


class FileForm(forms.Form):
    filed_on = forms.DateField(label=_("填报日期"), widget=forms.DateInput(attrs={"type": "date"}))
    scan = forms.FileField(label=_("盖章件扫描（JPEG，可选）"), required=False)
    confirm = forms.BooleanField(label=_("已核对，报送后不能修改"))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("理由"), widget=forms.Textarea(attrs={"rows": 2}), max_length=1000)


class ScoresForm(forms.Form):
    """A score and a note (or review comment) per criterion."""

    def __init__(self, *args, scores, review: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.ids = []
        for score in scores:
            value = score.review_score if review else score.self_score
            note = score.review_comment if review else score.note
            self.fields[f"s_{score.criterion_id}"] = forms.CharField(
                label=score.criterion.text, required=False, max_length=10,
                initial="" if value is None else format(value.normalize(), "f"))
            self.fields[f"n_{score.criterion_id}"] = forms.CharField(
                label=_("审核意见") if review else _("说明"), required=False, max_length=500, initial=note)
            self.ids.append(score.criterion_id)

    def scores(self):
        data = self.cleaned_data
        return {pk: (data.get(f"s_{pk}"), data.get(f"n_{pk}", "") or "") for pk in self.ids}


class EvidenceForm(forms.Form):
    criterion = forms.IntegerField(widget=forms.HiddenInput)
    photo = forms.FileField(label=_("佐证照片或扫描件（JPEG）"))
    caption = forms.CharField(label=_("说明"), required=False, max_length=100)
