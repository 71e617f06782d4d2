"""Rule 6 (insights.viewer): a reader who sees some people's own answers could take them away from
a figure, so for that reader the privacy rules count only the other people."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from assessments.selectors import people_seen_by_organisation_readers, people_seen_individually
from people.models import StaffProfile
from tests.assessments.test_gaps import crowd, make_cycle
from tests.factories import (
    StaffProfileFactory,
    TeamFactory,
    framework_with_skills,
    head_of_digital,
    leadership,
)

ORGANISATION = reverse("insights:organisation_dashboard")
PROTECTED = "hidden to protect a small group"


@pytest.fixture
def cycle(db):
    return make_cycle(framework_with_skills())


@pytest.fixture
def leader_who_manages(db) -> StaffProfile:
    """A director in Leadership who line-manages three people."""
    return StaffProfileFactory(user=leadership(email="director@example.org"))


@pytest.fixture
def directorate_of_seven(cycle, leader_who_manages):
    """Seven people in one directorate: three report to the director, four to someone else."""
    team = TeamFactory(name="Digital", directorate__name="Resources")
    crowd(cycle, team, [0, 1, 2], prefix="a", line_manager=leader_who_manages)
    crowd(cycle, team, [1, 1, 2, 3], prefix="b", line_manager=StaffProfileFactory())
    return team


def heatmap_rows(client) -> list[list[str]]:
    response = client.get(ORGANISATION, {"format": "csv", "table": "heatmap"})
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    return [row for row in rows if row and row[0] == "Resources"]


def test_a_leader_who_manages_nobody_sees_the_directorates_figures(
    client_for, directorate_of_seven
):
    (row,) = heatmap_rows(client_for(leadership(email="other-leader@example.org")))

    assert row[1] == "7"
    assert PROTECTED not in row[-1]


def test_a_leader_who_manages_three_of_seven_does_not_see_the_other_four(
    client_for, directorate_of_seven, leader_who_manages
):
    (row,) = heatmap_rows(client_for(leader_who_manages.user))

    assert row[1] == ""
    assert PROTECTED in row[-1]
    page = client_for(leader_who_manages.user).get(ORGANISATION).content.decode()
    assert PROTECTED in page


def test_a_head_who_reviews_people_with_no_line_manager_is_protected_from_them_too(
    client_for, cycle
):
    team = TeamFactory(name="Digital", directorate__name="Resources")
    crowd(cycle, team, [0, 1, 2], prefix="a")  # no line manager: heads of digital review them
    crowd(cycle, team, [1, 1, 2, 3], prefix="b", line_manager=StaffProfileFactory())

    (as_head,) = heatmap_rows(client_for(head_of_digital(email="head@example.org")))
    (as_leader,) = heatmap_rows(client_for(leadership(email="leader@example.org")))

    assert as_leader[1] == "7"
    assert PROTECTED not in as_leader[-1]
    assert PROTECTED in as_head[-1]


def test_a_person_sees_their_own_and_their_active_reports_answers(db):
    manager = StaffProfileFactory()
    report = StaffProfileFactory(line_manager=manager)
    StaffProfileFactory(line_manager=manager, active=False)
    StaffProfileFactory()  # someone else

    assert people_seen_individually(manager.user) == {manager.pk, report.pk}
    assert people_seen_individually(report.user) == {report.pk}


def test_a_head_of_digital_also_sees_everyone_with_no_active_line_manager(db):
    head = StaffProfileFactory(user=head_of_digital())
    leaver = StaffProfileFactory(active=False)
    orphan = StaffProfileFactory(line_manager=leaver)
    alone = StaffProfileFactory()
    managed = StaffProfileFactory(line_manager=StaffProfileFactory())

    seen = people_seen_individually(head.user)

    assert {head.pk, orphan.pk, alone.pk} <= seen
    assert managed.pk not in seen


def test_a_report_is_protected_for_everyone_who_may_download_it(db, leader_who_manages):
    report = StaffProfileFactory(line_manager=leader_who_manages)
    staff_manager = StaffProfileFactory()
    their_report = StaffProfileFactory(line_manager=staff_manager)
    managed_elsewhere = StaffProfileFactory(line_manager=StaffProfileFactory())

    seen = people_seen_by_organisation_readers()

    assert {leader_who_manages.pk, report.pk} <= seen
    # Nobody who reads organisation figures manages these two.
    assert their_report.pk not in seen
    assert managed_elsewhere.pk not in seen


def test_the_ids_of_people_with_no_active_line_manager_are_the_same_people(db):
    leaver = StaffProfileFactory(active=False)
    signed_out = StaffProfileFactory(user__is_active=False)
    StaffProfileFactory(line_manager=StaffProfileFactory())
    StaffProfileFactory(line_manager=leaver)
    StaffProfileFactory(line_manager=signed_out)
    StaffProfileFactory()

    expected = set(StaffProfile.objects.without_active_line_manager().values_list("pk", flat=True))

    assert StaffProfile.objects.without_active_line_manager_ids() == expected
    assert len(expected) == 6  # four with no line manager named, two whose manager has left
