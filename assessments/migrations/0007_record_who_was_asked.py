"""Record who was asked to take part in each cycle as a not-started assessment.

Completion used to count, for an open cycle, every active person without an assessment, and for
a closed one only the people emailed about it. Now a cycle's assessments are the people asked
(made when it opens, and for joiners while it is open). This adds the rows the old definitions
counted: for an open cycle, active people without one; for a closed cycle, people emailed about
it without one. Their snapshot is their team and role as they are now (the best there is).
"""

from django.db import migrations


def record_who_was_asked(apps, schema_editor):
    Cycle = apps.get_model("assessments", "Cycle")
    Assessment = apps.get_model("assessments", "Assessment")
    ReminderSent = apps.get_model("assessments", "ReminderSent")
    StaffProfile = apps.get_model("people", "StaffProfile")
    RoleProfile = apps.get_model("capability", "RoleProfile")
    Tier = apps.get_model("capability", "Tier")
    for cycle in Cycle.objects.exclude(state="draft"):
        if cycle.state == "open":
            people = StaffProfile.objects.filter(active=True, user__is_active=True)
        else:
            emailed = ReminderSent.objects.filter(cycle=cycle).values("person_id")
            people = StaffProfile.objects.filter(pk__in=emailed)
        people = people.exclude(assessments__cycle=cycle).select_related("team", "role_profile")
        roles = {
            role.slug: role for role in RoleProfile.objects.filter(framework_id=cycle.framework_id)
        }
        lowest = Tier.objects.filter(framework_id=cycle.framework_id).order_by("number").first()
        rows = []
        for person in people.iterator(chunk_size=2000):
            role = roles.get(person.role_profile.slug) if person.role_profile_id else None
            rows.append(
                Assessment(
                    cycle=cycle,
                    person=person,
                    status="not_started",
                    team_id=person.team_id,
                    directorate_id=person.team.directorate_id if person.team_id else None,
                    tier_id=role.tier_id if role else (lowest.pk if lowest else None),
                    role_profile=role,
                )
            )
        Assessment.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0006_summary_directorate_indexes"),
        ("capability", "0001_initial"),
        ("people", "0001_initial"),
    ]

    operations = [migrations.RunPython(record_who_was_asked, migrations.RunPython.noop)]
