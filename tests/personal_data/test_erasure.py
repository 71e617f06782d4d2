"""Erasure on request: a head of digital erases a person at once, after confirming; the effect
is the retention rule's, and the audit trail records who did it."""

from __future__ import annotations

import html

import pytest
from auditlog.models import LogEntry

from assessments.models import Rating
from people.models import StaffProfile, User
from tests.factories import PASSWORD, StaffProfileFactory
from tests.personal_data.conftest import ALICE_EVIDENCE, COMMENT
from tests.personal_data.test_retention import everything_stored

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(response.content.decode())


def erase(client, person, data=None):
    return client.post(f"/manage/people/{person.pk}/erase/", data or {"confirm": "erase"})


def test_the_confirmation_page_names_the_person_and_what_will_happen(client_for, head, alice):
    page = text(client_for(head).get(f"/manage/people/{alice.pk}/erase/"))
    assert "Erase Alice Adams's personal data?" in page
    assert "alice@example.org" in page
    assert "This cannot be undone" in page
    assert 'type="checkbox"' in page


@pytest.mark.parametrize("data", [{}, {"confirm": "yes please"}, {"confirm": ""}])
def test_erasing_needs_the_confirmation(client_for, head, alice, alice_assessed, data):
    response = client_for(head).post(f"/manage/people/{alice.pk}/erase/", data)
    assert response.status_code == 400
    page = text(response)
    assert "govuk-error-summary" in page
    assert "Confirm that you want to erase Alice Adams's personal data" in page
    assert User.objects.get(pk=alice.user_id).full_name == "Alice Adams"


def test_a_head_erases_a_person_who_has_not_left(client_for, head, alice, alice_assessed):
    response = erase(client_for(head), alice)
    assert response.status_code == 302
    user = User.objects.get(pk=alice.user_id)
    assert user.full_name == "Former member of staff"
    assert user.email == f"removed-{user.pk}@invalid.example"
    assert not user.is_active and not user.has_usable_password()
    profile = StaffProfile.objects.get(pk=alice.pk)
    assert not profile.active and profile.left_at is not None
    ratings = Rating.objects.filter(assessment__person=alice)
    assert ratings.count() == 2
    assert set(ratings.values_list("evidence", "manager_comment")) == {("", "")}
    stored = everything_stored()
    for trace in ("Alice Adams", "alice@example.org", ALICE_EVIDENCE, COMMENT):
        assert trace not in stored


def test_the_head_is_told_the_erasure_is_done(client_for, head, alice):
    client = client_for(head)
    response = client.post(f"/manage/people/{alice.pk}/erase/", {"confirm": "erase"}, follow=True)
    assert "Alice Adams's personal data has been erased" in text(response)


def test_the_erasure_is_recorded_with_the_head_as_actor(client_for, head, alice):
    erase(client_for(head), alice)
    entry = LogEntry.objects.filter(additional_data__anonymised="erasure").get()
    assert entry.actor == head
    assert entry.additional_data["person_id"] == alice.pk
    page = text(client_for(head).get(f"/manage/audit/people/{alice.pk}/"))
    assert "erased at the person's request" in page
    assert "Harriet Head" in page


def test_the_erased_person_can_no_longer_sign_in(client, client_for, head, alice):
    erase(client_for(head), alice)
    response = client.post("/sign-in/", {"username": "alice@example.org", "password": PASSWORD})
    assert response.status_code == 200  # the form again, with an error: not signed in
    assert "_auth_user_id" not in client.session


def test_erasing_yourself_is_refused(client_for, head):
    own = StaffProfileFactory(user=head)
    page = text(client_for(head).get(f"/manage/people/{own.pk}/erase/"))
    assert "You cannot erase your own personal data" in page
    assert 'type="checkbox"' not in page
    response = erase(client_for(head), own)
    assert response.status_code == 403
    assert User.objects.get(pk=head.pk).full_name == "Harriet Head"


def test_erasing_a_superuser_is_refused(client_for, head, alice):
    User.objects.filter(pk=alice.user_id).update(is_superuser=True)
    response = erase(client_for(head), alice)
    assert response.status_code == 403
    assert "is an administrator" in text(response)
    assert User.objects.get(pk=alice.user_id).full_name == "Alice Adams"


def test_erasing_twice_changes_nothing_more(client_for, head, alice, alice_assessed):
    client = client_for(head)
    erase(client, alice)
    stored, entries = everything_stored(), LogEntry.objects.count()
    response = erase(client, alice)
    assert response.status_code == 403
    assert "already been removed" in text(response)
    assert everything_stored() == stored and LogEntry.objects.count() == entries
