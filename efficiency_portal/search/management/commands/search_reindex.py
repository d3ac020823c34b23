"""Rebuilds the search index of every registered scope (after a bulk load that bypassed the services)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from efficiency_portal.search.registry import scopes


class Command(BaseCommand):
    help = "Rebuild the search index (catalogue items, powers ...). Safe to run at any time."

    def add_arguments(self, parser) -> None:
        parser.add_argument("scope", nargs="*", help="scopes to rebuild (default: all)")

    def handle(self, *args, **options) -> None:
        registered = scopes()
        wanted = options["scope"] or sorted(registered)
        for scope in wanted:
            if scope not in registered:
                self.stderr.write(f"Unknown scope {scope}; known: {', '.join(sorted(registered))}")
                continue
            count = registered[scope]()
            self.stdout.write(f"{scope}: {count} documents indexed")
