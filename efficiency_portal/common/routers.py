"""The API's router: object ids in URLs are numbers, so anything else is a 404 before a view sees it."""

from __future__ import annotations

from rest_framework.routers import SimpleRouter

# Up to 18 digits always fits a bigint; a longer number is no id of ours either.
ID_REGEX = "[0-9]{1,18}"


class IdRouter(SimpleRouter):
    """SimpleRouter whose detail routes match numeric ids only, unless a viewset sets ``lookup_value_regex``.

    DRF's default matches any text, and a view that filters by ``pk`` with text fails with a server error."""

    def get_lookup_regex(self, viewset, lookup_prefix: str = "") -> str:
        lookup_field = getattr(viewset, "lookup_field", "pk")
        return self._base_pattern.format(
            lookup_prefix=lookup_prefix,
            lookup_url_kwarg=getattr(viewset, "lookup_url_kwarg", None) or lookup_field,
            lookup_value=getattr(viewset, "lookup_value_regex", ID_REGEX),
        )
