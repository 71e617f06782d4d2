"""Invitations and reminders move to the outbox: each ReminderSent row becomes a sent outbox email
with the same idempotency key the service now uses, so nobody is emailed twice."""

from django.db import migrations, models

KINDS = {"invitation": "invitation", "7_days": "reminder", "2_days": "reminder"}


def key(row):
    if row.kind == "invitation":
        return f"invitation:{row.cycle_id}:{row.person_id}"
    return f"reminder-{row.kind}:{row.cycle_id}:{row.person_id}"


def forwards(apps, schema_editor):
    ReminderSent = apps.get_model("assessments", "ReminderSent")
    Email = apps.get_model("outbox", "Email")
    Cycle = apps.get_model("assessments", "Cycle")
    rows = ReminderSent.objects.select_related("person__user").iterator(chunk_size=2000)
    batch = []
    for row in rows:
        batch.append(
            Email(
                key=key(row),
                kind=KINDS.get(row.kind, row.kind),
                to=row.person.user.email,
                subject="Sent before the outbox recorded emails",
                body="",
                status="sent",
                attempts=1,
                created_at=row.sent_at,
                next_attempt_at=row.sent_at,
                sent_at=row.sent_at,
            )
        )
        if len(batch) >= 2000:
            Email.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    Email.objects.bulk_create(batch, ignore_conflicts=True)
    # Cycles already opened had their invitations sent when they opened.
    Cycle.objects.exclude(opened_at=None).update(invitations_queued_at=models.F("opened_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0010_assessment_review_revision"),
        ("outbox", "0001_initial"),
        ("people", "0003_people_imports"),
    ]

    operations = [
        migrations.AddField(
            model_name="cycle",
            name="invitations_queued_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.DeleteModel(name="ReminderSent"),
    ]
