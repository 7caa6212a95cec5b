"""Mark an expert's assignment submitted when they save their province-tier assessment.

scoring.services.assess_entry saves the Assessment inside its own transaction; this receiver runs in
that same transaction, so the assignment and the assessment commit (or roll back) together.
"""

from django.db.models.signals import post_save
from django.dispatch import receiver

from review.experts.services import mark_submitted
from scoring.models import Assessment
from submissions.enums import Tier


@receiver(post_save, sender=Assessment, dispatch_uid="experts.mark_submitted")
def assessment_saved(sender, instance: Assessment, raw=False, **kwargs):
    if raw or instance.tier != Tier.PROVINCE:
        return
    mark_submitted(instance.entry_id, instance.assessor_id, instance.updated_at)
