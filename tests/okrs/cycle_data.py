"""Build a cycle with ratings directly, so figures can be compared with the gap engine."""

from __future__ import annotations

from datetime import date

from assessments.models import Assessment, Cycle, Rating
from capability.models import Framework, Skill, Tier
from people.models import StaffProfile
from tests.factories import StaffProfileFactory
from tests.figures import publish


def make_cycle(framework: Framework, name: str = "2026 Q4", opens: date | None = None) -> Cycle:
    opens = opens or date(2026, 10, 1)
    return Cycle.objects.create(
        name=name,
        opens_on=opens,
        closes_on=date(opens.year, opens.month, 28),
        framework=framework,
        state=Cycle.State.OPEN,
    )


def rate(
    cycle: Cycle,
    person: StaffProfile,
    tier: Tier,
    ratings: dict[Skill, tuple[int, int]],
    status: str = Assessment.Status.SUBMITTED,
) -> Assessment:
    """ratings: skill -> (level number chosen, target level number)."""
    assessment = Assessment.objects.create(
        cycle=cycle,
        person=person,
        status=status,
        directorate=person.team.directorate,
        team=person.team,
        tier=tier,
    )
    for skill, (level, target) in ratings.items():
        Rating.objects.create(
            assessment=assessment,
            skill=skill,
            level=cycle.framework.levels.get(number=level),
            target=target,
        )
    publish(cycle)
    return assessment


def people_rated(
    cycle: Cycle, tier: Tier, skill: Skill, levels: list[int], target: int, **person: object
) -> list[StaffProfile]:
    """One new person per level in `levels`, each rated on `skill` against `target`."""
    made = []
    for level in levels:
        profile = StaffProfileFactory(user__password=None, **person)  # no slow hashing
        rate(cycle, profile, tier, {skill: (level, target)})
        made.append(profile)
    return made
