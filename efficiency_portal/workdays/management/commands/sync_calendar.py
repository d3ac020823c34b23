"""Load holidays and make-up days from the installed chinesecalendar package (e.g. after upgrading it in November).

Idempotent: a year already loaded and unchanged is left alone; a year an administrator entered or edited by hand
is kept unless ``--force``.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from efficiency_portal.workdays import official, services


class Command(BaseCommand):
    help = "Load the official holiday schedule from the chinesecalendar package into the working-day calendar."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, action="append", help="Only this year (may be repeated).")
        parser.add_argument("--force", action="store_true", help="Also overwrite years entered by hand.")

    def handle(self, *args, year: list[int] | None = None, force: bool = False, **options) -> None:
        years = year or official.package_years()
        for number in years:
            try:
                outcome, change = services.sync_year_from_package(None, number, force=force)
            except ValidationError as error:
                raise CommandError("; ".join(error.messages)) from error
            moved = f", {change.deadlines_recomputed} deadlines recomputed" if change else ""
            self.stdout.write(f"{number}: {outcome}{moved}")
