"""The privacy rules' decisions are remembered between requests only while the figures they were
made on stay where they were (insights.decisions)."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.models import Rating
from insights import publishing
from insights.models import FigureClock
from tests.assessments.test_gaps import crowd, make_cycle
from tests.factories import StaffProfileFactory, TeamFactory, framework_with_skills, leadership

ORGANISATION = reverse("insights:organisation_dashboard")
PROTECTED = "hidden to protect a small group"


@pytest.fixture
def cycle(db):
    return make_cycle(framework_with_skills())


@pytest.fixture
def lead(db):
    return StaffProfileFactory()


def resources_row(client) -> list[str]:
    response = client.get(ORGANISATION, {"format": "csv", "table": "heatmap"})
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    return next(row for row in rows if row and row[0] == "Resources")


def test_a_decision_made_once_is_read_again_with_fewer_queries(client_for, cycle, lead):
    crowd(cycle, TeamFactory(directorate__name="Resources"), [0, 1, 1, 2, 4], line_manager=lead)
    crowd(cycle, TeamFactory(directorate__name="Place"), [0, 1, 2, 2, 3], line_manager=lead)
    client = client_for(leadership())

    heatmap = {"format": "csv", "table": "heatmap"}
    with CaptureQueriesContext(connection) as first:
        figures = client.get(ORGANISATION, heatmap).content
    with CaptureQueriesContext(connection) as again:
        assert client.get(ORGANISATION, heatmap).content == figures

    assert len(again) < len(first)


def test_a_decision_is_made_again_once_the_figures_move(client_for, cycle, lead):
    crowd(cycle, TeamFactory(directorate__name="Resources"), [0, 1, 1, 2, 4], line_manager=lead)
    client = client_for(leadership())
    assert PROTECTED not in resources_row(client)[-1]

    # One person in another directorate: everyone minus Resources would be that person.
    crowd(cycle, TeamFactory(directorate__name="Tiny"), [0], line_manager=lead)

    assert PROTECTED in resources_row(client)[-1]


def test_a_rebuild_from_scratch_is_a_new_set_of_figures(client_for, cycle, lead):
    crowd(cycle, TeamFactory(directorate__name="Resources"), [0, 1, 1, 2, 4], line_manager=lead)
    client = client_for(leadership())
    assert PROTECTED not in resources_row(client)[-1]
    crowd(cycle, TeamFactory(directorate__name="Tiny"), [0], line_manager=lead)

    publishing.rebuild(cycle_id=cycle.pk, fresh=True)

    assert PROTECTED in resources_row(client)[-1]


def test_with_the_cache_down_the_rules_still_decide(client_for, cycle, lead, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",  # nothing listens here
        }
    }
    crowd(cycle, TeamFactory(directorate__name="Resources"), [0, 1, 1, 2, 4], line_manager=lead)
    crowd(cycle, TeamFactory(directorate__name="Tiny"), [0], line_manager=lead)

    assert PROTECTED in resources_row(client_for(leadership()))[-1]


def test_a_batch_that_moves_no_shown_figure_keeps_the_decisions(client_for, cycle, lead):
    crowd(cycle, TeamFactory(directorate__name="Resources"), [0, 1, 1, 2, 4], line_manager=lead)
    crowd(cycle, TeamFactory(directorate__name="Place"), [0, 1, 2, 2, 3], line_manager=lead)
    publishing.rebuild(cycle_id=cycle.pk)
    client = client_for(leadership())
    heatmap = {"format": "csv", "table": "heatmap"}
    with CaptureQueriesContext(connection) as first:
        client.get(ORGANISATION, heatmap)
    before = FigureClock.objects.get(cycle=cycle)

    # One person changes an answer: the time rule keeps every figure where it was.
    rating = Rating.objects.filter(assessment__cycle=cycle).order_by("pk").first()
    Rating.objects.filter(pk=rating.pk).update(level=rating.level.framework.levels.get(number=3))
    assert publishing.rebuild(cycle_id=cycle.pk) == 1
    after = FigureClock.objects.get(cycle=cycle)
    with CaptureQueriesContext(connection) as again:
        client.get(ORGANISATION, heatmap)

    assert after.seq > before.seq
    assert after.shown_moved_at == before.shown_moved_at
    assert len(again) < len(first)
