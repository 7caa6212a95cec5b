from django.db import transaction

from portal.audit.services import record_audit
from portal.campaigns.models import Campaign


@transaction.atomic
def make_campaign_current(campaign: Campaign, *, actor) -> Campaign:
    """Make `campaign` the current one; the previous current campaign stays readable as a past one."""
    Campaign.objects.select_for_update().filter(is_current=True).exclude(pk=campaign.pk).update(is_current=False)
    campaign.is_current = True
    campaign.save(update_fields=["is_current"])
    record_audit(actor, "campaign.make_current", campaign)
    return campaign
