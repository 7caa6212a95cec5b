"""Hooks into apps below this one: a submitted 随手拍 entry joins the ledger."""

import logging

from django.dispatch import receiver

from hazards.services import hazard_from_entry
from submissions.signals import entry_submitted

logger = logging.getLogger(__name__)


@receiver(entry_submitted, dispatch_uid="hazards.hazard_from_entry")
def link_submitted_entry(sender, entry, **kwargs):
    # After the submission committed: a failure here must not turn the author's submission into an error
    # page; it is logged, and the next submission of the entry links it again (hazard_from_entry is idempotent).
    try:
        hazard_from_entry(entry)
    except Exception:
        logger.exception("entry %s could not join the hazard ledger", entry.pk)
