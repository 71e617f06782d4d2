"""Figures about development for heads of digital, under the same privacy rules as every other
figure (insights.privacy): no count about fewer than SMALL_GROUP_THRESHOLD people, and the
directorates' shares hidden wherever the published completion figures hide them (small groups
and complementary suppression), so no two figures differ by a small group.

- Most chosen focus skills: how many sent plans (one per person) focus on each skill.
- Agreed plans by directorate: people with an agreed plan over people asked in the cycle, per
  directorate as asked (the published completion counts give the denominators).
- Mandatory learning completed: people who marked it done over people it applies to.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.db.models import Count

from assessments.models import Cycle
from capability.models import Skill
from capability.selectors import published_framework
from development.models import DevelopmentPlan, FocusSkill, LearningCompletion, MandatoryLearning
from development.selectors import Audience
from insights import gaps, privacy
from people.models import StaffProfile


@dataclass(frozen=True)
class FocusCount:
    skill_slug: str
    name: str
    plans: int


def sent_plans(cycle: Cycle):
    """Plans the person has sent (a draft is private to them until it is)."""
    return DevelopmentPlan.objects.filter(assessment__cycle=cycle).exclude(
        status=DevelopmentPlan.Status.DRAFT
    )


def focus_skill_counts(cycle: Cycle) -> tuple[list[FocusCount], int]:
    """Skills chosen in at least SMALL_GROUP_THRESHOLD sent plans, most chosen first, and how
    many skills are left out for being chosen by fewer."""
    rows = (
        FocusSkill.objects.filter(plan__in=sent_plans(cycle))
        .values("skill__slug", "skill__name")
        .annotate(plans=Count("plan", distinct=True))
    )
    shown, hidden = [], 0
    for row in rows:
        if privacy.is_small(row["plans"]):
            hidden += 1
        else:
            shown.append(FocusCount(row["skill__slug"], row["skill__name"], row["plans"]))
    shown.sort(key=lambda item: (-item.plans, item.name))
    return shown, hidden


@dataclass(frozen=True)
class AgreedShare:
    name: str
    people: int
    agreed: int | None  # None: hidden by the privacy rules

    @property
    def percent(self) -> int | None:
        if self.agreed is None or not self.people:
            return None
        return round(100 * self.agreed / self.people)


def agreed_plans_by_directorate(cycle: Cycle) -> list[AgreedShare]:
    directorates, _ = gaps.completion_by_group(cycle=cycle)
    agreed = Counter(
        sent_plans(cycle)
        .filter(status=DevelopmentPlan.Status.AGREED)
        .values_list("assessment__directorate__name", flat=True)
    )
    return [
        AgreedShare(
            name=row.name,
            people=row.people,
            agreed=None if row.suppressed else agreed.get(row.name, 0),
        )
        for row in directorates
    ]


@dataclass(frozen=True)
class MandatoryCompletion:
    assignment: MandatoryLearning
    people: int
    completed: int | None  # None: fewer than the threshold it applies to

    @property
    def percent(self) -> int | None:
        if self.completed is None or not self.people:
            return None
        return round(100 * self.completed / self.people)


def mandatory_completion() -> list[MandatoryCompletion]:
    audience = Audience.of(published_framework())
    people = list(StaffProfile.objects.active().values_list("pk", "role_profile__slug"))
    done = set(LearningCompletion.objects.values_list("person_id", "resource_id"))
    found = []
    for assignment in MandatoryLearning.objects.select_related("resource"):
        covered = [pk for pk, role in people if audience.covers(assignment, role)]
        completed = sum(1 for pk in covered if (pk, assignment.resource_id) in done)
        small = privacy.is_small(len(covered))
        found.append(
            MandatoryCompletion(
                assignment=assignment,
                people=len(covered),
                completed=None if small else completed,
            )
        )
    return found


def planned_skill_slugs(cycle: Cycle) -> dict[str, int]:
    """Skill slug -> sent plans focusing on it, for skills at least the threshold chose."""
    shown, _ = focus_skill_counts(cycle)
    return {item.skill_slug: item.plans for item in shown}


def skills_by_slug(framework_id: int, slugs: list[str]) -> dict[str, Skill]:
    return {
        skill.slug: skill
        for skill in Skill.objects.filter(framework_id=framework_id, slug__in=slugs).select_related(
            "area", "tier"
        )
    }
