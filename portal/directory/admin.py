from django.contrib import admin, messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from portal.directory.exporting import DirectoryExporter
from portal.directory.forms import DirectoryImportForm
from portal.directory.importing import import_directory
from portal.directory.models import OrgNode
from portal.refusals import Refused


@admin.register(OrgNode)
class OrgNodeAdmin(admin.ModelAdmin):
    list_display = ("name", "short_name", "kind", "channel", "parent", "is_active")
    list_filter = ("kind", "channel", "is_active")
    search_fields = ("name", "short_name")
    autocomplete_fields = ("parent",)
    list_per_page = 50
    change_list_template = "admin/directory/orgnode/change_list.html"

    def get_urls(self):
        return [
            path("import/", self.admin_site.admin_view(self.import_view), name="directory_orgnode_import"),
            path("export/", self.admin_site.admin_view(self.export_view), name="directory_orgnode_export"),
            *super().get_urls(),
        ]

    def import_view(self, request):
        if not self.has_add_permission(request):
            return redirect("admin:index")
        form = DirectoryImportForm(request.POST or None, request.FILES or None)
        errors = []
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                result = import_directory(upload, upload.name, actor=request.user)
            except Refused as exc:
                errors = exc.messages
            else:
                messages.success(request, _("导入完成：新增 %(created)d 个，更新 %(updated)d 个。") % result)
                return redirect("admin:directory_orgnode_changelist")
        context = {**self.admin_site.each_context(request), "form": form, "errors": errors,
                   "opts": self.model._meta, "title": _("导入组织目录")}
        return render(request, "admin/directory/orgnode/import.html", context)

    def export_view(self, request):
        if not self.has_view_permission(request):
            return redirect("admin:index")
        fmt = request.GET.get("format", "xlsx")
        exporter = DirectoryExporter()
        if fmt == "csv":
            response = HttpResponse(content_type="text/csv; charset=utf-8")
            exporter.write_csv(response)
            name = "directory.csv"
        else:
            response = HttpResponse(
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            )
            exporter.write_xlsx(response)
            name = "directory.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
