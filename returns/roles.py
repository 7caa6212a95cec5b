"""Which role files or reviews at each filer level: the one place scoping, rules and reminders read."""

from portal.accounts.enums import RoleKind
from returns.enums import FilerLevel

# The union staff who fill and file a filer's return, by the filer's level (anchored at the filer's node).
FILER_ROLES = {
    FilerLevel.ENTERPRISE: (RoleKind.UNIT,),
    FilerLevel.COUNTY: (RoleKind.COUNTY,),
    FilerLevel.CITY: (RoleKind.CITY,),
}
# Roles that see every return of their subtree (read-only unless they file or review one).
AREA_ROLES = (RoleKind.UNIT, RoleKind.COUNTY, RoleKind.CITY, RoleKind.COMMITTEE)
ALL_FILER_ROLES = tuple({kind for kinds in FILER_ROLES.values() for kind in kinds})


def files_for(user, filer) -> bool:
    """`user` holds the filing role of `filer`'s level at its node."""
    kinds = FILER_ROLES.get(filer.level, ())
    return user.is_authenticated and any(role.kind in kinds and role.node_id == filer.node_id
                                         for role in user.role_list)
