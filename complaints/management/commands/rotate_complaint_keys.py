"""Re-encrypts every stored complainant identity with the current COMPLAINTS_ENCRYPTION_KEY (after a rotation)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from complaints import crypto
from complaints.models import Complaint

FIELDS = ("name_encrypted", "phone_encrypted", "email_encrypted")
BATCH = 1000


class Command(BaseCommand):
    help = "Re-encrypt complainants' identities with the current key; the old keys can then be dropped."

    def handle(self, *args, **options) -> None:
        done = 0
        last = 0
        while True:
            with transaction.atomic():
                rows = list(
                    Complaint.objects.select_for_update().filter(pk__gt=last).order_by("pk").only("pk", *FIELDS)[:BATCH]
                )
                if not rows:
                    break
                for row in rows:
                    for field in FIELDS:
                        try:
                            setattr(row, field, crypto.rotate(getattr(row, field)))
                        except Exception as error:  # InvalidToken: none of the keys opens it
                            raise CommandError(
                                f"Complaint {row.pk}: {field} opens with none of the configured keys; nothing of this "
                                "batch was changed. Add the key that encrypted it to COMPLAINTS_ENCRYPTION_OLD_KEYS."
                            ) from error
                Complaint.objects.bulk_update(rows, FIELDS)
            done += len(rows)
            last = rows[-1].pk
        self.stdout.write(f"Re-encrypted {done} complaints with the current key.")
