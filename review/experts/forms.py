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
