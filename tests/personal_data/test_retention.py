"""Retention: people who left more than RETENTION_MONTHS ago are anonymised by a daily beat task;
their levels stay inside the figures, which do not change."""

from __future__ import annotations

import datetime
import importlib

import pytest
from auditlog.models import LogEntry
from celery import current_app
from django.conf import settings as django_settings
from django.utils import timezone

from assessments.models import Rating
from insights import publishing
from outbox.models import Email
from people.models import StaffProfile, User
from personal_data.services import leavers_anonymise, months_before
from tests.assessments.test_published_figures import data_figure, shown
from tests.personal_data.conftest import ALICE_EVIDENCE, BOB_EVIDENCE, COMMENT

pytestmark = pytest.mark.django_db


def left(person: StaffProfile, *, months_ago: int) -> None:
    when = months_before(timezone.now(), months_ago) - datetime.timedelta(days=1)
    StaffProfile.objects.filter(pk=person.pk).update(active=False, left_at=when)
    User.objects.filter(pk=person.user_id).update(is_active=False)


def everything_stored() -> str:
    """Every text the database holds about people, ratings, emails and the audit trail."""
    rows = [
        *User.objects.values_list("email", "full_name"),
        *StaffProfile.objects.values_list("job_title"),
        *Rating.objects.values_list("evidence", "manager_comment"),
        *Email.objects.values_list("to", "subject", "body"),
        *LogEntry.objects.values_list(
            "object_repr", "changes", "changes_text", "actor_email", "serialized_data"
        ),
    ]
    return repr(rows)


def test_a_leaver_past_the_retention_period_is_anonymised(alice, alice_assessed, bob_assessed):
    levels = list(
        Rating.objects.filter(assessment__person=alice).values_list("level", "agreed_level")
    )
    left(alice, months_ago=24)

    assert leavers_anonymise() == 1

    user = User.objects.get(pk=alice.user_id)
    assert user.full_name == "Former member of staff"
    assert user.email == f"removed-{user.pk}@invalid.example"
    assert not user.has_usable_password() and not user.is_active
    assert StaffProfile.objects.get(pk=alice.pk).job_title == ""
    ratings = Rating.objects.filter(assessment__person=alice)
    assert set(ratings.values_list("evidence", "manager_comment")) == {("", "")}
    assert list(ratings.values_list("level", "agreed_level")) == levels
    stored = everything_stored()
    for trace in ("Alice Adams", "alice@example.org", ALICE_EVIDENCE, COMMENT):
        assert trace not in stored
    assert BOB_EVIDENCE in stored and "Bob Brown" in stored  # nobody else is touched
    assert Email.objects.filter(to=user.email, subject="", body="").exists()


def test_the_anonymisation_is_recorded_in_the_audit_trail_with_no_actor(alice, alice_assessed):
    left(alice, months_ago=24)
    leavers_anonymise()
    entry = LogEntry.objects.filter(additional_data__anonymised="retention").get()
    assert entry.actor is None
    assert entry.additional_data["person_id"] == alice.pk
    assert entry.object_repr == "Former member of staff"


def test_a_leaver_within_the_retention_period_is_kept(alice, alice_assessed):
    left(alice, months_ago=23)
    assert leavers_anonymise() == 0
    assert User.objects.get(pk=alice.user_id).full_name == "Alice Adams"
    assert Rating.objects.filter(assessment__person=alice, evidence=ALICE_EVIDENCE).exists()


def test_the_retention_period_comes_from_the_setting(settings, alice, alice_assessed):
    settings.RETENTION_MONTHS = 6
    left(alice, months_ago=6)
    assert leavers_anonymise() == 1


def test_people_still_here_and_superusers_are_never_anonymised(alice, manager, alice_assessed):
    User.objects.filter(pk=manager.user_id).update(is_superuser=True)
    left(manager, months_ago=30)
    StaffProfile.objects.filter(pk=alice.pk).update(left_at=months_before(timezone.now(), 30))
    assert leavers_anonymise() == 0
    assert User.objects.get(pk=alice.user_id).email == "alice@example.org"
    assert StaffProfile.objects.get(pk=alice.pk).left_at is None  # active: she has not left


def test_a_second_run_changes_nothing(alice, alice_assessed):
    left(alice, months_ago=24)
    leavers_anonymise()
    stored, entries = everything_stored(), LogEntry.objects.count()
    assert leavers_anonymise() == 0
    assert everything_stored() == stored
    assert LogEntry.objects.count() == entries


def test_the_organisation_figures_are_the_same_after_anonymising(
    settings, open_cycle, alice, alice_assessed, bob_assessed
):
    settings.SMALL_GROUP_THRESHOLD = 1
    publishing.rebuild(cycle_id=open_cycle.pk, fresh=True)
    before = shown(data_figure(open_cycle))
    left(alice, months_ago=25)
    leavers_anonymise()
    publishing.rebuild(cycle_id=open_cycle.pk)
    assert shown(data_figure(open_cycle)) == before
    assert before[0] == 2  # both people still counted


def test_someone_made_inactive_outside_the_services_counts_from_that_day(alice):
    StaffProfile.objects.filter(pk=alice.pk).update(active=False)
    leavers_anonymise()
    assert StaffProfile.objects.get(pk=alice.pk).left_at is not None
    assert User.objects.get(pk=alice.user_id).full_name == "Alice Adams"


def test_the_beat_task_is_scheduled_and_registered_under_its_name(alice, alice_assessed):
    names = {entry["task"] for entry in django_settings.CELERY_BEAT_SCHEDULE.values()}
    assert "personal_data.tasks.anonymise_leavers" in names
    importlib.import_module("personal_data.tasks")
    left(alice, months_ago=24)
    assert current_app.tasks["personal_data.tasks.anonymise_leavers"].apply().get() == 1
    assert User.objects.get(pk=alice.user_id).full_name == "Former member of staff"


def test_a_full_hr_extract_sets_the_leaving_date_and_undoing_it_clears_it(head, alice, bob):
    from people.services import import_apply, import_preview, import_undo_deactivations

    text = (
        "name,email,directorate,team,job title,line manager email,role\n"
        "Bob Brown,bob@example.org,Communities,Customer Services,,,\n"
        "Harriet Head,head@example.org,Communities,Customer Services,,,\n"
        "Mary Manager,mary@example.org,Communities,Customer Services,,,\n"
    )
    record = import_preview(text=text, file_name="hr.csv", mode="full", by=head)
    record = import_apply(record=record, by=head, deactivations_confirmed=1)
    assert StaffProfile.objects.get(pk=alice.pk).left_at is not None
    import_undo_deactivations(record=record, by=head)
    assert StaffProfile.objects.get(pk=alice.pk).left_at is None
