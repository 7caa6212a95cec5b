"""The ledger's forms: the worker's three-tap report and one small form per action of the hazard page."""

from django import forms
from django.utils.translation import gettext_lazy as _

from hazards.enums import HazardCategory, HazardLevel, HazardSource, HazardState, StoppageKind
from hazards.models import HazardPlan, MajorHazardCriterion
from hazards.roles import UNIT_MANAGEMENT
from hazards.workplaces import check_workplace
from portal.accounts.models import User
from portal.directory.enums import NodeKind
from portal.directory.models import OrgNode
from portal.refusals import Refused
from scoring.formula import get_scale

TEXT = {"rows": 3}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleJpegField(forms.FileField):
    """Several files in one input (the phone's camera or gallery); each is validated by the service."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(MultipleJpegField, self).clean(item, initial) for item in files]


class ReportForm(forms.Form):
    photos = MultipleJpegField(label=_("隐患照片"), help_text=_("可直接拍照，JPEG格式。照片较大一次传不上时，先选1幅上报，再在隐患页面逐幅补充。"),
                               widget=MultipleFileInput(attrs={"accept": "image/jpeg"}))
    category = forms.ChoiceField(label=_("隐患类别"), choices=HazardCategory.choices, widget=forms.RadioSelect)
    description = forms.CharField(label=_("隐患内容"), max_length=2000, widget=forms.Textarea(attrs=TEXT))
    location = forms.CharField(label=_("隐患地点"), max_length=200)
    workshop = forms.ModelChoiceField(label=_("车间"), required=False, queryset=OrgNode.objects.none(),
                                      empty_label=_("（不选）"))
    team = forms.ModelChoiceField(label=_("班组"), required=False, queryset=OrgNode.objects.none(),
                                  empty_label=_("（不选）"))
    finder_named = forms.BooleanField(label=_("向单位管理人员公开我的姓名"), required=False,
                                      help_text=_("不勾选时，单位管理人员只看到“职工上报”；工会始终知道上报人。"))
    unit = forms.ChoiceField(label=_("单位"))

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.units = {str(unit.pk): unit for unit in units}
        self.fields["unit"].choices = [(key, unit.name) for key, unit in self.units.items()]
        if len(self.units) == 1:
            self.fields["unit"].widget = forms.HiddenInput()
            self.fields["unit"].initial = next(iter(self.units))
        # The 车间/班组 of the reporter's unit(s) (directory nodes); hazards.workplaces checks the pair.
        workplaces = OrgNode.objects.none()
        for unit in self.units.values():
            workplaces |= OrgNode.objects.workplaces(unit)
        for name, kind in (("workshop", NodeKind.WORKSHOP), ("team", NodeKind.TEAM)):
            self.fields[name].queryset = workplaces.filter(kind=kind).order_by("path")
            if not self.fields[name].queryset.exists():
                del self.fields[name]

    def clean_unit(self):
        return self.units[self.cleaned_data["unit"]]

    def clean(self):
        data = super().clean()
        if data.get("unit") is not None:
            try:
                data["workshop"], data["team"] = check_workplace(data["unit"], data.get("workshop"), data.get("team"))
            except Refused as exc:
                self.add_error("team" if "team" in self.fields else None, exc.message)
        return data


class LedgerFilterForm(forms.Form):
    q = forms.CharField(label=_("搜索"), required=False, max_length=100)
    state = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("全部状态")), *HazardState.choices])
    level = forms.ChoiceField(label=_("级别"), required=False, choices=[("", _("全部级别")), *HazardLevel.choices])
    category = forms.ChoiceField(label=_("类别"), required=False,
                                 choices=[("", _("全部类别")), *HazardCategory.choices])
    source = forms.ChoiceField(label=_("来源"), required=False, choices=[("", _("全部来源")), *HazardSource.choices])
    workshop = forms.ModelChoiceField(label=_("车间"), required=False, queryset=OrgNode.objects.none(),
                                      empty_label=_("全部车间"))
    overdue = forms.BooleanField(label=_("只看已逾期"), required=False)

    def __init__(self, *args, workshops=None, **kwargs):
        super().__init__(*args, **kwargs)
        if workshops is None:
            del self.fields["workshop"]
        else:
            self.fields["workshop"].queryset = workshops.select_related("parent").order_by("path")
            self.fields["workshop"].label_from_instance = lambda node: f"{node.parent.short_name or node.parent} · {node}"


def _lec_choices(code):
    scale = get_scale(code)
    return [("", "—"), *((str(option.value), f"{option.value} {option.label}") for option in scale.options)]


class AcceptForm(forms.Form):
    level = forms.ChoiceField(label=_("隐患级别"), choices=HazardLevel.choices, initial=HazardLevel.GENERAL)
    criterion = forms.ModelChoiceField(label=_("重大事故隐患判定依据"), required=False,
                                       queryset=MajorHazardCriterion.objects.filter(is_active=True))
    responsible = forms.ModelChoiceField(label=_("整改责任人"), queryset=User.objects.none())
    deadline = forms.DateField(label=_("整改期限"), widget=forms.DateInput(attrs={"type": "date"}))
    interim_measures = forms.CharField(label=_("临时管控措施"), required=False, widget=forms.Textarea(attrs=TEXT))
    lec_l = forms.ChoiceField(label=_("L 造成事故可能性"), required=False, choices=_lec_choices("L"))
    lec_e = forms.ChoiceField(label=_("E 接触隐患频率"), required=False, choices=_lec_choices("E"))
    lec_c = forms.ChoiceField(label=_("C 可能造成事故后果"), required=False, choices=_lec_choices("C"))

    def __init__(self, *args, hazard=None, **kwargs):
        super().__init__(*args, **kwargs)
        if hazard is not None:
            # Management of the unit, or of one of its 车间/班组 (hazards.roles.manages_unit).
            self.fields["responsible"].queryset = (
                User.objects.filter(roles__node__path__startswith=hazard.unit.path, roles__kind__in=UNIT_MANAGEMENT)
                .distinct().order_by("full_name", "username"))
            self.fields["responsible"].label_from_instance = lambda user: user.get_full_name()



def accept_kwargs(data: dict) -> dict:
    """AcceptForm's cleaned data as accept_hazard's arguments."""
    return {"level": data["level"], "criterion": data["criterion"], "responsible": data["responsible"],
            "deadline": data["deadline"], "interim_measures": data["interim_measures"],
            "lec": (data["lec_l"], data["lec_e"], data["lec_c"])}


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("理由"), max_length=2000, widget=forms.Textarea(attrs=TEXT))


class NoteForm(forms.Form):
    note = forms.CharField(label=_("说明"), max_length=2000, required=False, widget=forms.Textarea(attrs=TEXT))


class EmptyForm(forms.Form):
    pass


class PlanForm(forms.ModelForm):
    class Meta:
        model = HazardPlan
        fields = list(HazardPlan.PARTS)
        widgets = {name: forms.Textarea(attrs=TEXT) for name in HazardPlan.PARTS}


class PhotoForm(forms.Form):
    photo = forms.FileField(label=_("整改后照片"), widget=forms.ClearableFileInput(
        attrs={"accept": "image/jpeg", "capture": "environment"}))


class BeforePhotoForm(forms.Form):
    photo = forms.FileField(label=_("隐患照片"), widget=forms.ClearableFileInput(
        attrs={"accept": "image/jpeg", "capture": "environment"}))


class RectificationForm(forms.Form):
    note = forms.CharField(label=_("整改情况"), max_length=2000, widget=forms.Textarea(attrs=TEXT))
    cost = forms.DecimalField(label=_("整改资金（元）"), min_value=0, max_digits=12, decimal_places=2)


class ReviewForm(forms.Form):
    result = forms.CharField(label=_("复查结果"), max_length=2000, widget=forms.Textarea(attrs=TEXT))


class ReopenForm(forms.Form):
    reason = forms.CharField(label=_("重新打开的理由"), max_length=2000, widget=forms.Textarea(attrs=TEXT))
    deadline = forms.DateField(label=_("新的整改期限"), widget=forms.DateInput(attrs={"type": "date"}))


class ExtensionForm(forms.Form):
    new_deadline = forms.DateField(label=_("申请延期至"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("延期理由"), max_length=2000, widget=forms.Textarea(attrs=TEXT))


DECISIONS = [("yes", _("同意")), ("no", _("不同意"))]


class DecideExtensionForm(forms.Form):
    extension = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(label=_("审批"), choices=DECISIONS, widget=forms.RadioSelect)
    note = forms.CharField(label=_("审批意见"), max_length=2000, required=False, widget=forms.Textarea(attrs=TEXT))


class StoppageForm(forms.Form):
    kind = forms.ChoiceField(label=_("建议"), choices=StoppageKind.choices)
    reasons = forms.CharField(label=_("理由"), max_length=2000, widget=forms.Textarea(attrs=TEXT))


class AnswerStoppageForm(forms.Form):
    proposal = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(label=_("是否采纳"), choices=[("yes", _("采纳")), ("no", _("不采纳"))],
                                 widget=forms.RadioSelect)
    answer = forms.CharField(label=_("书面答复"), max_length=2000, widget=forms.Textarea(attrs=TEXT))


class FinderNamedForm(forms.Form):
    named = forms.BooleanField(label=_("向单位管理人员公开我的姓名"), required=False,
                               help_text=_("不勾选时，单位管理人员只看到“职工上报”；工会始终知道上报人。"))


# --- 逐级报告, supervision, the 职代会 summary and the dashboards (hazards/oversight_views.py) ------------


class ReportUpForm(forms.Form):
    reason = forms.CharField(label=_("上报理由"), max_length=2000, widget=forms.Textarea(attrs=TEXT),
                             help_text=_("写明单位无法自行整改的原因（资金、技术、权限等）。"))


class CommentForm(forms.Form):
    note = forms.CharField(label=_("督导意见"), max_length=2000, widget=forms.Textarea(attrs=TEXT))


class RemindForm(forms.Form):
    note = forms.CharField(label=_("附言"), max_length=500, required=False, widget=forms.Textarea(attrs=TEXT))


class BulkRemindForm(forms.Form):
    hazard = forms.TypedMultipleChoiceField(coerce=int, choices=(), required=False)
    note = forms.CharField(label=_("附言"), max_length=500, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Any id is accepted here; the view keeps only the hazards of the user's scope.
        self.fields["hazard"].valid_value = lambda value: str(value).isdigit()


class ReportedFilterForm(forms.Form):
    q = forms.CharField(label=_("搜索"), required=False, max_length=100)
    level = forms.ChoiceField(label=_("级别"), required=False, choices=[("", _("全部级别")), *HazardLevel.choices])
    open_only = forms.BooleanField(label=_("只看未销号"), required=False)


QUARTER_CHOICES = [("", _("全年")), ("1", _("第一季度")), ("2", _("第二季度")), ("3", _("第三季度")),
                   ("4", _("第四季度"))]


class PeriodForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(label=_("季度"), choices=QUARTER_CHOICES, coerce=int, required=False,
                                     empty_value=None)
