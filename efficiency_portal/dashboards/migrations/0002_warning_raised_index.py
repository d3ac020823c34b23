"""The command centre counts this month's warnings by the moment they were raised; without this index that count
reads every warning ever raised."""

from django.db import migrations

CREATE = "CREATE INDEX IF NOT EXISTS dashboards_warning_raised ON supervision_warning (raised_at)"
DROP = "DROP INDEX IF EXISTS dashboards_warning_raised"


class Migration(migrations.Migration):
    dependencies = [("dashboards", "0001_open_deadline_index")]
    operations = [migrations.RunSQL(CREATE, DROP)]
