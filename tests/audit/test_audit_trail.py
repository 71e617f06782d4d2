"""The audit trail: who changed what, when, before and after; read by heads of digital per
person and per object and as CSV; individual answers only where heads may see them."""

from __future__ import annotations

import csv
import io

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import Group

from capability.services import framework_create_draft, framework_publish
from common.roles import HEAD_OF_DIGITAL
from people.models import StaffProfile
from tests.assessments.journey import DATA_SKILL, SECURITY_SKILL, level, skill, submitted

pytestmark = pytest.mark.django_db


def review(client, assessment, framework, comment="Let us plan some training"):
    data, security = skill(framework, DATA_SKILL), skill(framework, SECURITY_SKILL)
    return client.post(
        f"/assessments/review/{assessment.pk}/",
        {
            f"agreed_{data.pk}": level(framework, 2).pk,
            f"comment_{data.pk}": "",
            f"agreed_{security.pk}": level(framework, 1).pk,
            f"comment_{security.pk}": comment,
        },
    )


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_a_review_is_recorded_with_who_did_it_and_the_levels_before_and_after(
    client_for, alice, manager, open_cycle, framework
):
    assessment = submitted(open_cycle, alice, number=2)
    assert review(client_for(manager), assessment, framework).status_code == 302
    entry = LogEntry.objects.filter(
        content_type__model="rating", changes__has_key="manager_comment"
    ).get()
    assert entry.actor == manager.user
    assert entry.changes["manager_comment"] == ["", "Let us plan some training"]
    assert entry.additional_data["person_id"] == alice.pk
    status = LogEntry.objects.filter(content_type__model="assessment", changes__has_key="status")
    assert ["submitted", "reviewed"] in [e.changes["status"] for e in status]


def test_heads_see_that_a_managed_persons_rating_changed_but_not_the_answer(
    client_for, alice, manager, head, open_cycle, framework
):
    assessment = submitted(open_cycle, alice, number=2)
    review(client_for(manager), assessment, framework)
    page = client_for(head).get(f"/manage/audit/people/{alice.pk}/").content.decode()
    assert "Mary Manager" in page
    assert "Alice Adams: " in page  # the person and skill, not the rating's level
    assert "Let us plan some training" not in page
    assert "hidden: an individual answer" in page
    download = client_for(head).get(f"/manage/audit/people/{alice.pk}/?format=csv")
    text = download.content.decode()
    assert "Let us plan some training" not in text
    assert "hidden: an individual answer" in text
    assert "attachment" in download["Content-Disposition"]


def test_heads_see_the_answers_of_people_they_review_themselves(
    client_for, charlie, head, open_cycle, framework, officers
):
    """Charlie has no line manager: heads of digital review him, so they see his answers."""
    assessment = submitted(open_cycle, charlie, number=2)
    review(client_for(head), assessment, framework, comment="Good progress")
    page = client_for(head).get(f"/manage/audit/people/{charlie.pk}/").content.decode()
    assert "Good progress" in page
    assert "hidden: an individual answer" not in page


def test_a_persons_trail_holds_what_is_about_them_and_not_others(
    client_for, alice, bob, head, open_cycle, officers
):
    submitted(open_cycle, alice)
    submitted(open_cycle, bob)
    rows = csv_rows(client_for(head).get(f"/manage/audit/people/{alice.pk}/?format=csv"))
    labels = " ".join(row[4] for row in rows[4:])
    assert "Alice Adams" in labels
    assert "Bob Brown" not in labels


def test_publishing_a_framework_and_joining_a_group_are_recorded(framework, head, alice):
    draft = framework_create_draft(source=framework, version="v9")
    framework_publish(framework=draft)
    published = LogEntry.objects.get_for_object(draft).filter(changes__has_key="status")
    assert ["draft", "published"] in [e.changes["status"] for e in published]

    alice.user.groups.add(Group.objects.get(name=HEAD_OF_DIGITAL))
    entry = LogEntry.objects.get_for_object(alice.user).filter(changes__has_key="groups").get()
    assert entry.changes["groups"]["operation"] == "add"
    assert entry.changes["groups"]["objects"] == [HEAD_OF_DIGITAL]


def test_an_objects_history_and_the_whole_trail_by_kind(client_for, head, framework):
    draft = framework_create_draft(source=framework, version="v9")
    framework_publish(framework=draft)
    page = client_for(head).get(f"/manage/audit/capability.framework/{draft.pk}/")
    assert page.status_code == 200
    assert "v9" in page.content.decode()
    listed = client_for(head).get("/manage/audit/?kind=capability.framework").content.decode()
    assert "Framework version" in listed
    assert client_for(head).get("/manage/audit/?kind=nonsense").status_code == 200


def test_finding_a_person_by_email(client_for, head, alice):
    response = client_for(head).get("/manage/audit/?person=ALICE@example.org")
    assert response.status_code == 302
    assert response.url == f"/manage/audit/people/{alice.pk}/"
    missing = client_for(head).get("/manage/audit/?person=nobody@example.org", follow=True)
    assert "Nobody with the email address nobody@example.org" in missing.content.decode()


@pytest.mark.parametrize(
    "url",
    ["/manage/audit/", "/manage/audit/?format=csv", "/manage/audit/people/{alice}/"],
)
@pytest.mark.parametrize("who", ["alice", "manager", "leader"])
def test_nobody_but_a_head_reads_the_audit_trail(client_for, request, alice, who, url):
    person = request.getfixturevalue(who)
    response = client_for(getattr(person, "user", person)).get(url.format(alice=alice.pk))
    assert response.status_code == 403


def test_unknown_kinds_people_and_objects_are_not_found(client_for, head, framework):
    client = client_for(head)
    assert client.get("/manage/audit/people/999999/").status_code == 404
    assert client.get("/manage/audit/people.secret/1/").status_code == 404
    assert (
        client.get(f"/manage/audit/capability.framework/{framework.pk + 1000}/").status_code == 404
    )


def test_the_audit_trail_cannot_be_changed_through_the_service(client_for, head, alice):
    alice.user.full_name = "Alice Changed"
    alice.user.save()
    before = LogEntry.objects.count()
    for method in ("post", "put", "delete"):
        response = getattr(client_for(head), method)(f"/manage/audit/people/{alice.pk}/")
        assert response.status_code == 405
    assert LogEntry.objects.count() == before
    assert StaffProfile.objects.filter(pk=alice.pk).exists()
