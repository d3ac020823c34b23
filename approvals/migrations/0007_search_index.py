"""Index the catalogue's items in the search index (items saved from now on are indexed by the catalogue service)."""

from django.db import migrations

WEIGHTS = {"name": 10.0, "summary": 4.0, "topic": 3.0, "code": 2.0, "materials": 1.0, "conditions": 1.0}


def index(apps, schema_editor):
    from efficiency_portal.search.services import document_terms

    Item = apps.get_model("approvals", "Item")
    IndexedTerm = apps.get_model("search", "IndexedTerm")
    rows = []
    for item in Item.objects.select_related("topic").prefetch_related("materials"):
        fields = [
            (item.name, WEIGHTS["name"]),
            (item.summary, WEIGHTS["summary"]),
            (item.topic.name if item.topic else "", WEIGHTS["topic"]),
            (item.code.replace("-", " "), WEIGHTS["code"]),
            (" ".join(material.name for material in item.materials.all()), WEIGHTS["materials"]),
            (item.conditions, WEIGHTS["conditions"]),
        ]
        rows.extend(
            IndexedTerm(scope="approvals.item", object_id=item.pk, term=term, weight=weight)
            for term, weight in document_terms(fields).items()
        )
    IndexedTerm.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)


def unindex(apps, schema_editor):
    apps.get_model("search", "IndexedTerm").objects.filter(scope="approvals.item").delete()


class Migration(migrations.Migration):
    dependencies = [("approvals", "0006_case_day_indexes"), ("search", "0002_default_synonyms")]
    operations = [migrations.RunPython(index, unindex)]
