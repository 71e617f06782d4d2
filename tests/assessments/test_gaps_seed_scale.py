"""seed_scale builds a reproducible synthetic organisation for the benchmark."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count

from assessments.models import Assessment, Rating
from insights import gaps
from people.models import StaffProfile


def _levels() -> list[tuple[str, str, int]]:
    return list(
        Rating.objects.order_by(
            "assessment__cycle__opens_on", "assessment__person__user__email", "skill__slug"
        ).values_list("assessment__person__user__email", "skill__slug", "level__number")
    )


def test_it_builds_people_teams_and_assessments_for_every_cycle(db):
    call_command("seed_scale", staff=60, cycles=3, seed=7, stdout=None)

    assert StaffProfile.objects.count() == 60
    assert Assessment.objects.count() == 180
    reports = StaffProfile.objects.annotate(n=Count("direct_reports")).filter(n__gt=0)
    assert reports.exists()
    cycle = gaps.latest_cycle()
    assert cycle.is_open
    assert gaps.headline(cycle=cycle)["submitted"] > 0


def test_the_same_seed_gives_the_same_organisation(db):
    call_command("seed_scale", staff=20, cycles=2, seed=3)
    first = _levels()
    call_command("seed_scale", staff=20, cycles=2, seed=3, replace=True)

    assert _levels() == first


def test_running_it_twice_without_replace_is_refused(db):
    call_command("seed_scale", staff=10, cycles=1, seed=1)
    with pytest.raises(CommandError, match="already loaded"):
        call_command("seed_scale", staff=10, cycles=1, seed=1)
