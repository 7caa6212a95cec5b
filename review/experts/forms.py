from django import forms
from django.utils.translation import gettext_lazy as _

from portal.accounts.models import User
from portal.campaigns.models import AwardLevel
from review.experts.services import REASON_MAX_CHARS

NO_AWARD = "none"


def _reason_field(required=True, label=None):
    label = _("原因") if label is None else label
    return forms.CharField(label=label, required=required, max_length=REASON_MAX_CHARS,
                           widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}))


class ReasonForm(forms.Form):
    reason = _reason_field()


class ConflictForm(forms.Form):
    reason = _reason_field(label=_("回避原因"))


class AssignExpertForm(forms.Form):
    """The committee adds one expert to an entry; only eligible experts are offered."""

    expert = forms.ModelChoiceField(label=_("评审专家"), queryset=User.objects.none(),
                                    widget=forms.Select(attrs={"class": "form-select"}))
    reason = _reason_field(label=_("指定原因"))

    def __init__(self, *args, experts=None, **kwargs):
        super().__init__(*args, **kwargs)
        if experts is not None:
            self.fields["expert"].queryset = experts
        self.fields["expert"].label_from_instance = lambda user: user.get_full_name()


class AwardForm(forms.Form):
    """A work award set by hand: one of the campaign's WORK levels, or no award; always with a reason."""

    level = forms.ChoiceField(label=_("奖项等次"), widget=forms.Select(attrs={"class": "form-select"}))
    reason = _reason_field(label=_("调整原因"))

    def __init__(self, *args, levels=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.levels = {str(level.pk): level for level in levels}
        self.fields["level"].choices = [(key, level.name) for key, level in self.levels.items()] + [
            (NO_AWARD, _("不授奖"))]

    def chosen_level(self) -> AwardLevel | None:
        return self.levels.get(self.cleaned_data["level"])


class OrganisationAwardForm(AwardForm):
    reason = _reason_field(required=False, label=_("调整原因（改变拟定结果时必填）"))


class ResolveTieForm(forms.Form):
    """The committee accepts one tie at an award cut-off as it stands, with a reason."""

    digest = forms.CharField(max_length=64, widget=forms.HiddenInput)
    reason = _reason_field(label=_("处理理由"))


class ConfirmResultsForm(forms.Form):
    """The lock; `reason` only when the checklist has open items (then required by the service)."""

    reason = _reason_field(required=False, label=_("在检查未完成的情况下锁定的理由"))
    checklist = forms.CharField(max_length=64, required=False, widget=forms.HiddenInput)


class AssignmentFilterForm(forms.Form):
    """Search and filters of the committee's 专家分配 page (GET); an invalid value is ignored."""

    STATUS_CHOICES = [
        ("", _("全部状态")),
        ("short", _("专家人数不足")),
        ("full", _("专家已满")),
        ("incomplete", _("评分未齐")),
        ("unscored", _("尚无评分")),
        ("conflicts", _("有专家申请回避")),
    ]

    q = forms.CharField(label=_("搜索"), required=False, max_length=100, widget=forms.TextInput(attrs={
        "class": "form-control", "type": "search", "placeholder": _("作品编号、照片名称或专家姓名")}))
    union = forms.TypedChoiceField(label=_("推荐市或产业"), required=False, coerce=int, empty_value=None,
                                   widget=forms.Select(attrs={"class": "form-select", "data-autosubmit": "1"}))
    expert = forms.TypedChoiceField(label=_("评审专家"), required=False, coerce=int, empty_value=None,
                                    widget=forms.Select(attrs={"class": "form-select", "data-autosubmit": "1"}))
    status = forms.ChoiceField(label=_("状态"), required=False, choices=STATUS_CHOICES,
                               widget=forms.Select(attrs={"class": "form-select", "data-autosubmit": "1"}))

    def __init__(self, *args, unions=(), experts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["union"].choices = [("", _("全部市/产业"))] + [(node.pk, node.name) for node in unions]
        self.fields["expert"].choices = [("", _("全部专家"))] + [(user.pk, user.get_full_name()) for user in experts]

    def filters(self) -> dict:
        """The valid values only: a tampered or stale parameter is dropped, never an error."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {name: value for name, value in getattr(self, "cleaned_data", {}).items() if value not in ("", None)}
