"""The seeded direct downgrades take their validity from CREDIT_DOWNGRADE_YEARS (by the grade imposed) instead of a
number of their own; the years stay 3 (transfer, grade C) and 5 (dismissal proposal, grade D). A rule whose validity
an administrator changed since is left alone."""

from django.db import migrations

SEEDED = {"transfer": 3, "dismissal_proposal": 5}


def by_grade(apps, schema_editor):
    CreditRule = apps.get_model("credit", "CreditRule")
    for code, years in SEEDED.items():
        CreditRule.objects.filter(code=code, validity_years=years).update(validity_years=None)


def back(apps, schema_editor):
    CreditRule = apps.get_model("credit", "CreditRule")
    for code, years in SEEDED.items():
        CreditRule.objects.filter(code=code, validity_years__isnull=True).update(validity_years=years)


class Migration(migrations.Migration):
    dependencies = [("credit", "0004_rule_sign_message")]
    operations = [migrations.RunPython(by_grade, back)]
