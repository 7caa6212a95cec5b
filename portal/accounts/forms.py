from django import forms
from django.contrib.auth.forms import PasswordResetForm, UserCreationForm
from django.utils.translation import gettext_lazy as _

from portal.accounts.models import User
from portal.directory.models import OrgNode
from portal.directory.widgets import UnitSearchWidget

PHONE_VALIDATOR_MESSAGE = _("请输入有效的联系电话（手机号或带区号的固定电话）。")
USERNAME_HELP_TEXT = _("登录时使用，最多150个字符，可用字母、数字和 @ . + - _ 符号，例如手机号或姓名拼音。")
USERNAME_INVALID_MESSAGE = _("用户名只能包含字母、数字和 @ . + - _ 符号。")
PASSWORD_HELP_TEXT = _("至少8个字符，不能全是数字，不能是常见密码，也不要与用户名或姓名相近。")
EMAIL_TAKEN_MESSAGE = _("该电子信箱已用于另一个账号。每个信箱只能注册一个账号；如忘记密码，请使用“忘记密码”。")


def email_in_use(email: str, *, exclude_pk=None) -> bool:
    """Whether another account already has this e-mail (case-insensitive)."""
    users = User.objects.filter(email__iexact=email.strip())
    if exclude_pk is not None:
        users = users.exclude(pk=exclude_pk)
    return users.exists()


class SignupForm(UserCreationForm):
    full_name = forms.CharField(label=_("姓名"), max_length=50,
                                help_text=_("真实姓名，作品只限一名作者。"))
    phone = forms.RegexField(label=_("联系电话"), regex=r"^[0-9+\-() ]{7,20}$",
                             error_messages={"invalid": PHONE_VALIDATOR_MESSAGE})
    email = forms.EmailField(label=_("电子信箱"), required=False,
                             help_text=_("用于找回密码和接收评选通知；一个信箱只能注册一个账号。"))
    unit = forms.ModelChoiceField(
        label=_("作者单位"), queryset=OrgNode.objects.units(), widget=UnitSearchWidget,
        help_text=_("从组织目录中选择单位全称（单位名称不得使用简称）；输入关键字搜索。"),
        error_messages={"invalid_choice": _("请从组织目录中选择基层单位。")},
    )

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "full_name", "phone", "email")
        labels = {"username": _("用户名")}
        help_texts = {"username": USERNAME_HELP_TEXT}
        error_messages = {"username": {"invalid": USERNAME_INVALID_MESSAGE}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Our own wording instead of Django's list of validator texts (issue 11.6).
        self.fields["password1"].label = _("密码")
        self.fields["password1"].help_text = PASSWORD_HELP_TEXT
        self.fields["password2"].label = _("确认密码")
        self.fields["password2"].help_text = _("再输入一次同样的密码。")

    def clean_email(self):
        email = self.cleaned_data.get("email", "").strip()
        # One account per e-mail, so one password-reset request mails one account (issue 12.12).
        if email and email_in_use(email):
            raise forms.ValidationError(EMAIL_TAKEN_MESSAGE, code="email_taken")
        return email

    def _post_clean(self):
        # Django puts the password validators' errors under the confirmation field; people look for them
        # under 密码, where the password was typed (issue 11.6). A mismatch stays under 确认密码.
        forms.models.BaseModelForm._post_clean(self)  # the model form's own checks, not the parent's
        self.validate_password_for_user(self.instance, password_field_name="password1")  # noqa: S106 - a field name


class SingleAccountPasswordResetForm(PasswordResetForm):
    """Mails at most one account per address, even for addresses shared before sign-up checked them."""

    def get_users(self, email):
        users = list(super().get_users(email))
        # The account used most recently (never-used accounts last, then the oldest).
        users.sort(key=lambda user: (user.last_login is None, -(user.last_login.timestamp() if user.last_login else 0), user.pk))
        return users[:1]
