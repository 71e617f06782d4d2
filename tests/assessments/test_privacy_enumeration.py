"""The privacy rules tested by enumeration: every filter combination a head of digital or a
leader can choose, on an organisation full of small groups, and every pair of figures they can
then see (gaps.privacy).

Who is behind each figure is worked out here from the people themselves, not from the engine.
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass

import pytest

from assessments.models import Assessment, Cycle, Rating
from capability.models import RoleProfile, Tier
from insights import gaps, viewer
from insights.gaps import Filters
from people.models import Directorate, StaffProfile, Team, User
from tests.assessments.test_gaps import make_cycle
from tests.factories import framework_with_skills
from tests.figures import publish

THRESHOLD = 3


@dataclass(frozen=True)
class Person:
    pk: int
    directorate_id: int
    team_id: int
    tier_id: int
    role_id: int | None
    skills: frozenset[int]


SEEDS = range(1, 9)


def organisation(seed: int) -> tuple[Cycle, list[Person]]:
    """Two directorates of teams of 1-6 people, three tiers, two roles per tier and people with
    no role; everyone submitted, rated on their tier's skills and below."""
    rng = random.Random(seed)
    framework = framework_with_skills()
    cycle = make_cycle(framework)
    tiers = list(Tier.objects.filter(framework=framework).order_by("number"))
    roles = {
        tier.pk: [
            RoleProfile.objects.create(
                framework=framework, tier=tier, slug=f"{tier.slug}-role-{n}", name=f"R{n}"
            )
            for n in range(2)
        ]
        for tier in tiers
    }
    levels = {level.number: level for level in framework.levels.all()}
    people = []
    for d in range(2):
        directorate = Directorate.objects.create(name=f"Directorate {d}")
        for t in range(3):
            team = Team.objects.create(name=f"Team {d}{t}", directorate=directorate)
            for n in range(rng.randint(1, 6)):
                tier = rng.choice(tiers[:2])
                role = rng.choice([*roles[tier.pk], None])
                user = User.objects.create(email=f"p{d}{t}{n}@example.org", full_name="P")
                profile = StaffProfile.objects.create(user=user, team=team, role_profile=role)
                assessment = Assessment.objects.create(
                    cycle=cycle,
                    person=profile,
                    status=Assessment.Status.SUBMITTED,
                    directorate=directorate,
                    team=team,
                    tier=tier,
                    role_profile=role,
                )
                skills = framework.skills.filter(tier__number__lte=tier.number)
                Rating.objects.bulk_create(
                    Rating(
                        assessment=assessment,
                        skill=skill,
                        level=levels[rng.randint(0, 4)],
                        target=2,
                    )
                    for skill in skills
                )
                people.append(
                    Person(
                        profile.pk,
                        directorate.pk,
                        team.pk,
                        tier.pk,
                        role.pk if role else None,
                        frozenset(skill.pk for skill in skills),
                    )
                )
    publish(cycle)
    return cycle, people


def every_filter(cycle: Cycle) -> list[Filters]:
    """Every combination of directorate, team, tier and role that the dashboards offer."""
    places = (
        [(None, None)]
        + [(team.directorate_id, team.pk) for team in Team.objects.all()]
        + [(pk, None) for pk in Directorate.objects.values_list("pk", flat=True)]
    )
    tiers = [None, *Tier.objects.filter(framework=cycle.framework).values_list("pk", flat=True)]
    roles = [
        None,
        *RoleProfile.objects.filter(framework=cycle.framework).values_list("pk", flat=True),
    ]
    return [
        Filters(directorate_id=d, team_id=t, tier_id=tier, role_profile_id=role)
        for (d, t), tier, role in itertools.product(places, tiers, roles)
    ]


def members(people: list[Person], filters: Filters, skill_id: int) -> frozenset[int]:
    return frozenset(
        p.pk
        for p in people
        if skill_id in p.skills
        and filters.directorate_id in (None, p.directorate_id)
        and filters.team_id in (None, p.team_id)
        and filters.tier_id in (None, p.tier_id)
        and filters.role_profile_id in (None, p.role_id)
    )


def visible_figures(cycle: Cycle, people: list[Person]) -> dict[int, set[frozenset[int]]]:
    """Per skill, who is behind each figure anyone with the organisation view can see: every
    skill figure of every filter combination, and every team row of every heatmap."""
    seen: dict[int, set[frozenset[int]]] = {}
    with gaps.one_reading():
        for filters in every_filter(cycle):
            for item in gaps.skill_figures(cycle=cycle, filters=filters):
                if not item.suppressed and item.people:
                    group = members(people, filters, item.skill.pk)
                    assert len(group) == item.people  # the engine counts the same people
                    seen.setdefault(item.skill.pk, set()).add(group)
    return seen


@pytest.mark.parametrize("seed", SEEDS)
def test_no_two_figures_anyone_can_see_differ_by_fewer_than_the_threshold(db, settings, seed):
    settings.SMALL_GROUP_THRESHOLD = THRESHOLD
    cycle, people = organisation(seed)

    seen = visible_figures(cycle, people)

    assert seen, "the organisation should have figures to see"
    for skill_id, groups in seen.items():
        for larger, smaller in itertools.permutations(groups, 2):
            if smaller < larger:
                left = len(larger - smaller)
                assert left >= THRESHOLD, f"skill {skill_id}: two figures differ by {left}"


@pytest.mark.parametrize(
    "seed",
    [
        *SEEDS,
        pytest.param(
            15,
            marks=pytest.mark.xfail(
                strict=True,
                reason="a known limit: four visible figures from different splits (two roles, a "
                "team, a directorate's tier) can leave 2 people; the rules close every split "
                "and every pair, not every combination across splits",
            ),
        ),
    ],
)
def test_the_parts_shown_never_leave_a_small_remainder_of_their_whole(db, settings, seed):
    """Teams of a directorate, directorates of everyone, roles of a tier, tiers of everyone:
    the whole minus every part shown is 0 or at least the threshold."""
    settings.SMALL_GROUP_THRESHOLD = THRESHOLD
    cycle, people = organisation(seed)
    seen = visible_figures(cycle, people)

    for skill_id, groups in seen.items():
        for whole in groups:
            parts = [group for group in groups if group < whole]
            # Only parts that split the whole (disjoint from each other) can be subtracted
            # together; check every set of disjoint shown parts.
            for size in range(1, min(len(parts), 4) + 1):
                for chosen in itertools.combinations(parts, size):
                    union = frozenset().union(*chosen)
                    if sum(len(part) for part in chosen) != len(union):
                        continue
                    left = len(whole - union)
                    assert left == 0 or left >= THRESHOLD, (
                        f"skill {skill_id}: the whole minus {size} parts leaves {left}"
                    )


@pytest.mark.parametrize("seed", SEEDS)
def test_a_reader_who_sees_some_peoples_answers_learns_nothing_about_a_small_group(
    db, settings, seed
):
    """A line manager who also reads the organisation's figures (or a head of digital who
    reviews people with no line manager) sees some people's own answers: no figure they can see,
    and no difference of two, leaves 1 to k - 1 people once those are taken away."""
    settings.SMALL_GROUP_THRESHOLD = THRESHOLD
    cycle, people = organisation(seed)
    rng = random.Random(seed)
    known = frozenset(person.pk for person in rng.sample(people, k=min(4, len(people))))

    with viewer.reading_for(lambda: known):
        seen = visible_figures(cycle, people)

    assert seen, "the organisation should have figures to see"
    for skill_id, groups in seen.items():
        for group in groups:
            left = len(group - known)
            assert left == 0 or left >= THRESHOLD, f"skill {skill_id}: a figure leaves {left}"
        for larger, smaller in itertools.permutations(groups, 2):
            if smaller < larger:
                left = len((larger - smaller) - known)
                assert left == 0 or left >= THRESHOLD, f"skill {skill_id}: two figures leave {left}"


def test_the_same_figures_are_shown_to_a_reader_who_sees_nobodys_answers(db, settings):
    settings.SMALL_GROUP_THRESHOLD = THRESHOLD
    cycle, people = organisation(1)

    with viewer.reading_for(frozenset):
        as_nobody = visible_figures(cycle, people)
    outside = visible_figures(cycle, people)
    with viewer.reading_for(lambda: {person.pk for person in people[:4]}):
        as_manager = visible_figures(cycle, people)

    assert as_nobody == outside
    shown = sum(len(groups) for groups in outside.values())
    assert sum(len(groups) for groups in as_manager.values()) < shown
