"""Re-encrypt the tips' vault under the first key of PORTAL_TIP_KEYS (after putting a new key first);
then the old key can be dropped from the environment."""

from django.core.management.base import BaseCommand

from tips.services import rotate_vault


class Command(BaseCommand):
    help = "Re-encrypt every sealed identity and payment detail under the first key of PORTAL_TIP_KEYS."

    def handle(self, *args, **options):
        count = rotate_vault()
        self.stdout.write(f"re-encrypted {count} sealed values")
