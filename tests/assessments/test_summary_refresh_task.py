import pytest

from assessments import gap_summary
from assessments.models import Cycle
from assessments.services import cycle_close
from assessments.tasks import refresh_gap_summaries
from tests.assessments.test_gaps import crowd, make_cycle
from tests.factories import framework_with_skills


@pytest.fixture
def cycle(db) -> Cycle:
    return make_cycle(framework_with_skills())


def test_the_refresh_task_rebuilds_changed_teams_so_pages_need_not(cycle, team):
    crowd(cycle, team, [1, 2, 3, 2, 2])
    assert refresh_gap_summaries() == 1
    assert gap_summary.summary_refresh(cycle_ids=[cycle.pk]) == 0


def test_the_refresh_task_does_nothing_when_nothing_changed(cycle, team):
    crowd(cycle, team, [1, 2, 3, 2, 2])
    refresh_gap_summaries()
    assert refresh_gap_summaries() == 0


def test_the_refresh_task_does_nothing_without_a_cycle(db):
    assert refresh_gap_summaries() == 0


@pytest.mark.django_db(transaction=True)
def test_closing_a_cycle_refreshes_its_summaries(cycle, team):
    crowd(cycle, team, [1, 2, 3, 2, 2])
    cycle_close(cycle=cycle)
    assert gap_summary.summary_refresh(cycle_ids=[cycle.pk]) == 0
