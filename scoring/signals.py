"""Keep an entry's ranking key in step with its submission time (a returned entry submitted again
ranks by its new time among equal scores): submissions sends entry_submitted and never imports scoring."""

from django.dispatch import receiver

from scoring.keys import refresh_ranking_keys
from submissions.signals import entry_submitted


@receiver(entry_submitted, dispatch_uid="scoring.refresh_ranking_key")
def entry_submitted_again(sender, entry, **kwargs):
    refresh_ranking_keys([entry.pk])
