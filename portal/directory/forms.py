from django import forms
from django.utils.translation import gettext_lazy as _


class DirectoryImportForm(forms.Form):
    file = forms.FileField(label=_("文件（xlsx 或 csv）"),
                           help_text=_("列：单位全称、简称、类型、上级单位。车间的上级单位为基层单位，班组的上级单位为车间或基层单位；"
                                       "车间、班组的全称写作“上级单位全称+本车间（班组）名称”，简称填本车间（班组）名称。"
                                       "任何一行有误则全部不导入。"))
