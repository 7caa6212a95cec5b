"""Test data: factory_boy factories and builders, one module per source app.

`from tests.factories import X` works for every name below; the two `score` helpers differ (scoring's takes
the five factors, experts' a named factor set), so they are imported from their module.
"""

from tests.factories.accounts import PASSWORD, RoleFactory, UserFactory, make_expert, make_user
from tests.factories.campaigns import (
    SMALL,
    AwardLevelFactory,
    CampaignFactory,
    PhaseFactory,
    close_expert_review,
    set_counts,
    set_phase,
    work_level,
)
from tests.factories.directory import OrgNodeFactory, OrgTree
from tests.factories.experts import ExpertAssignmentFactory, assign, at_province
from tests.factories.hazards import HazardFactory, hazard_people
from tests.factories.review import DEFAULT_VALUES, ready, recommended_entry
from tests.factories.submissions import (
    ARTIST,
    SMALL_SIZE,
    EntryFactory,
    add_identifying_photos,
    add_photo,
    add_plain_photos,
    image_exif,
    make_entry,
    small_jpeg,
    stored_files,
    upload,
)
from tests.factories.tips import REAL_NAME, file_tip, tip_people, walk_tip

__all__ = [
    "ARTIST", "DEFAULT_VALUES", "PASSWORD", "REAL_NAME", "SMALL", "SMALL_SIZE",
    "AwardLevelFactory", "CampaignFactory", "EntryFactory", "ExpertAssignmentFactory", "HazardFactory",
    "OrgNodeFactory", "OrgTree", "PhaseFactory", "RoleFactory", "UserFactory",
    "add_identifying_photos", "add_photo", "add_plain_photos", "assign", "at_province", "close_expert_review",
    "file_tip", "hazard_people", "image_exif", "make_entry", "make_expert", "make_user", "ready", "recommended_entry", "set_counts",
    "set_phase", "small_jpeg", "stored_files", "tip_people", "upload", "walk_tip", "work_level",
]
