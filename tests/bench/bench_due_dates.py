"""Benchmark: due dates in bulk on the in-memory working-day calendar.

Not a test (pytest does not collect ``bench_*.py``). Run it with ``SECRET_KEY=x DEBUG=1 .venv/bin/python
tests/bench/bench_due_dates.py`` (without DATABASE_URL it migrates a throw-away SQLite database, so the portal's
own data is not touched) or through ``scripts/bench.sh`` on PostgreSQL.

It makes sure the calendar is seeded (every year the chinesecalendar package knows), then times
- 1,000,000 due dates through ``get_calendar().bulk_add_working_days`` (random starts over the known years,
  random limits of 1–60 working days), counting the database queries, and
- 10,000 due dates through the one-at-a-time ``add_working_days``,
and checks a sample of the bulk answers against the one-at-a-time function and chinesecalendar.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "efficiency_portal.settings")
_scratch = None
if not os.environ.get("DATABASE_URL"):
    _scratch = tempfile.TemporaryDirectory(prefix="bench-due-dates-")
    os.environ["DATABASE_URL"] = f"sqlite:///{_scratch.name}/bench.sqlite3"

import django  # noqa: E402

django.setup()

import chinese_calendar  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from efficiency_portal.workdays import demo, official  # noqa: E402
from efficiency_portal.workdays.calendar import add_working_days, get_calendar, invalidate_calendar  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--single", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--seed", type=int, default=2026)
    args, _unknown = parser.parse_known_args()

    if _scratch is not None:
        call_command("migrate", verbosity=0)
    demo.load(sys.stdout)
    years = official.package_years()
    first, last = dt.date(years[0], 1, 1), dt.date(years[-1], 12, 31)
    span = (last - first).days + 1
    rng = random.Random(args.seed)
    starts = [first + dt.timedelta(days=rng.randrange(span)) for _ in range(args.rows)]
    limits = [rng.randint(1, 60) for _ in range(args.rows)]
    print(f"{connection.vendor}: {args.rows:,} starts over {years[0]}–{years[-1]}, limits 1–60 working days")

    for round_number in range(1, args.repeat + 1):
        invalidate_calendar()  # include loading the calendar from the database in the timing
        with CaptureQueriesContext(connection) as queries:
            began = time.perf_counter()
            calendar = get_calendar()
            loaded = time.perf_counter()
            days, flags = calendar.bulk_add_working_days(starts, limits)
            finished = time.perf_counter()
        bulk = finished - began
        print(
            f"[{round_number}] bulk: {args.rows:,} due dates in {bulk:.3f} s "
            f"(calendar load {loaded - began:.3f} s, {bulk / args.rows * 1e9:,.0f} ns per date), "
            f"{len(queries)} DB queries, {sum(flags):,} provisional (run past {years[-1]})"
        )

        sample = range(min(args.single, args.rows))
        began = time.perf_counter()
        single = [add_working_days(starts[i], limits[i]) for i in sample]
        elapsed = time.perf_counter() - began
        print(
            f"[{round_number}] one at a time: {len(single):,} due dates in {elapsed:.3f} s "
            f"({elapsed / len(single) * 1e6:,.2f} µs per date)"
        )
        mismatches = sum(1 for i, due in zip(sample, single, strict=False) if (days[i], flags[i]) != tuple(due))
        wrong_days = sum(1 for day in days[: args.single] if day <= last and not chinese_calendar.is_workday(day))
        print(f"[{round_number}] check: {mismatches} bulk/single mismatches, {wrong_days} due days not working days")
        if mismatches or wrong_days:
            raise SystemExit(1)


if __name__ == "__main__":
    main()
