"""The complaints and assessment counts of the command centre ask for clocks not finished (``status <> 'finished'``)
of one kind; this partial index answers them from the unfinished rows only."""

from django.db import migrations

CREATE = (
    "CREATE INDEX IF NOT EXISTS dashboards_unfinished_deadlines ON supervision_deadline (kind, due_at) "
    "WHERE status <> 'finished'"
)
DROP = "DROP INDEX IF EXISTS dashboards_unfinished_deadlines"


class Migration(migrations.Migration):
    dependencies = [("dashboards", "0002_warning_raised_index")]
    operations = [migrations.RunSQL(CREATE, DROP)]
