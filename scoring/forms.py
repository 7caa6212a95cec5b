from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.campaigns.models import HazardCategory, Industry
from scoring.formula import SCALE_CODES, InvalidOption, choices_for, get_scale, hazard_score

FACTOR_FIELDS = tuple(code.lower() for code in SCALE_CODES)

# No option is longer than 4 characters; a longer posted value is tampering and is not echoed in full.
_MAX_SHOWN = 20


class ScaleField(forms.ChoiceField):
    """One factor of the paper form: a radio group of the scale's options, cleaned to the option's Decimal.

    Validation goes through the scale itself (not string matching of the choices), so the error is the
    scale's own Chinese message, e.g. "可能造成事故后果（C）的取值 21 不在选项中".
    """

    def __init__(self, code: str, **kwargs):
        self.scale = get_scale(code)
        kwargs.setdefault("label", format_lazy("{} {}", self.scale.name, code))
        kwargs.setdefault("help_text", self.scale.help_text)
        # btn-check: the native radio stays focusable for keyboards and screen readers, the label is drawn.
        widget = forms.RadioSelect(attrs={"class": "btn-check", "autocomplete": "off", "data-factor": code})
        super().__init__(choices=choices_for(code), widget=widget, **kwargs)

    def clean(self, value) -> Decimal:
        text = "" if value is None else str(value)
        if not text.strip():
            raise ValidationError(
                gettext("请选择%(name)s（%(code)s）。") % {"name": self.scale.name, "code": self.scale.code},
                code="required")
        if len(text) > _MAX_SHOWN:
            raise ValidationError(str(InvalidOption(self.scale, text[:_MAX_SHOWN] + "…")), code="invalid_option")
        try:
            return self.scale.option_for(text).value
        except InvalidOption as exc:
            raise ValidationError(str(exc), code="invalid_option") from None


class AssessmentForm(forms.Form):
    """The 隐患举报价值评价 block of 附件1: one ticked option per factor; D = L×E×C×X×Y."""

    l = ScaleField("L")  # noqa: E741 - the notice names the factor L
    e = ScaleField("E")
    c = ScaleField("C")
    x = ScaleField("X")
    y = ScaleField("Y")
    comment = forms.CharField(label=_("评价意见"), required=False, max_length=1000,
                              widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}))

    def __init__(self, *args, assessment=None, **kwargs):
        if assessment is not None and "initial" not in kwargs:
            # The radio values are the options as printed ("1.5"), not the column's "1.50".
            kwargs["initial"] = {
                **{field: str(get_scale(code).option_for(getattr(assessment, field)).value)
                   for code, field in zip(SCALE_CODES, FACTOR_FIELDS, strict=True)},
                "comment": assessment.comment,
            }
        super().__init__(*args, **kwargs)

    @property
    def factor_fields(self):
        """The five bound radio groups in formula order, for the template."""
        return [self[field] for field in FACTOR_FIELDS]

    def clean(self):
        cleaned = super().clean()
        if all(field in cleaned for field in FACTOR_FIELDS):
            cleaned["d"] = hazard_score(*(cleaned[field] for field in FACTOR_FIELDS))
        return cleaned

    def factor_values(self) -> dict[str, Decimal]:
        """{"l": Decimal("2"), ...} for scoring.services.assess_entry; only after is_valid()."""
        return {field: self.cleaned_data[field] for field in FACTOR_FIELDS}


class RankingFilterForm(forms.Form):
    """Optional filters of the ranking; a value that does not exist is ignored, never an error page."""

    category = forms.ModelChoiceField(label=_("隐患类别"), queryset=HazardCategory.objects.none(), required=False,
                                      empty_label=_("全部类别"), widget=forms.Select(attrs={"class": "form-select"}))
    industry = forms.ModelChoiceField(label=_("所属行业"), queryset=Industry.objects.none(), required=False,
                                      empty_label=_("全部行业"), widget=forms.Select(attrs={"class": "form-select"}))

    def __init__(self, *args, campaign=None, **kwargs):
        super().__init__(*args, **kwargs)
        if campaign is not None:
            self.fields["category"].queryset = campaign.hazard_categories.all()
            self.fields["industry"].queryset = campaign.industries.all()

    def filters(self) -> dict:
        """Entry filter kwargs for the valid choices only."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {field: value for field, value in self.cleaned_data.items() if value is not None}
