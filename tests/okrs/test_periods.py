"""Which objectives a cycle's report shows: its own quarter's, else its financial year's."""

from __future__ import annotations

from datetime import date

import pytest

from assessments.models import Cycle
from okrs.models import Objective
from okrs.selectors import period_for

pytestmark = pytest.mark.django_db


def period(name: str, opens_on: date) -> str | None:
    return period_for(cycle=Cycle(name=name, opens_on=opens_on))


def test_a_cycle_reads_its_quarter_else_the_financial_year_it_opened_in(head):
    for name in ("2026 Q2", "2026-27", "2027-28"):
        Objective.objects.create(period=name, owner=head, title=name)

    assert period("2026 Q2", date(2026, 4, 1)) == "2026 Q2"
    # "2026-27" sorts after "2026 Q3" as text, but April 2026 to March 2027 holds the cycle.
    assert period("2026 Q3", date(2026, 7, 1)) == "2026-27"
    assert period("2027 Q1", date(2027, 1, 4)) == "2026-27"


def test_a_cycle_never_reads_a_later_period(head):
    for name in ("2026 Q2", "2026-27"):
        Objective.objects.create(period=name, owner=head, title=name)

    assert period("2026 Q1", date(2026, 1, 5)) is None


def test_without_its_own_a_cycle_reads_the_latest_earlier_period(head):
    Objective.objects.create(period="2025-26", owner=head, title="Last year")
    Objective.objects.create(period="2026 Q2", owner=head, title="Last quarter")

    assert period("2026 Q3", date(2026, 7, 1)) == "2026 Q2"
