"""Signals other apps listen to, so that submissions never imports them (imports go downwards)."""

from django.dispatch import Signal

# Sent once the submission of an entry has committed; argument: entry. (hazards: the entry joins the ledger.)
entry_submitted = Signal()
