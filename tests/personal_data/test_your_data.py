"""Your data: everything held about the signed-in person, as a page and as a JSON file, and
nothing about anyone else; heads of digital produce the same file for a person who asks."""

from __future__ import annotations

import json

import pytest
from auditlog.models import LogEntry

from tests.personal_data.conftest import ALICE_EVIDENCE, BOB_EVIDENCE, COMMENT

pytestmark = pytest.mark.django_db


def test_the_page_shows_the_profile_assessments_reviews_emails_and_audit_entries(
    client_for, alice, alice_assessed
):
    response = client_for(alice).get("/your-data/")
    page = response.content.decode()
    assert response.status_code == 200
    for text in ("Alice Adams", "alice@example.org", "Customer Services", "Communities"):
        assert text in page
    assert "Mary Manager" in page  # line manager and reviewer
    assert "2026 Q4" in page
    assert ALICE_EVIDENCE in page
    assert COMMENT in page
    assert "3 Practitioner" in page and "2 Working" in page  # chosen and agreed levels
    assert "Your review" in page  # an email sent to her
    assert "Changed rating" in page  # the audit trail, her answers unmasked
    assert "hidden: an individual answer" not in page
    assert "no-store" in response["Cache-Control"]


def test_the_json_file_holds_the_same_and_is_a_private_attachment(
    client_for, alice, alice_assessed
):
    response = client_for(alice).get("/your-data/download/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="your-data-')
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    data = json.loads(response.content)
    assert data["profile"]["name"] == "Alice Adams"
    assert data["profile"]["email"] == "alice@example.org"
    assert data["profile"]["line_manager"] == "Mary Manager"
    [assessment] = data["assessments"]
    assert assessment["cycle"] == "2026 Q4"
    evidence = {rating["evidence"] for rating in assessment["ratings"]}
    assert ALICE_EVIDENCE in evidence
    assert COMMENT in {rating["manager_comment"] for rating in assessment["ratings"]}
    assert data["reviews"][0]["reviewed_by"] == "Mary Manager"
    assert "Your review" in {email["subject"] for email in data["emails"]}
    changed = [change for entry in data["audit_entries"] for change in entry["changes"]]
    assert {"field": "evidence", "before": "", "after": ALICE_EVIDENCE} in changed


def test_nothing_about_another_person_is_in_the_page_or_the_file(
    client_for, alice, bob, alice_assessed, bob_assessed
):
    client = client_for(alice)
    for url in ("/your-data/", "/your-data/download/"):
        text = client.get(url).content.decode()
        assert "Bob Brown" not in text
        assert "bob@example.org" not in text
        assert BOB_EVIDENCE not in text


def test_a_manager_sees_what_they_did_but_not_their_reports_answers(
    client_for, manager, alice_assessed
):
    text = client_for(manager).get("/your-data/download/").content.decode()
    data = json.loads(text)
    assert "Someone else's record" in {entry["record"] for entry in data["audit_entries"]}
    assert ALICE_EVIDENCE not in text and COMMENT not in text
    # The emails sent to Mary about Alice are Mary's; the trail of Alice's records is not.
    assert "Alice Adams" not in json.dumps(data["audit_entries"])


def test_the_page_takes_no_id_and_answers_only_with_the_signed_in_persons_data(
    client_for, bob, alice_assessed
):
    response = client_for(bob).get(f"/your-data/?person={alice_assessed.person_id}")
    assert "Bob Brown" in response.content.decode()
    assert ALICE_EVIDENCE not in response.content.decode()


def test_you_must_sign_in_to_see_your_data(client, alice_assessed):
    for url in ("/your-data/", "/your-data/download/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith("/sign-in/")


def test_the_home_page_and_the_privacy_notice_link_to_your_data(client_for, alice):
    assert 'href="/your-data/"' in client_for(alice).get("/").content.decode()
    assert 'href="/your-data/"' in client_for(alice).get("/privacy/").content.decode()


def test_a_head_downloads_a_persons_file_and_the_download_is_recorded(
    client_for, head, alice, alice_assessed
):
    page = client_for(head).get(f"/manage/people/{alice.pk}/personal-data/")
    assert page.status_code == 200
    assert "Download their data as a JSON file" in page.content.decode()
    response = client_for(head).get(f"/manage/people/{alice.pk}/personal-data/download/")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    data = json.loads(response.content)
    assert data["profile"]["email"] == "alice@example.org"
    assert ALICE_EVIDENCE in response.content.decode()
    entry = LogEntry.objects.filter(action=LogEntry.Action.ACCESS).get()
    assert entry.actor == head
    assert entry.additional_data["person_id"] == alice.pk


def test_a_head_finds_a_person_by_email(client_for, head, alice):
    response = client_for(head).get("/manage/people/personal-data/?email=ALICE@example.org")
    assert response.status_code == 302
    assert response.url == f"/manage/people/{alice.pk}/personal-data/"
    missing = client_for(head).get("/manage/people/personal-data/?email=nobody@example.org")
    assert missing.status_code == 200
    assert "Nobody with the email address nobody@example.org" in missing.content.decode()
    assert "govuk-error-summary" in missing.content.decode()


@pytest.mark.parametrize("who", ["alice", "bob", "manager", "leader"])
@pytest.mark.parametrize(
    "url",
    [
        "/manage/people/personal-data/",
        "/manage/people/{alice}/personal-data/",
        "/manage/people/{alice}/personal-data/download/",
        "/manage/people/{alice}/erase/",
    ],
)
def test_nobody_but_a_head_produces_or_erases_someone_elses_data(
    client_for, request, alice, who, url
):
    person = request.getfixturevalue(who)
    client = client_for(person)
    assert client.get(url.format(alice=alice.pk)).status_code == 403
    assert client.post(url.format(alice=alice.pk)).status_code in (403, 405)
    assert not LogEntry.objects.filter(action=LogEntry.Action.ACCESS).exists()


def test_an_unknown_person_is_not_found(client_for, head):
    assert client_for(head).get("/manage/people/999999/personal-data/").status_code == 404
    assert client_for(head).get("/manage/people/999999/erase/").status_code == 404
