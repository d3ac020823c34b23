from __future__ import annotations

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english():
    """The assertions read the English messages."""
    with translation.override("en"):
        yield
