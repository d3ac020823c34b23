"""Storage for files that must never be reachable by URL (applicants' materials, complaint evidence)."""

from django.core.files.storage import Storage, storages


def private_storage() -> Storage:
    # A callable, so migrations do not freeze the path of one machine.
    return storages["private"]
