from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.accounts.forms import PHONE_VALIDATOR_MESSAGE
from portal.directory.models import OrgNode
from portal.directory.widgets import UnitSearchWidget
from submissions.completeness import TEXT_LIMITS
from submissions.enums import PhotoKind
from submissions.models import Entry

DECLARATION_TEXT = _("本作品为本人原创，情况属实，特此申明。")
PHONE_PATTERN = r"^[0-9+\-() ]{7,20}$"
# What an empty select offers instead of Django's "---------".
EMPTY_CHOICE = _("请选择…")


def count_chars(text: str) -> int:
    """Characters as the page's counter counts them: code points, a line break (CRLF) as one."""
    return len((text or "").replace("\r\n", "\n"))


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class EntryFieldsForm(forms.ModelForm):
    """The author's form of the 附件1 fields (the printed 附件1 itself is review.reports.fujian1.EntryForm).
    A draft may be incomplete: only author name and unit are needed to save it."""

    unit = forms.ModelChoiceField(
        label=_("作者单位"), queryset=OrgNode.objects.units(), widget=UnitSearchWidget,
        help_text=_("从组织目录中选择单位全称（单位名称不得使用简称）；输入关键字搜索。"),
        error_messages={"invalid_choice": _("请从组织目录中选择基层单位。"),
                        "required": _("请从组织目录中选择作者单位。")},
    )
    contact_phone = forms.RegexField(label=_("联系电话"), regex=PHONE_PATTERN, required=False, max_length=30,
                                     error_messages={"invalid": PHONE_VALIDATOR_MESSAGE})
    declaration_accepted = forms.BooleanField(label=DECLARATION_TEXT, required=False)

    class Meta:
        model = Entry
        fields = [
            "title", "author_name", "unit", "contact_address", "contact_phone", "contact_email",
            "industry", "category", "taken_on", "location", "hazard", "suggestion", "rectification_note",
            "description", "declaration_accepted", "declaration_name", "declaration_date",
        ]
        widgets = {
            "taken_on": DateInput(),
            "declaration_date": DateInput(),
            "category": forms.RadioSelect(),
            "hazard": forms.Textarea(attrs={"rows": 3}),
            "suggestion": forms.Textarea(attrs={"rows": 3}),
            "rectification_note": forms.Textarea(attrs={"rows": 3}),
            "description": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "title": _("照片主题名称，如“配电箱门未上锁”。"),
            "taken_on": _("上传第一幅隐患照片后，如照片带有拍摄时间且此处未填，将自动填写。"),
            "declaration_name": _("请输入作者本人姓名，作为签名。"),
        }

    def __init__(self, *args, campaign, user, **kwargs):
        self.campaign = campaign
        super().__init__(*args, **kwargs)
        self.fields["industry"].queryset = campaign.industries.all()
        self.fields["category"].queryset = campaign.hazard_categories.all()
        self.fields["category"].empty_label = None
        self.fields["author_name"].help_text = _("单个案例作者只限一人。")
        self.fields["declaration_name"].label = _("申明人签名")
        self.fields["industry"].empty_label = self.fields["unit"].empty_label = EMPTY_CHOICE
        for name, setting in TEXT_LIMITS.items():
            limit = getattr(campaign, setting)
            field = self.fields[name]
            field.help_text = _("不超过%(max)d字。") % {"max": limit}
            # The counter script reads the limit; the server check in _clean_text is the authority.
            field.widget.attrs.update({
                "data-char-limit": limit, "data-char-counter": _("已输入 {used} / {limit} 字"),
                "data-char-over": _("，超出 {over} 字"),
            })
        if not self.instance.pk:
            self.initial.setdefault("author_name", user.get_full_name())
            self.initial.setdefault("unit", user.worker_unit.pk if user.worker_unit else None)
            self.initial.setdefault("contact_phone", user.phone)
            self.initial.setdefault("contact_address", user.address)
            self.initial.setdefault("contact_email", user.email)
            self.initial.setdefault("declaration_date", timezone.localdate())

    def clean_author_name(self):
        name = self.cleaned_data["author_name"].strip()
        # One author per entry (单个案例作者只限一人): a list of names is the most common mistake. Spaces
        # and "·" stay allowed: they occur inside one person's name (买买提·艾力).
        if any(separator in name for separator in ("、", ",", "，", ";", "；", "/", "\\")):
            raise forms.ValidationError(_("作者只限一人，请只填写一位作者的姓名。"))
        return name

    def clean_unit(self):
        unit = self.cleaned_data["unit"]
        if unit.selection_union is None:
            raise forms.ValidationError(_("该单位在组织目录中没有上级市总工会或产业工会，请联系活动组委会办公室。"))
        return unit

    def _clean_text(self, name):
        # Browsers send line breaks as CRLF but count them as one character; so do we.
        text = self.cleaned_data[name].replace("\r\n", "\n")
        limit = getattr(self.campaign, TEXT_LIMITS[name])
        if count_chars(text) > limit:
            raise forms.ValidationError(
                _("%(field)s不超过%(max)d字（现为%(count)d字）。"), code="max_chars",
                params={"field": Entry._meta.get_field(name).verbose_name, "max": limit, "count": count_chars(text)})
        return text

    def clean_description(self):
        return self._clean_text("description")

    def clean_hazard(self):
        return self._clean_text("hazard")

    def clean_suggestion(self):
        return self._clean_text("suggestion")

    def clean_rectification_note(self):
        return self._clean_text("rectification_note")

    def clean_taken_on(self):
        taken_on = self.cleaned_data["taken_on"]
        if taken_on and taken_on > timezone.localdate():
            raise forms.ValidationError(_("拍摄时间不能晚于今天。"))
        return taken_on


class PhotoUploadForm(forms.Form):
    """The no-JavaScript path of a photo upload; the script posts the same fields one file at a time."""

    kind = forms.ChoiceField(choices=PhotoKind.choices)
    replace = forms.IntegerField(required=False, min_value=1)


class PhotoMoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", _("上移")), ("down", _("下移"))])
