"""The 车间/班组 of a hazard: directory nodes below its unit (portal.directory, issue 15 item 1)."""

from django.utils.translation import gettext as _

from portal.directory.enums import NodeKind
from portal.refusals import Refused


def check_workplace(unit, workshop=None, team=None) -> tuple:
    """`(workshop, team)` for a hazard of `unit`: each must be an active node of its kind inside the unit,
    the team inside the workshop when both are given; a team in a workshop brings its workshop along (so a
    车间负责人 finds his teams' hazards by the workshop column alone)."""
    for node, kind, label in ((workshop, NodeKind.WORKSHOP, _("车间")), (team, NodeKind.TEAM, _("班组"))):
        if node is not None and (node.kind != kind or not node.is_active or not node.path.startswith(unit.path)):
            raise Refused(_("所选%(what)s不属于本单位。") % {"what": label}, code="bad_workplace")
    if team is not None and team.parent.kind == NodeKind.WORKSHOP:
        if workshop is not None and team.parent_id != workshop.pk:
            raise Refused(_("所选班组不属于所选车间。"), code="bad_workplace")
        workshop = team.parent
    return workshop, team
