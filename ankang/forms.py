"""The forms of the 安康杯 pages. They only shape the input; the services check the rules (windows,
deadlines, enrolment) and refuse with one Chinese sentence."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ankang.enums import EnrolmentKind, EnrolmentState, RecordLevel, SheetState
from ankang.models import ActivityType, Enrolment
from hazards.forms import MultipleFileInput, MultipleJpegField
from portal.directory.enums import NodeKind
from portal.directory.models import OrgNode

TEXT = {"rows": 3}


def photos_field(required: bool = False) -> MultipleJpegField:
    # Several files of any accepted kind; ankang.evidence judges each by its bytes.
    return MultipleJpegField(label=_("活动照片或文件"), required=required,
                             help_text=_("可直接拍照；JPEG、PNG 照片或 PDF 文件，每条记录最多9个。"),
                             widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf"}))


class FilterForm(forms.Form):
    q = forms.CharField(label=_("单位名称"), required=False, max_length=100)


class EnrolmentFilterForm(FilterForm):
    state = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("全部")), *EnrolmentState.choices])


class SheetFilterForm(FilterForm):
    state = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("全部")), *SheetState.choices])


class CoverageFilterForm(FilterForm):
    none = forms.BooleanField(label=_("只看未开展活动的单位"), required=False)


def workplaces_of(unit_ids, kind: str):
    """The active 车间 or 班组 nodes under the user's units (the services check the enrolment's unit)."""
    paths = OrgNode.objects.filter(pk__in=list(unit_ids)).values_list("path", flat=True)
    scope = Q(pk__in=[])
    for path in paths:
        scope |= Q(path__startswith=path)
    return OrgNode.objects.filter(scope, kind=kind, is_active=True).order_by("path")


def _node_field(label, help_text=""):
    field = forms.ModelChoiceField(label=label, queryset=OrgNode.objects.none(), required=False,
                                   help_text=help_text)
    field.label_from_instance = lambda node: node.name
    return field


class EnrolForm(forms.Form):
    kind = forms.ChoiceField(label=_("参赛类别"), choices=EnrolmentKind.choices, initial=EnrolmentKind.UNIT)
    team = _node_field(_("班组"), _("班组参赛时选择；班组在单位的组织架构中维护。"))
    members = forms.IntegerField(label=_("职工人数"), min_value=1, max_value=1_000_000, required=False)
    contact = forms.CharField(label=_("联系人"), max_length=40, required=False)

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = workplaces_of(units, NodeKind.TEAM)


class DecideForm(forms.Form):
    decision = forms.ChoiceField(choices=[("confirm", _("确认")), ("decline", _("不予确认"))])
    reason = forms.CharField(label=_("原因"), max_length=200, required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("理由"), max_length=1000, widget=forms.Textarea(attrs=TEXT))


class RecordForm(forms.Form):
    enrolment = forms.ModelChoiceField(label=_("开展单位/班组"), queryset=Enrolment.objects.none(), empty_label=None)
    activity_type = forms.ModelChoiceField(label=_("活动类型"), queryset=ActivityType.objects.none())
    held_on = forms.DateField(label=_("开展日期"), widget=forms.DateInput(attrs={"type": "date"}))
    place = forms.CharField(label=_("地点"), max_length=200)
    level = forms.ChoiceField(label=_("开展范围"), choices=RecordLevel.choices, initial=RecordLevel.UNIT)
    workshop = _node_field(_("车间"), _("开展范围为车间时选择。"))
    team = _node_field(_("班组"), _("开展范围为班组时选择。"))
    participants = forms.IntegerField(label=_("参加人数"), min_value=1, max_value=1_000_000)
    participant_names = forms.CharField(label=_("参加人员名单（可选）"), required=False, max_length=5000,
                                        widget=forms.Textarea(attrs=TEXT))
    description = forms.CharField(label=_("活动情况"), max_length=5000, widget=forms.Textarea(attrs=TEXT))
    photos = photos_field()

    def __init__(self, *args, enrolments, types, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enrolment"].queryset = enrolments
        self.fields["enrolment"].label_from_instance = lambda e: e.label
        self.fields["activity_type"].queryset = types
        self.fields["activity_type"].label_from_instance = lambda t: f"{t.name}（{t.months_label}）"
        units = {e.unit_id for e in enrolments}
        self.fields["workshop"].queryset = workplaces_of(units, NodeKind.WORKSHOP)
        self.fields["team"].queryset = workplaces_of(units, NodeKind.TEAM)


class EvidenceForm(forms.Form):
    photos = photos_field(required=True)
