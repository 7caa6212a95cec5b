from django.core.exceptions import ValidationError
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from portal.directory.enums import (
    ALLOWED_PARENTS,
    FIRST_REVIEW_KINDS,
    SELECTION_KINDS,
    WORKPLACE_KINDS,
    Channel,
    NodeKind,
)


class OrgNodeQuerySet(models.QuerySet):
    def subtree(self, node: "OrgNode") -> "OrgNodeQuerySet":
        """The node and everything below it, by materialised path (one indexed prefix query)."""
        return self.filter(path__startswith=node.path)

    def units(self) -> "OrgNodeQuerySet":
        return self.filter(kind=NodeKind.UNIT, is_active=True)

    def workplaces(self, unit: "OrgNode") -> "OrgNodeQuerySet":
        """The active 车间 and 班组 of `unit`, workshops before their teams."""
        return self.filter(path__startswith=unit.path, kind__in=WORKPLACE_KINDS, is_active=True).order_by("path")


class OrgNode(models.Model):
    """One organisation of the directory: province, union or unit.

    `path` holds the ids from the root ("/1/4/17/") so subtrees and ancestors need no recursion;
    it is maintained by `save()`.
    """

    name = models.CharField(
        _("全称"), max_length=200, unique=True, help_text=_("单位名称不得使用简称，请填写全称。")
    )
    short_name = models.CharField(_("简称"), max_length=60, blank=True)
    kind = models.CharField(_("类型"), max_length=16, choices=NodeKind.choices)
    channel = models.CharField(_("隶属关系"), max_length=16, choices=Channel.choices, blank=True, editable=False)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级单位"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    is_active = models.BooleanField(_("有效"), default=True)

    objects = OrgNodeQuerySet.as_manager()

    class Meta:
        verbose_name = _("组织")
        verbose_name_plural = _("组织目录")
        ordering = ["path"]

    def __str__(self):
        # A 车间/班组 prints its own name (the unit is printed beside it); its full name carries the unit's.
        if self.kind in WORKPLACE_KINDS and self.short_name:
            return self.short_name
        return self.name

    def save(self, *args, **kwargs):
        self.channel = self._derive_channel()
        old_path = self.path
        if not self.pk:
            super().save(*args, **kwargs)
            kwargs.pop("force_insert", None)
        new_path = (self.parent.path if self.parent_id else "/") + f"{self.pk}/"
        self.depth = new_path.count("/") - 2
        if new_path != self.path:
            self.path = new_path
            super().save(update_fields=["path", "depth", "channel"])
            if old_path:
                self._move_descendants(old_path, new_path)
        else:
            super().save(*args, **kwargs)

    def _derive_channel(self) -> str:
        if self.kind == NodeKind.CITY:
            return Channel.TERRITORIAL
        if self.kind == NodeKind.INDUSTRY:
            return Channel.INDUSTRY
        return self.parent.channel if self.parent_id else ""

    def _move_descendants(self, old_path: str, new_path: str) -> None:
        for node in OrgNode.objects.filter(path__startswith=old_path).exclude(pk=self.pk).order_by("depth"):
            node.path = new_path + node.path[len(old_path):]
            node.depth = node.path.count("/") - 2
            node.channel = self.channel
            OrgNode.objects.filter(pk=node.pk).update(path=node.path, depth=node.depth, channel=node.channel)

    def clean(self):
        allowed = ALLOWED_PARENTS.get(self.kind, ())
        if self.parent is None and allowed:
            raise ValidationError({"parent": _("%(kind)s必须有上级单位。") % {"kind": self.get_kind_display()}})
        if self.parent is not None:
            if self.parent.kind not in allowed:
                raise ValidationError({"parent": _("%(kind)s不能设在%(parent)s之下。") % {
                    "kind": self.get_kind_display(), "parent": self.parent.get_kind_display()}})
            if self.pk and self.parent.path.startswith(self.path or "\0"):
                raise ValidationError({"parent": _("上级单位不能是本单位或其下级单位。")})
        if self.pk:
            wrong = [child for child in self.children.all() if self.kind not in ALLOWED_PARENTS.get(child.kind, ())]
            if wrong:
                raise ValidationError({"kind": _("%(child)s不能设在%(kind)s之下，不能改为此类型。") % {
                    "child": wrong[0].name, "kind": NodeKind(self.kind).label}})
        if self.kind in WORKPLACE_KINDS and not self.short_name:
            # The own name of a 车间/班组: the full name without its parent's name in front.
            parent_name = self.parent.name if self.parent is not None else ""
            own = self.name[len(parent_name):] if parent_name and self.name.startswith(parent_name) else self.name
            self.short_name = (own or self.name)[:60]

    @property
    def is_workplace(self) -> bool:
        return self.kind in WORKPLACE_KINDS

    @cached_property
    def unit_node(self) -> "OrgNode | None":
        """The unit this node belongs to: itself for a unit, the unit above a 车间/班组, else None."""
        if self.kind == NodeKind.UNIT:
            return self
        if self.kind not in WORKPLACE_KINDS:
            return None
        return self.ancestor_of_kind((NodeKind.UNIT,))

    @property
    def ancestor_ids(self) -> list[int]:
        """Ids from the root down to and including this node."""
        return [int(part) for part in self.path.strip("/").split("/") if part]

    def ancestors(self, include_self: bool = True) -> models.QuerySet:
        ids = self.ancestor_ids if include_self else self.ancestor_ids[:-1]
        return OrgNode.objects.filter(pk__in=ids).order_by("depth")

    def ancestor_of_kind(self, kinds) -> "OrgNode | None":
        """The nearest node (itself included) whose kind is one of `kinds`."""
        return self.ancestors().filter(kind__in=kinds).order_by("-depth").first()

    @property
    def selection_union(self) -> "OrgNode | None":
        """The city union or provincial industry union this node reports to (推荐市或产业)."""
        return self.ancestor_of_kind(SELECTION_KINDS)

    @property
    def first_review_union(self) -> "OrgNode | None":
        """The county union or group enterprise above this node, or None when it hangs under a city."""
        return self.ancestor_of_kind(FIRST_REVIEW_KINDS)

    def is_within(self, other: "OrgNode") -> bool:
        return self.path.startswith(other.path)
