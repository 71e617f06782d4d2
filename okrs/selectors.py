"""Reads for OKRs: each key result with its current value and progress.

Computed key results read their figure from the gap engine (insights) and nowhere else,
so a key result and the dashboards always agree. The PDF report calls objectives_with_progress.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Model, Prefetch, QuerySet

from assessments.models import Cycle
from insights import gaps
from okrs.models import CheckIn, KeyResult, Objective, format_number, progress_percent


@dataclass(frozen=True)
class KeyResultProgress:
    """One key result as the pages and the report show it.

    current: the value now (a manual key result's latest check-in, else its baseline; a computed
        one's gap-engine figure for the latest cycle), or None when the figure is suppressed,
        has no responses or there is no cycle.
    current_display: text for `current`, such as "57%", "1.4 levels" or "fewer than 5 responses".
    progress: whole percentage 0-100 from baseline to target, or None when current is None.
    suppressed: the computed figure is over too few people to show.
    figure: the gap engine's Figure (computed key results only).
    cycle: the cycle a computed key result was measured in (None for manual ones).
    latest_check_in: the most recent check-in (manual key results only).
    confidence / confidence_label: the latest check-in's confidence ("on_track", "On track"),
        or None / "No check-in yet" (manual) / "Computed" (computed).
    """

    key_result: KeyResult
    current: Decimal | None
    current_display: str
    progress: int | None
    suppressed: bool
    figure: gaps.Figure | None
    cycle: Cycle | None
    latest_check_in: CheckIn | None
    confidence: str | None
    confidence_label: str

    @property
    def baseline_display(self) -> str:
        return format_number(self.key_result.baseline, self.key_result.unit)

    @property
    def target_display(self) -> str:
        return format_number(self.key_result.target, self.key_result.unit)


@dataclass(frozen=True)
class ObjectiveProgress:
    """An objective and its key results (list[KeyResultProgress], in order).

    progress: the mean progress of the key results that have one, or None when none has.
    """

    objective: Objective
    key_results: list[KeyResultProgress]

    @property
    def progress(self) -> int | None:
        known = [kr.progress for kr in self.key_results if kr.progress is not None]
        return round(sum(known) / len(known)) if known else None


def periods() -> list[str]:
    """Every period that has an objective, latest first."""
    found = Objective.objects.order_by().values_list("period", flat=True).distinct()
    return sorted(set(found), reverse=True)


def period_for(*, cycle: Cycle) -> str | None:
    """The objectives' period a cycle reports on: its own quarter (named like the cycle, "2026
    Q3"), else the financial year, April to March, it opened in ("2026-27"), else the latest
    period before it. Never a later one's."""
    found = periods()
    if cycle.name in found:
        return cycle.name
    opens_on = cycle.opens_on
    start = opens_on.year if opens_on.month >= 4 else opens_on.year - 1
    year = f"{start}-{(start + 1) % 100:02d}"
    if year in found:
        return year
    earlier = [
        period for period in found if period <= cycle.name and not _is_year_from(period, start)
    ]
    return earlier[0] if earlier else None


def _is_year_from(period: str, start: int) -> bool:
    """Whether `period` is a financial year beginning in `start` or later ("2026-27" sorts
    after "2026 Q3" though it is no earlier)."""
    match = re.fullmatch(r"(\d{4})-\d{2}", period)
    return match is not None and int(match.group(1)) >= start


def _objectives() -> QuerySet[Objective]:
    check_ins = CheckIn.objects.select_related("author")
    key_results = KeyResult.objects.select_related(
        "framework", "skill", "area", "tier", "directorate", "team"
    ).prefetch_related(Prefetch("check_ins", queryset=check_ins))
    return Objective.objects.select_related("owner").prefetch_related(
        Prefetch("key_results", queryset=key_results)
    )


def objectives_with_progress(period: str | None) -> list[ObjectiveProgress]:
    """The objectives of `period` (all periods when None), in order, with their key results'
    current values and progress. Computed key results use the latest cycle."""
    objectives = _objectives()
    if period is not None:
        objectives = objectives.filter(period=period)
    cycle = gaps.latest_cycle()
    return [_objective_progress(objective, cycle) for objective in objectives]


def objective_with_progress(objective: Objective) -> ObjectiveProgress:
    fresh = _objectives().get(pk=objective.pk)
    return _objective_progress(fresh, gaps.latest_cycle())


def _objective_progress(objective: Objective, cycle: Cycle | None) -> ObjectiveProgress:
    return ObjectiveProgress(
        objective=objective,
        key_results=[key_result_progress(kr, cycle) for kr in objective.key_results.all()],
    )


def key_result_progress(key_result: KeyResult, cycle: Cycle | None) -> KeyResultProgress:
    if key_result.is_computed:
        return _computed_progress(key_result, cycle)
    return _manual_progress(key_result)


def _manual_progress(key_result: KeyResult) -> KeyResultProgress:
    check_ins = list(key_result.check_ins.all())  # newest first (prefetched in that order)
    latest = check_ins[0] if check_ins else None
    current = latest.value if latest else key_result.baseline
    return KeyResultProgress(
        key_result=key_result,
        current=current,
        current_display=format_number(current, key_result.unit),
        progress=progress_percent(
            baseline=key_result.baseline, target=key_result.target, current=current
        ),
        suppressed=False,
        figure=None,
        cycle=None,
        latest_check_in=latest,
        confidence=latest.confidence if latest else None,
        confidence_label=latest.get_confidence_display() if latest else "No check-in yet",
    )


def _same_in_framework(thing: Model | None, framework_id: int) -> Model | None | bool:
    """The same skill, area or tier (matched by slug) in the cycle's framework version.

    False when it has no counterpart there, so the key result cannot be measured.
    """
    if thing is None or thing.framework_id == framework_id:
        return thing
    match = type(thing).objects.filter(framework_id=framework_id, slug=thing.slug).first()
    return match if match is not None else False


def computed_figure(key_result: KeyResult, cycle: Cycle) -> gaps.Figure | None:
    """The gap engine's figure for a computed key result in `cycle` (None: not measurable)."""
    chosen = {
        name: _same_in_framework(getattr(key_result, name), cycle.framework_id)
        for name in ("skill", "area", "tier")
    }
    if any(value is False for value in chosen.values()):
        return None
    return gaps.measure_value(
        cycle=cycle,
        measure=key_result.measure,
        directorate=key_result.directorate,
        team=key_result.team,
        **chosen,
    )


def _computed_progress(key_result: KeyResult, cycle: Cycle | None) -> KeyResultProgress:
    figure = computed_figure(key_result, cycle) if cycle is not None else None
    current = None
    if cycle is None:
        text = "No assessment cycle yet"
    elif figure is None:
        text = f"Not assessed in {cycle}"
    elif figure.value is None:
        text = figure.display()
    else:
        current = Decimal(str(figure.value))
        places = 1 if key_result.measure == KeyResult.Measure.MEAN_GAP else 0
        text = format_number(round(current, places), key_result.unit)
    return KeyResultProgress(
        key_result=key_result,
        current=current,
        current_display=text,
        progress=None
        if current is None
        else progress_percent(
            baseline=key_result.baseline, target=key_result.target, current=current
        ),
        suppressed=bool(figure and figure.suppressed),
        figure=figure,
        cycle=cycle,
        latest_check_in=None,
        confidence=None,
        confidence_label="Computed",
    )
