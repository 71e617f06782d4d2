from django.db import migrations, models
from django.db.models import Count, Max, Q


def stamp_statuses(apps, schema_editor):
    """Fill the new counts for every stamp that is still fresh, so the summaries need not be
    rebuilt (inside someone's request) after this migration. A stale stamp is left at 0: the next
    read rebuilds that team, as it would have anyway."""
    Assessment = apps.get_model("assessments", "Assessment")
    GapSummaryStamp = apps.get_model("assessments", "GapSummaryStamp")
    live = {
        (row["cycle_id"], row["team_id"] or 0): row
        for row in Assessment.objects.order_by()
        .values("cycle_id", "team_id")
        .annotate(
            count=Count("id"),
            submitted=Count("id", filter=Q(status="submitted")),
            reviewed=Count("id", filter=Q(status="reviewed")),
            latest=Max("updated_at"),
        )
    }
    fresh = []
    for stamp in GapSummaryStamp.objects.all():
        row = live.get((stamp.cycle_id, stamp.team_key))
        if row and (row["count"], row["latest"]) == (stamp.assessments, stamp.latest):
            stamp.submitted, stamp.reviewed = row["submitted"], row["reviewed"]
            fresh.append(stamp)
    GapSummaryStamp.objects.bulk_update(fresh, ["submitted", "reviewed"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0004_gap_summary"),
    ]

    operations = [
        migrations.AddField(
            model_name="gapsummarystamp",
            name="reviewed",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="gapsummarystamp",
            name="submitted",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.RunPython(stamp_statuses, migrations.RunPython.noop),
    ]
