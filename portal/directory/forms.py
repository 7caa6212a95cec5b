from django import forms
from django.utils.translation import gettext_lazy as _


class DirectoryImportForm(forms.Form):
    file = forms.FileField(label=_("文件（xlsx 或 csv）"),
                           help_text=_("列：单位全称、简称、类型、上级单位。任何一行有误则全部不导入。"))
