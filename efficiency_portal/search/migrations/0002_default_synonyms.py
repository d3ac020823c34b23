"""The first synonym list (efficiency_portal/search/defaults.py)."""

from django.db import migrations

from efficiency_portal.search.defaults import DEFAULT_SYNONYMS


def add(apps, schema_editor):
    Synonym = apps.get_model("search", "Synonym")
    Synonym.objects.bulk_create(
        [Synonym(phrase=phrase, expansion=expansion) for phrase, expansion in DEFAULT_SYNONYMS], ignore_conflicts=True
    )


def remove(apps, schema_editor):
    Synonym = apps.get_model("search", "Synonym")
    Synonym.objects.filter(phrase__in=[phrase for phrase, _ in DEFAULT_SYNONYMS]).delete()


class Migration(migrations.Migration):
    dependencies = [("search", "0001_index")]
    operations = [migrations.RunPython(add, remove)]
