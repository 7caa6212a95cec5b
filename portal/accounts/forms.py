from django import forms
from django.contrib.auth.forms import UserCreationForm
from django.utils.translation import gettext_lazy as _

from portal.accounts.models import User
from portal.directory.models import OrgNode
from portal.directory.widgets import UnitSearchWidget

PHONE_VALIDATOR_MESSAGE = _("请输入有效的联系电话（手机号或带区号的固定电话）。")


class SignupForm(UserCreationForm):
    full_name = forms.CharField(label=_("姓名"), max_length=50,
                                help_text=_("真实姓名，作品只限一名作者。"))
    phone = forms.RegexField(label=_("联系电话"), regex=r"^[0-9+\-() ]{7,20}$",
                             error_messages={"invalid": PHONE_VALIDATOR_MESSAGE})
    email = forms.EmailField(label=_("电子信箱"), required=False)
    unit = forms.ModelChoiceField(
        label=_("作者单位"), queryset=OrgNode.objects.units(), widget=UnitSearchWidget,
        help_text=_("从组织目录中选择单位全称（单位名称不得使用简称）；输入关键字搜索。"),
        error_messages={"invalid_choice": _("请从组织目录中选择基层单位。")},
    )

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "full_name", "phone", "email")
