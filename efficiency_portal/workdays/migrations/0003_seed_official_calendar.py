"""Seed every year the installed chinesecalendar package knows: its holidays (with names) and make-up days."""

from django.db import migrations


def seed(apps, schema_editor) -> None:
    from efficiency_portal.workdays.official import package_schedule, package_years

    CalendarYear = apps.get_model("workdays", "CalendarYear")
    SpecialDay = apps.get_model("workdays", "SpecialDay")
    present = set(CalendarYear.objects.values_list("year", flat=True))
    taken = set(SpecialDay.objects.values_list("date", flat=True))
    years = [year for year in package_years() if year not in present]
    CalendarYear.objects.bulk_create(CalendarYear(year=year, source="chinesecalendar") for year in years)
    SpecialDay.objects.bulk_create(
        SpecialDay(date=day.date, kind=day.kind, name=day.name)
        for year in years
        for day in package_schedule(year)
        if day.date not in taken
    )


class Migration(migrations.Migration):
    dependencies = [("workdays", "0002_change_action_day_changed_at")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
