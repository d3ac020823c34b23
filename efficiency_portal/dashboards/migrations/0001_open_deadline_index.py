"""An index on the running clocks, so the command centre counts open, yellow and red cases without reading the
finished ones (which are nearly all of them after a few years).

The index lives on supervision's table but serves only the dashboards' reads; it is partial, so the sweep's writes
to finished rows never touch it.
"""

from django.db import migrations

CREATE = (
    "CREATE INDEX IF NOT EXISTS dashboards_running_deadlines ON supervision_deadline (kind, light, department_id) "
    "WHERE status IN ('open', 'paused')"
)
DROP = "DROP INDEX IF EXISTS dashboards_running_deadlines"


class Migration(migrations.Migration):
    initial = True
    dependencies = [("supervision", "0001_initial")]
    operations = [migrations.RunSQL(CREATE, DROP)]
