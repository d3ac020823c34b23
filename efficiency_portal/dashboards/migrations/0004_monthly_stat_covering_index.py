"""The command centre's twelve months and this month are summed from approvals' monthly rows (``month`` in a range,
grouped by month or department): about 28,800 rows at 10,000,000 cases. Approvals' unique index on (month,
department, item) finds them but every row is then read from the table (a bitmap heap scan, about 40 ms); this index
carries the counters as well, so the sums are an index-only scan, like the daily rows' own ``approvals_dailystat_day``.

PostgreSQL only (INCLUDE); the embedded SQLite of the demo goes without it.
"""

from django.db import migrations

COUNTERS = (
    "received, accepted, refused, supplement_notices, finished, finished_on_time, finished_early, finished_late, "
    "warned, working_days_total"
)
CREATE = (
    "CREATE INDEX IF NOT EXISTS dashboards_monthlystat_month ON approvals_monthlycasestat (month) "
    f"INCLUDE (department_id, item_id, {COUNTERS})"
)
DROP = "DROP INDEX IF EXISTS dashboards_monthlystat_month"


def create(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("dashboards", "0003_unfinished_deadline_index"), ("approvals", "0005_monthlycasestat")]
    operations = [migrations.RunPython(create, drop)]
