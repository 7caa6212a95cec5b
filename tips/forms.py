"""The tips' forms: the public report (phone first, with a CAPTCHA), the receipt lookup and the reporter's
message, objection and claim."""

from captcha.fields import CaptchaField
from django import forms
from django.utils.translation import gettext_lazy as _

from hazards.enums import HazardCategory
from hazards.forms import MultipleFileInput, MultipleJpegField
from portal.directory.enums import NodeKind
from portal.directory.models import OrgNode
from portal.directory.widgets import UnitSearchWidget
from tips.enums import RESULT_STATES, AccidentClass, Disclosure, RejectReason, TipMatter, TipState

TEXT = {"rows": 4}


class TipForm(forms.Form):
    matter = forms.ChoiceField(label=_("举报事项"), choices=TipMatter.choices, widget=forms.RadioSelect)
    photos = MultipleJpegField(label=_("现场照片"), help_text=_("可直接拍照，1至9幅，JPEG格式。"),
                               widget=MultipleFileInput(attrs={"accept": "image/jpeg"}))
    description = forms.CharField(label=_("举报内容"), max_length=4000, widget=forms.Textarea(attrs=TEXT),
                                  help_text=_("写明隐患或违法行为的具体情况、位置和时间。"))
    unit = forms.ModelChoiceField(label=_("被举报单位（从单位目录中选择）"), queryset=OrgNode.objects.units(),
                                  widget=UnitSearchWidget, required=False)
    place_text = forms.CharField(label=_("或填写单位名称和地点"), max_length=200, required=False)
    area = forms.ModelChoiceField(label=_("所在市或县（自填地点时必选）"), required=False,
                                  queryset=OrgNode.objects.filter(kind__in=(NodeKind.CITY, NodeKind.COUNTY)))
    happened_on = forms.DateField(label=_("发生或发现日期"), required=False,
                                  widget=forms.DateInput(attrs={"type": "date"}))
    disclosure = forms.ChoiceField(label=_("身份"), choices=Disclosure.choices, widget=forms.RadioSelect,
                                   initial=Disclosure.ANONYMOUS_RECEIPT,
                                   help_text=_("实名或匿名均受保护：您的身份加密保存，受理人员和被举报单位都看不到。"))
    name = forms.CharField(label=_("姓名（实名时填写）"), max_length=40, required=False)
    phone = forms.CharField(label=_("联系电话（实名时填写）"), max_length=20, required=False)
    identifying = forms.CharField(label=_("需要保密的补充说明（可选）"), max_length=1000, required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}),
                                  help_text=_("如您与被举报单位的关系等可能暴露身份的内容，写在这里将加密保存。"))
    passcode = forms.CharField(label=_("查询密码（可选）"), max_length=64, required=False,
                               widget=forms.PasswordInput(render_value=False),
                               help_text=_("设置后，查询进度和领取奖励须同时输入回执码和此密码。"))
    captcha = CaptchaField(label=_("验证码"), error_messages={"invalid": _("验证码不正确，请重新输入。")})


class LookupForm(forms.Form):
    receipt = forms.CharField(label=_("回执码"), max_length=32, widget=forms.TextInput(
        attrs={"autocomplete": "off", "autocapitalize": "characters", "placeholder": "XXXX-XXXX-XXXX-XXXX"}))
    passcode = forms.CharField(label=_("查询密码（如设置过）"), max_length=64, required=False,
                               widget=forms.PasswordInput)


class MessageForm(forms.Form):
    text = forms.CharField(label=_("留言"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class ReporterMessageForm(MessageForm):
    """The reporter's message: read by the handlers in plain text (they need it to work the case), so the
    form warns against typing anything that identifies the reporter; the sealed field is on the report."""

    text = forms.CharField(
        label=_("留言"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("留言由受理人员直接阅读，不加密保存。请勿填写姓名、电话、工号、住址、岗位等可能暴露您身份的内容。"))


class ObjectionForm(forms.Form):
    text = forms.CharField(label=_("异议内容"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class ClaimForm(forms.Form):
    name = forms.CharField(label=_("收款人姓名"), max_length=40)
    account = forms.CharField(label=_("收款账号"), max_length=40)
    bank = forms.CharField(label=_("开户银行"), max_length=60, required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    declared = forms.BooleanField(label=_("本人声明：不是被举报单位负有安全生产职责的人员，也不是其近亲属。"))


# --- the staff's tip page: one small form per action ------------------------------------------------------


class EmptyForm(forms.Form):
    pass


class RejectForm(forms.Form):
    reason = forms.ChoiceField(label=_("不予受理理由"), choices=[
        (value, label) for value, label in RejectReason.choices if value != RejectReason.DUPLICATE])
    note = forms.CharField(label=_("说明"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class UnitForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("被举报单位"), queryset=OrgNode.objects.units(), widget=UnitSearchWidget)


class DuplicateForm(forms.Form):
    original = forms.CharField(label=_("首次举报编号"), max_length=20)


class ExtendForm(forms.Form):
    days = forms.IntegerField(label=_("延长天数"), min_value=1, max_value=365)
    reason = forms.CharField(label=_("延期理由（将告知举报人）"), max_length=1000,
                             widget=forms.Textarea(attrs={"rows": 2}))


class ConcludeForm(forms.Form):
    result = forms.ChoiceField(label=_("核查结果"), choices=[(s, TipState(s).label) for s in RESULT_STATES])
    conclusion = forms.CharField(label=_("核查结论"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    fine_amount = forms.DecimalField(label=_("罚款金额（元）"), required=False, min_value=0, decimal_places=2)
    fine_reference = forms.CharField(label=_("处罚决定书文号"), required=False, max_length=100)
    concealed_deaths = forms.IntegerField(label=_("瞒报死亡人数"), required=False, min_value=0)
    accident_class = forms.ChoiceField(label=_("事故等级"), required=False,
                                       choices=[("", "—"), *AccidentClass.choices])


class FactsForm(forms.Form):
    fine_amount = forms.DecimalField(label=_("罚款金额（元）"), required=False, min_value=0, decimal_places=2)
    fine_reference = forms.CharField(label=_("处罚决定书文号"), required=False, max_length=100)
    concealed_deaths = forms.IntegerField(label=_("瞒报死亡人数"), required=False, min_value=0)
    accident_class = forms.ChoiceField(label=_("事故等级"), required=False,
                                       choices=[("", "—"), *AccidentClass.choices])


class LedgerForm(forms.Form):
    category = forms.ChoiceField(label=_("隐患类别"), choices=HazardCategory.choices)
    location = forms.CharField(label=_("隐患地点"), max_length=200, required=False)
    deadline = forms.DateField(label=_("整改期限"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
                               help_text=_("留空按方案的默认整改天数。"))


class ReviewForm(forms.Form):
    result = forms.ChoiceField(label=_("复查结论"), choices=[(s, TipState(s).label) for s in RESULT_STATES])
    note = forms.CharField(label=_("复查意见"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))


class ApproveForm(forms.Form):
    amount = forms.DecimalField(label=_("金额（元，留空为建议金额）"), required=False, min_value=0, decimal_places=2)
    reason = forms.CharField(label=_("调整理由"), required=False, max_length=1000)


class PaymentForm(forms.Form):
    paid_on = forms.DateField(label=_("发放日期"), widget=forms.DateInput(attrs={"type": "date"}))
    method = forms.CharField(label=_("发放方式"), max_length=40)
    reference = forms.CharField(label=_("发放凭证号"), max_length=100)


class OpenIdentityForm(forms.Form):
    reason = forms.CharField(label=_("查阅理由"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))
    confirm = forms.BooleanField(label=_("我确认本次查阅将被记录，并仅用于上述理由。"))


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("开始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("结束日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
