"""Scopes of the index and how to rebuild each: an app registers its scope in its AppConfig.ready(), so that the
index command can rebuild every scope without importing the apps above it."""

from __future__ import annotations

from collections.abc import Callable

_REBUILDERS: dict[str, Callable[[], int]] = {}


def register(scope: str, rebuild: Callable[[], int]) -> None:
    """``rebuild()`` reindexes every document of ``scope`` and returns how many it indexed."""
    _REBUILDERS[scope] = rebuild


def scopes() -> dict[str, Callable[[], int]]:
    return dict(_REBUILDERS)
