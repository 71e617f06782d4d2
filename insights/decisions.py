"""The privacy rules' decisions (which figures to hide), remembered between requests until the
figures they were made on move.

Which figures rules 2 to 6 hide depends only on what the published rows show (their published
people counts, "fewer than k" for a group never published, the people asked), the threshold and
what the reader already knows. Those move only when the worker applies a batch that publishes a
figure or changes such a count, and then it sets the cycle's FigureClock.shown_moved_at (a
batch that only adds to a group's pending changes leaves it: the time rule keeps the figures
where they were). So a decision is kept in Django's cache under those times for the cycles it
read, and every page after the first reads it instead of the sibling groups it was worked out
from. (What the reader knows, rule 6, is read from the contributions when deciding; a figure
that has not moved still holds the same people.) A decision is also forgotten after
DECISION_SECONDS, so that a change of the organisation's shape that no batch follows (a team
moved to another directorate in the admin) is taken into account soon after.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache

from insights import reading
from insights.models import FigureClock

DECISION_SECONDS = 600
Result = TypeVar("Result")


def figures_version(cycle_ids: list[int]) -> tuple[Any, ...]:
    """Where the figures the rules read are, for these cycles: when a batch last moved them
    (publishing.apply; a batch that moves no shown figure leaves it, a rebuild from scratch
    sets it anew). Read once per reading."""

    def read() -> tuple[Any, ...]:
        clocks = dict(
            FigureClock.objects.filter(cycle_id__in=cycle_ids).values_list(
                "cycle_id", "shown_moved_at"
            )
        )
        return tuple(
            (cycle_id, clocks[cycle_id].isoformat() if clocks.get(cycle_id) else "")
            for cycle_id in cycle_ids
        )

    return reading.remembered(("figures-version", tuple(cycle_ids)), read)


def remembered(
    what: tuple[Any, ...],
    *,
    cycle_ids: list[int],
    known: frozenset[int],
    decide: Callable[[], Result],
) -> Result:
    """decide(), or the decision made before on the same figures, threshold and reader's
    knowledge."""
    parts = (
        what,
        figures_version(cycle_ids),
        settings.SMALL_GROUP_THRESHOLD,
        tuple(sorted(known)),
    )
    key = "insights-decision:" + hashlib.sha256(repr(parts).encode()).hexdigest()
    try:
        found = cache.get(key)
    except Exception:  # noqa: BLE001 - no cache (Redis down): decide again, as before
        found = None
    if found is not None:
        return found
    decision = decide()
    with contextlib.suppress(Exception):  # remembering is only a saving (Redis may be down)
        cache.set(key, decision, DECISION_SECONDS)
    return decision
