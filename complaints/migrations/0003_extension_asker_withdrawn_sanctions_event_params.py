"""Who asked for an extension, withdrawn sanctions, untranslated event messages with their placeholders, and the
instructions to a department as a note kind of their own; earlier rows are brought into the new shape."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


# The messages without placeholders the complainant could read before; stored translated until now.
PLAIN_MESSAGES = (
    "Your complaint was received.",
    "Your complaint was accepted and will be investigated.",
    "Your complaint was passed to the department concerned for investigation.",
    "The time to investigate was extended.",
    "The reply to your complaint is ready.",
    "Thank you for your rating.",
    "You reopened the complaint; it is being looked at again.",
)


def forwards(apps, schema_editor):
    from django.conf import settings as conf
    from django.utils import translation

    event_model = apps.get_model("complaints", "ComplaintEvent")
    note_model = apps.get_model("complaints", "ComplaintNote")
    complaint_model = apps.get_model("complaints", "Complaint")
    department_model = apps.get_model("org", "Department")
    # Event texts back to their message, so each reader gets it in their own language.
    for message in PLAIN_MESSAGES:
        for code, _name in conf.LANGUAGES:
            with translation.override(code):
                shown = translation.gettext(message)
            if shown != message:
                event_model.objects.filter(public_text=shown).update(public_text=message)
    # The instructions given when handing over were kept as an investigation note of the supervisor.
    handed = event_model.objects.filter(action="handed_to_department").exclude(note="")
    for event in handed.iterator():
        name, sep, text = event.note.partition(": ")
        if not sep:
            continue
        department = department_model.objects.filter(name=name).order_by("pk").first()
        note_model.objects.filter(
            complaint_id=event.complaint_id, kind="note", author_id=event.actor_id, created_at=event.at, text=text
        ).update(kind="instructions", department=department)
    # Who asked for an extension still waiting for a decision.
    for event in event_model.objects.filter(action="extension_requested", actor__isnull=False).iterator():
        complaint_model.objects.filter(
            pk=event.complaint_id, extension_state="requested", extension_requested_by__isnull=True
        ).update(extension_requested_by_id=event.actor_id)


class Migration(migrations.Migration):

    dependencies = [
        ('complaints', '0002_complaintfinding'),
        ('org', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='complaint',
            name='extension_requested_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='extension asked by'),
        ),
        migrations.AddField(
            model_name='complaintevent',
            name='public_params',
            field=models.JSONField(blank=True, default=dict, verbose_name='placeholders of the message'),
        ),
        migrations.AddField(
            model_name='complaintsanction',
            name='withdrawn_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='withdrawn at'),
        ),
        migrations.AlterField(
            model_name='complaintnote',
            name='kind',
            field=models.CharField(choices=[('note', 'Investigation note'), ('report', "Department's report"), ('return', 'Returned by the department (退单)'), ('instructions', 'Instructions to the department')], default='note', max_length=12, verbose_name='kind'),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
