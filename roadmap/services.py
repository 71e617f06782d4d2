"""Writes for the roadmap: an initiative and its links are saved together or not at all."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from capability.models import CapabilityArea, Skill
from okrs.models import KeyResult
from roadmap.models import Initiative, Milestone


@transaction.atomic
def initiative_save(
    *,
    initiative: Initiative,
    key_results: Iterable[KeyResult],
    skills: Iterable[Skill],
    areas: Iterable[CapabilityArea],
) -> Initiative:
    """Create or update an initiative with its links; raises ValidationError (e.g. an end date
    before the start date) before anything is written."""
    initiative.full_clean()
    initiative.save()
    initiative.key_results.set(key_results)
    initiative.skills.set(skills)
    initiative.areas.set(areas)
    return initiative


@transaction.atomic
def milestone_save(*, milestone: Milestone) -> Milestone:
    milestone.full_clean()
    milestone.save()
    return milestone
