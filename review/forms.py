from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.campaigns.enums import AwardKind
from portal.campaigns.models import AwardLevel
from review.enums import QueueSort, QueueStage
from review.services import REASON_MAX_CHARS
from submissions.enums import NOT_TAKING_PART, EntryState

YES_NO = [("", _("不限")), ("yes", _("是")), ("no", _("否"))]
GRADE_NONE = "none"
BULK_MAX = 100


def work_levels(campaign):
    return AwardLevel.objects.filter(campaign=campaign, kind=AwardKind.WORK).order_by("rank")


class QueueFilterForm(forms.Form):
    """The queue's filters; every field is optional and a bad value only drops that filter."""

    stage = forms.ChoiceField(label=_("范围"), choices=QueueStage.choices, required=False)
    state = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("全部状态")), *[
        choice for choice in EntryState.choices if choice[0] not in NOT_TAKING_PART]])
    category = forms.ModelChoiceField(label=_("隐患类别"), queryset=None, required=False, empty_label=_("全部类别"))
    industry = forms.ModelChoiceField(label=_("所属行业"), queryset=None, required=False, empty_label=_("全部行业"))
    d_min = forms.DecimalField(label=_("D 最低"), required=False, min_value=Decimal(0), max_value=Decimal(100),
                               max_digits=8, decimal_places=5)
    d_max = forms.DecimalField(label=_("D 最高"), required=False, min_value=Decimal(0), max_value=Decimal(100),
                               max_digits=8, decimal_places=5)
    grade = forms.ChoiceField(label=_("本级等次"), required=False)
    rectified = forms.ChoiceField(label=_("有整改后照片"), choices=YES_NO, required=False)
    duplicate = forms.ChoiceField(label=_("照片重复"), choices=YES_NO, required=False)
    near_duplicate = forms.ChoiceField(label=_("疑似重复"), choices=YES_NO, required=False)
    q = forms.CharField(label=_("搜索"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"placeholder": _("照片名称、作者、单位或编号")}))
    sort = forms.ChoiceField(label=_("排序"), choices=QueueSort.choices, required=False)

    def __init__(self, *args, campaign, levels, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = campaign.hazard_categories.all()
        self.fields["industry"].queryset = campaign.industries.all()
        self.fields["grade"].choices = [("", _("不限")), (GRADE_NONE, _("未评定")),
                                        *[(str(level.pk), level.name) for level in levels]]
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs["class"] = css

    def filters(self) -> dict:
        """The valid filters only: a field with a bad value is left out instead of failing the page."""
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value not in (None, "")}


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("原因/意见"), required=False, max_length=REASON_MAX_CHARS,
                             widget=forms.Textarea(attrs={"rows": 3}))
    tier = forms.IntegerField(required=False, widget=forms.HiddenInput)


class GradeForm(forms.Form):
    tier = forms.IntegerField(widget=forms.HiddenInput)
    award_level = forms.ModelChoiceField(label=_("等次"), queryset=None, required=False,
                                         empty_label=_("（清除等次）"))

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["award_level"].queryset = work_levels(campaign)


class BulkForm(forms.Form):
    ACTIONS = [("forward", _("批量推荐/报送")), ("grade", _("批量评定等次"))]

    action = forms.ChoiceField(choices=ACTIONS)
    ids = forms.TypedMultipleChoiceField(coerce=int, choices=[], error_messages={
        "required": _("请先勾选作品。"), "invalid_choice": _("所选作品无效。")})
    award_level = forms.ModelChoiceField(queryset=None, required=False)

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["award_level"].queryset = work_levels(campaign)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") == "grade" and cleaned.get("award_level") is None:
            raise forms.ValidationError(_("请选择要评定的等次。"))
        return cleaned

    def full_clean(self):
        # The choices of `ids` are whatever positive integers were posted (the scope check comes later).
        raw = self.data.getlist("ids") if hasattr(self.data, "getlist") else self.data.get("ids", [])
        self.fields["ids"].choices = [(value, value) for value in raw[:BULK_MAX] if str(value).isdigit()]
        super().full_clean()
        if not self.errors and len(raw) > BULK_MAX:
            self.add_error("ids", _("一次最多处理%(max)d件作品。") % {"max": BULK_MAX})
