from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from portal.accounts.enums import ROLE_NODE_KINDS, ROLE_NODE_REQUIRED, ROLE_PRIORITY, RoleKind


class User(AbstractUser):
    full_name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    address = models.CharField(_("联系地址"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def get_full_name(self):
        return self.full_name or super().get_full_name() or self.username

    @cached_property
    def role_list(self) -> list["Role"]:
        """The user's roles, loaded once per request and sorted by ROLE_PRIORITY."""
        roles = list(self.roles.select_related("node"))
        return sorted(roles, key=lambda role: ROLE_PRIORITY.index(role.kind))

    def roles_of(self, kind: str) -> list["Role"]:
        return [role for role in self.role_list if role.kind == kind]

    def has_role(self, kind: str) -> bool:
        return any(role.kind == kind for role in self.role_list)

    @property
    def primary_role(self) -> "Role | None":
        return self.role_list[0] if self.role_list else None

    @property
    def worker_unit(self):
        roles = self.roles_of(RoleKind.WORKER)
        return roles[0].node if roles else None


class Role(models.Model):
    """A user acting as `kind` for one organisation node; a user may hold several roles."""

    user = models.ForeignKey(User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="roles")
    kind = models.CharField(_("角色"), max_length=16, choices=RoleKind.choices)
    node = models.ForeignKey("directory.OrgNode", verbose_name=_("所属组织"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="roles")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("角色")
        verbose_name_plural = _("角色")
        constraints = [models.UniqueConstraint(fields=["user", "kind", "node"], name="unique_role")]

    def __str__(self):
        return f"{self.user} · {self.get_kind_display()} · {self.node or '-'}"

    def clean(self):
        allowed = ROLE_NODE_KINDS.get(self.kind, ())
        if self.node_id is None:
            if ROLE_NODE_REQUIRED.get(self.kind):
                raise ValidationError({"node": _("该角色必须指定所属组织。")})
            return
        if self.node.kind not in allowed:
            raise ValidationError({"node": _("%(role)s只能属于：%(kinds)s") % {
                "role": self.get_kind_display(),
                "kinds": "、".join(str(label) for value, label in self.node._meta.get_field("kind").choices
                                  if value in allowed)}})
