from django.utils.translation import gettext_lazy as _

from portal.directory.models import OrgNode
from portal.exports.base import Exporter

# The same columns the importer reads, so an export can be edited and imported back.
COLUMNS = [_("单位全称"), _("简称"), _("类型"), _("上级单位")]


class DirectoryExporter(Exporter):
    sheet_title = "组织目录"
    headers = COLUMNS

    def rows(self):
        for node in OrgNode.objects.select_related("parent").order_by("path"):
            yield [node.name, node.short_name, node.get_kind_display(), node.parent.name if node.parent else ""]
