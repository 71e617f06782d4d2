"""Demo self-assessments: closed 2026 Q2 and Q3 cycles with results (so the dashboards and the
report have a trend and a change since the previous cycle) and an open 2026 Q4 cycle.

In 2026 Q4 some people have submitted, some are in progress, some have not started and some have
been reviewed; staff@example.org has a draft. Deterministic (a seeded random.Random) and
idempotent: once the cycles have assessments, running it again changes nothing.
"""

from __future__ import annotations

import datetime
import random

from django.db import transaction
from django.utils import timezone

from assessments.models import Assessment, Cycle, LevelReview, Rating
from assessments.selectors import scope_for_person
from assessments.services import people_ask
from capability.models import Framework, Level
from people.models import StaffProfile

SEED = 2026
EARLIER_CYCLE = ("2026 Q2", datetime.date(2026, 4, 1), datetime.date(2026, 6, 19))
CLOSED_CYCLE = ("2026 Q3", datetime.date(2026, 7, 1), datetime.date(2026, 9, 18))
OPEN_CYCLE = ("2026 Q4", datetime.date(2026, 10, 1), datetime.date(2026, 12, 19))
TODAY = datetime.date(2026, 11, 21)
DRAFT_EMAIL = "staff@example.org"
MANAGER_EMAIL = "manager@example.org"

COMMENTS = [
    "I have seen you do this with confidence: I think you are a level higher.",
    "Let's find you a chance to practise this before we agree the higher level.",
    "Good evidence, but this was mostly led by others; let's talk at our next one-to-one.",
]
EVIDENCE = [
    "Led the data sharing agreement work with the NHS trust.",
    "Completed the council's cyber awareness course and reported a phishing attempt.",
    "Ran two user research sessions for the new booking form.",
    "",
    "",
]


def _moment(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _cycle(name: str, opens: datetime.date, closes: datetime.date, framework: Framework) -> Cycle:
    closed = closes < TODAY
    cycle, _ = Cycle.objects.get_or_create(
        name=name,
        defaults={
            "opens_on": opens,
            "closes_on": closes,
            "framework": framework,
            "state": Cycle.State.CLOSED if closed else Cycle.State.OPEN,
            "opened_at": _moment(opens, 8),
            "closed_at": _moment(closes, 23) if closed else None,
        },
    )
    return cycle


class _Builder:
    """Collects assessments and their ratings, then writes them with bulk_create."""

    def __init__(self, framework: Framework, rng: random.Random) -> None:
        self.rng = rng
        self.levels: dict[int, Level] = {level.number: level for level in framework.levels.all()}
        self.top = max(self.levels)
        self.items: list[tuple[Assessment, list[Rating]]] = []

    def level(self, number: int) -> Level:
        return self.levels[max(0, min(self.top, number))]

    def add(
        self,
        cycle: Cycle,
        person: StaffProfile,
        status: str,
        ability: int,
        framework: Framework,
        reviewer: object | None = None,
        answered_share: float = 1.0,
    ) -> None:
        scope = scope_for_person(person=person, framework=framework)
        rng = self.rng
        started = cycle.opens_on + datetime.timedelta(days=rng.randint(1, 20))
        submitted = started + datetime.timedelta(days=rng.randint(0, 10))
        complete = status in (Assessment.Status.SUBMITTED, Assessment.Status.REVIEWED)
        assessment = Assessment(
            cycle=cycle,
            person=person,
            status=status,
            team=person.team,
            directorate=person.team.directorate,
            tier=scope.tier,
            role_profile=scope.role,
            revision=1,
            started_at=_moment(started, 10),
            submitted_at=_moment(submitted, 15) if complete else None,
            reviewed_at=_moment(submitted + datetime.timedelta(days=3), 11)
            if status == Assessment.Status.REVIEWED
            else None,
            reviewed_by=reviewer if status == Assessment.Status.REVIEWED else None,
        )
        skills = scope.skills
        if not complete:
            skills = skills[: max(1, int(len(skills) * answered_share))]
        ratings = []
        for skill in skills:
            target = scope.targets.get(skill.pk, 0)
            chosen = self.level(target + ability + rng.choice([-1, 0, 0, 0, 1]))
            rating = Rating(
                skill=skill,
                level=chosen,
                target=target,
                evidence=rng.choice(EVIDENCE),
                revision=1,
            )
            if status == Assessment.Status.REVIEWED:
                nudge = rng.choice([0, 0, 0, 0, 0, -1, 1])
                rating.agreed_level = self.level(chosen.number + nudge)
                rating.review_state = LevelReview.AGREED
                if rating.agreed_level != chosen:
                    rating.manager_comment = rng.choice(COMMENTS)
                    rating.review_state = LevelReview.ACCEPTED
                    if cycle.is_open:
                        # This quarter's proposals still wait for the person's answer.
                        rating.proposed_level, rating.agreed_level = rating.agreed_level, None
                        rating.review_state = LevelReview.PROPOSED
            ratings.append(rating)
        self.items.append((assessment, ratings))

    def save(self) -> None:
        assessments = Assessment.objects.bulk_create([item[0] for item in self.items])
        ratings = []
        for assessment, (_, assessment_ratings) in zip(assessments, self.items, strict=True):
            for rating in assessment_ratings:
                rating.assessment = assessment
                ratings.append(rating)
        Rating.objects.bulk_create(ratings, batch_size=1000)


def _reviewer(person: StaffProfile, fallback: object | None) -> object | None:
    """The line manager, else the head of digital (but nobody reviews themselves)."""
    if person.line_manager_id:
        return person.line_manager.user
    return fallback if fallback != person.user else None


def _add_earlier(
    builder: _Builder,
    cycle: Cycle,
    person: StaffProfile,
    ability: int,
    framework: Framework,
    reviewer: object | None,
) -> None:
    """A quarter before: most people a little further from target, a few closer, fewer done."""
    rng = builder.rng
    if rng.random() >= 0.75:
        return
    reviewed = reviewer is not None and rng.random() < 0.5
    status = Assessment.Status.REVIEWED if reviewed else Assessment.Status.SUBMITTED
    earlier_ability = ability - rng.choice([-1, 0, 1, 1])
    builder.add(cycle, person, status, earlier_ability, framework, reviewer)


@transaction.atomic
def seed_assessments() -> None:
    framework = Framework.objects.published().first()
    if framework is None:
        return
    closed = _cycle(*CLOSED_CYCLE, framework)
    current = _cycle(*OPEN_CYCLE, framework)
    if Assessment.objects.filter(cycle__in=[closed, current]).exists():
        return  # already seeded (before or after the earlier cycle was added to the demo)
    earlier = _cycle(*EARLIER_CYCLE, framework)
    rng = random.Random(SEED)
    people = list(
        StaffProfile.objects.active()
        .select_related("user", "team__directorate", "role_profile", "line_manager__user")
        .order_by("user__email")
    )
    head = next(
        (p.user for p in people if p.user.groups.filter(name="Head of digital").exists()), None
    )
    builder = _Builder(framework, rng)
    # The earlier cycle draws from a generator of its own, so the later two stay as they were.
    earlier_builder = _Builder(framework, random.Random(SEED - 1))
    # manager@example.org has one report waiting for review and one reviewed, so the demo shows
    # both sides of a review; the rest of their reports are left to chance.
    reports = [
        p.user.email
        for p in people
        if p.line_manager and p.line_manager.user.email == MANAGER_EMAIL
        and p.user.email != DRAFT_EMAIL
    ]  # fmt: skip
    statuses = [Assessment.Status.SUBMITTED, Assessment.Status.REVIEWED]
    forced = dict(zip(reports[:2], statuses[: len(reports)], strict=True))
    for person in people:
        # Most people are a little below target; some at it, a few above.
        ability = rng.choice([-2, -1, -1, -1, 0, 0, 1])
        _add_earlier(earlier_builder, earlier, person, ability, framework, _reviewer(person, head))
        if rng.random() < 0.85:
            reviewed = rng.random() < 0.6 and _reviewer(person, head) is not None
            status = Assessment.Status.REVIEWED if reviewed else Assessment.Status.SUBMITTED
            builder.add(closed, person, status, ability, framework, _reviewer(person, head))
        # A quarter later, people have moved on a little.
        ability += rng.choice([0, 0, 1])
        if person.user.email == DRAFT_EMAIL:
            builder.add(
                current, person, Assessment.Status.IN_PROGRESS, ability, framework,
                answered_share=0.4,
            )  # fmt: skip
            continue
        roll = rng.random()
        if person.user.email in forced:
            status = forced[person.user.email]
            builder.add(current, person, status, ability, framework, _reviewer(person, head))
            continue
        if roll < 0.25:
            continue  # not started (asked below, like everyone active when the cycle opened)
        if roll < 0.5:
            builder.add(
                current,
                person,
                Assessment.Status.IN_PROGRESS,
                ability,
                framework,
                answered_share=rng.choice([0.3, 0.6]),
            )
        elif roll < 0.8 or _reviewer(person, head) is None:
            builder.add(current, person, Assessment.Status.SUBMITTED, ability, framework)
        else:
            builder.add(
                current,
                person,
                Assessment.Status.REVIEWED,
                ability,
                framework,
                reviewer=_reviewer(person, head),
            )
    earlier_builder.save()
    builder.save()
    # Everyone active was asked in every cycle; those who never started have a row too.
    everyone = StaffProfile.objects.filter(pk__in=[person.pk for person in people])
    people_ask(cycle=earlier, people=everyone)
    people_ask(cycle=closed, people=everyone)
    people_ask(cycle=current, people=everyone)
