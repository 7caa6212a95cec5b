"""Who may publish the exhibition: the committee. Everyone, anonymous included, may browse it."""

import rules

from portal.accounts.rules import is_committee

rules.add_perm("exhibition.manage_publication", is_committee)
