"""Reads of learning resources: for a skill and level, and the catalogue by skill."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import QuerySet

from capability.models import Framework, Skill
from development.models import LearningResource


def resources_for(skill_slug: str, level: int) -> QuerySet[LearningResource]:
    """The resources that help reach `level` in the skill, mandatory ones first."""
    return LearningResource.objects.filter(skill_slug=skill_slug, level=level).order_by(
        "-mandatory", "title"
    )


@dataclass
class SkillResources:
    skill: Skill
    by_level: dict[int, list[LearningResource]] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return sum(len(resources) for resources in self.by_level.values())


def catalogue(framework: Framework, *, skill_slug: str = "") -> list[SkillResources]:
    """Every resource for the framework's skills, by skill (in framework order) then level."""
    skills = framework.skills.select_related("area").order_by("area__order", "order", "name")
    if skill_slug:
        skills = skills.filter(slug=skill_slug)
    found = {skill.slug: SkillResources(skill=skill) for skill in skills}
    resources = LearningResource.objects.filter(skill_slug__in=list(found)).order_by(
        "level", "-mandatory", "title"
    )
    for resource in resources:
        found[resource.skill_slug].by_level.setdefault(resource.level, []).append(resource)
    return [entry for entry in found.values() if entry.count]


def resources_without_a_skill(framework: Framework) -> QuerySet[LearningResource]:
    """Resources for a skill the framework in use no longer has (kept for a later version)."""
    return LearningResource.objects.exclude(
        skill_slug__in=framework.skills.values("slug")
    ).order_by("skill_slug", "level", "title")
