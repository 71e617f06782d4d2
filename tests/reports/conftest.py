"""A small organisation with two cycles of self-assessments to report on."""

from __future__ import annotations

from datetime import date

import pytest

from assessments.models import Assessment, Cycle, Rating
from capability.models import Framework, Tier
from people.models import Directorate, StaffProfile, Team, User
from reports.models import Report
from tests.factories import framework_with_skills
from tests.figures import publish

SUBMITTED = Assessment.Status.SUBMITTED


def make_cycle(framework: Framework, name: str, opens_on: date, state: str) -> Cycle:
    return Cycle.objects.create(
        name=name,
        opens_on=opens_on,
        closes_on=opens_on.replace(day=28),
        framework=framework,
        state=state,
    )


def people_in(team: Team, count: int) -> list[StaffProfile]:
    users = User.objects.bulk_create(
        [
            User(email=f"r{team.pk}-{n}@example.org", full_name=f"Person {team.pk}-{n}")
            for n in range(count)
        ]
    )
    return StaffProfile.objects.bulk_create([StaffProfile(user=user, team=team) for user in users])


def assess_all(cycle: Cycle, people: list[StaffProfile], levels: list[int]) -> None:
    """Each person rates every all-staff skill at their entry in `levels`, against target 2."""
    framework = cycle.framework
    tier = Tier.objects.get(framework=framework, slug="all-staff")
    by_number = {level.number: level for level in framework.levels.all()}
    skills = list(framework.skills.filter(tier=tier))
    for person, level in zip(people, levels, strict=True):
        assessment = Assessment.objects.create(
            cycle=cycle,
            person=person,
            status=SUBMITTED,
            directorate_id=person.team.directorate_id,
            team_id=person.team_id,
            tier=tier,
        )
        Rating.objects.bulk_create(
            [
                Rating(assessment=assessment, skill=skill, level=by_number[level], target=2)
                for skill in skills
            ]
        )
    publish(cycle)


@pytest.fixture
def organisation(db) -> Cycle:
    return build_organisation()


def build_organisation() -> Cycle:
    """Communities (6 people assessed), Place (3: too few to show) and Resources (5: hidden so
    that everyone minus Communities cannot give Place's figures) assessed in 2026 Q1 (closed)
    and 2026 Q2 (open). Returns 2026 Q2."""
    framework = framework_with_skills()
    # get_or_create: the shared fixtures (alice, charlie) use the same directorate names.
    communities = Team.objects.create(
        name="Libraries", directorate=Directorate.objects.get_or_create(name="Communities")[0]
    )
    place = Team.objects.create(
        name="Planning office", directorate=Directorate.objects.get_or_create(name="Place")[0]
    )
    resources = Team.objects.create(
        name="Finance", directorate=Directorate.objects.get_or_create(name="Resources")[0]
    )
    first = make_cycle(framework, "2026 Q1", date(2026, 1, 1), Cycle.State.CLOSED)
    second = make_cycle(framework, "2026 Q2", date(2026, 4, 1), Cycle.State.OPEN)
    community_people, place_people = people_in(communities, 6), people_in(place, 3)
    assess_all(first, community_people, [0, 1, 1, 2, 2, 3])
    assess_all(first, place_people, [1, 1, 1])
    assess_all(second, community_people, [1, 2, 2, 2, 3, 3])
    assess_all(second, place_people, [2, 2, 2])
    resources_people = people_in(resources, 5)
    assess_all(first, resources_people, [1, 1, 2, 2, 2])
    assess_all(second, resources_people, [2, 2, 2, 2, 2])
    return second


@pytest.fixture
def organisation_report(organisation, leader) -> Report:
    return Report.objects.create(cycle=organisation, directorate=None, requested_by=leader)


def pdf_text(report: Report) -> str:
    from pypdf import PdfReader

    with report.file.open("rb") as handle:
        reader = PdfReader(handle)
        return "\n".join(page.extract_text() for page in reader.pages)
