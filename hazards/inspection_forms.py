"""The inspection pages' forms: the phone-first round (the checklist, then 未发现隐患 or one finding), a
further finding, and the filters of the plan and compliance lists."""

from django import forms
from django.utils.translation import gettext_lazy as _

from hazards.enums import ChecklistAnswer, HazardCategory, InspectionLevel
from hazards.forms import MultipleFileInput, MultipleJpegField
from hazards.inspections import Finding

TEXT = {"rows": 3}


class FindingFields(forms.Form):
    """A hazard found on the round: what, where, which kind, its photos (the ledger's report rules)."""

    category = forms.ChoiceField(label=_("隐患类别"), required=False, choices=[("", "—"), *HazardCategory.choices])
    description = forms.CharField(label=_("隐患内容"), max_length=2000, required=False,
                                  widget=forms.Textarea(attrs=TEXT))
    location = forms.CharField(label=_("隐患地点"), max_length=200, required=False)
    photos = MultipleJpegField(label=_("隐患照片"), required=False, help_text=_("可直接拍照，JPEG格式。"),
                               widget=MultipleFileInput(attrs={"accept": "image/jpeg"}))

    def finding(self) -> Finding | None:
        data = self.cleaned_data
        if not any(data.get(name) for name in ("category", "description", "location", "photos")):
            return None
        return Finding(category=data.get("category", ""), description=data.get("description", ""),
                       location=data.get("location", ""), photos=data.get("photos") or [])


class FindingForm(FindingFields):
    def clean(self):
        data = super().clean()
        if self.finding() is None:
            raise forms.ValidationError(_("请填写发现的隐患。"))
        return data


class RoundForm(FindingFields):
    """One radio row per checklist item (符合 preselected: a clean round is the checklist and one tap)."""

    no_hazard = forms.BooleanField(label=_("未发现隐患"), required=False)
    note = forms.CharField(label=_("说明"), max_length=2000, required=False, widget=forms.Textarea(attrs=TEXT))

    field_order = ["no_hazard", "category", "description", "location", "photos", "note"]

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(items)
        checklist = {f"item_{index}": forms.ChoiceField(label=f"{index + 1}. {item}", choices=ChecklistAnswer.choices,
                                                        initial=ChecklistAnswer.OK, widget=forms.RadioSelect)
                     for index, item in enumerate(self.items)}
        self.fields = {**checklist, **self.fields}

    def answers(self) -> dict:
        return {index: self.cleaned_data[f"item_{index}"] for index in range(len(self.items))}

    def clean(self):
        data = super().clean()
        if not data.get("no_hazard") and self.finding() is None:
            raise forms.ValidationError(_("请登记发现的隐患，或勾选“未发现隐患”。"))
        return data


class PlanFilterForm(forms.Form):
    q = forms.CharField(label=_("搜索"), required=False, max_length=100)
    level = forms.ChoiceField(label=_("层级"), required=False, choices=[("", _("全部层级")), *InspectionLevel.choices])


class SetupForm(forms.Form):
    unit = forms.IntegerField(widget=forms.HiddenInput)
