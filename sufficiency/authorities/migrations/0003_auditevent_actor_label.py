"""The audit trail keeps its authors: `actor_label` holds who acted as text, so deleting a user account
(which empties `actor`) leaves every event still attributed. Existing events are labelled from their actor."""

from django.db import migrations, models


def label_existing_events(apps, schema_editor):
    AuditEvent = apps.get_model("authorities", "AuditEvent")
    User = apps.get_model("accounts", "User")
    emails = dict(User.objects.values_list("pk", "email"))
    for event in (
        AuditEvent.objects.filter(actor__isnull=False, actor_label="").only("pk", "actor_id").iterator()
    ):
        AuditEvent.objects.filter(pk=event.pk).update(actor_label=emails.get(event.actor_id, "")[:254])


class Migration(migrations.Migration):
    dependencies = [
        ("authorities", "0002_load_local_authorities"),
        ("accounts", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="actor_label",
            field=models.CharField(blank=True, default="", max_length=254),
        ),
        migrations.RunPython(label_existing_events, migrations.RunPython.noop),
    ]
