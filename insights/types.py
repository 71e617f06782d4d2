"""The gap engine's result types, and the small-group suppression every figure goes through."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from capability.models import CapabilityArea, Skill
from insights import privacy

Measure = Literal["completion", "share_at_target", "mean_gap"]


def threshold() -> int:
    return privacy.threshold()


def suppressed_text() -> str:
    return f"fewer than {threshold()} responses"


# --- Result types -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    """Which people a figure is over. Every field is optional; None means no filter."""

    directorate_id: int | None = None
    team_id: int | None = None
    person_ids: tuple[int, ...] | None = None  # StaffProfile ids, e.g. a line manager's reports
    tier_id: int | None = None  # the assessment's snapshot tier
    role_profile_id: int | None = None


@dataclass(frozen=True)
class Figure:
    """One number, or the reason there is none."""

    value: float | None
    people: int
    suppressed: bool
    # Hidden although over enough people, because another figure minus this one would be about
    # a small group (insights.privacy, rules 2 and 3).
    protected: bool = False

    def display(self, places: int = 0, suffix: str = "") -> str:
        if self.suppressed:
            return PROTECTED_TEXT if self.protected else suppressed_text()
        if self.value is None:
            return "no responses"
        return f"{self.value:.{places}f}{suffix}"

    def display_change(self, places: int = 0, suffix: str = "") -> str:
        """Like display() but with a sign, for changes since the previous cycle. A change that
        rounds to nothing is +0, never -0."""
        if self.suppressed or self.value is None:
            return self.display(places, suffix)
        return f"{_no_negative_zero(self.value, places):+.{places}f}{suffix}"

    def rounded(self, places: int = 0) -> Decimal | None:
        """The number display() shows, rounded the same way, for downloads; None where
        display() gives a reason instead of a number."""
        if self.suppressed or self.value is None:
            return None
        return Decimal(f"{_no_negative_zero(self.value, places):.{places}f}")

    @property
    def level_change_text(self) -> str:
        """A change in levels, as everywhere: two decimals with a sign (-0.26)."""
        return self.display_change(2)

    @property
    def points_change_text(self) -> str:
        """A change in a percentage, as everywhere: whole points with a sign (+4)."""
        return self.display_change(0)

    @property
    def available(self) -> bool:
        return self.value is not None


def _no_negative_zero(value: float, places: int) -> float:
    """-0.3 shown to no places is 0, not -0: the same number whichever side of zero it lay."""
    return 0.0 if round(value, places) == 0 else value


NO_DATA = Figure(value=None, people=0, suppressed=False)
PROTECTED_TEXT = "hidden to protect a small group"
HIDDEN_COUNT = "not shown"


@dataclass(frozen=True)
class _Figures:
    people: int
    suppressed: bool
    share_at_target: Figure
    mean_gap: Figure
    distribution: dict[int, int] | None
    change_share_at_target: Figure
    change_mean_gap: Figure
    # When this figure was published, if it waits for more people to change (the time rule).
    as_at: datetime | None = None

    @property
    def people_text(self) -> str:
        """The number of people, or "not shown" where the figure is hidden: an exact count
        beside a hidden figure would give away what it hides."""
        return HIDDEN_COUNT if self.suppressed else str(self.people)


@dataclass(frozen=True)
class SkillFigure(_Figures):
    skill: Skill = field(default=None)  # type: ignore[assignment]


@dataclass(frozen=True)
class AreaFigure(_Figures):
    area: CapabilityArea = field(default=None)  # type: ignore[assignment]


@dataclass(frozen=True)
class GroupFigure:
    """One heatmap row: a directorate or a team, with a figure per area (area id -> figure)."""

    label: str
    directorate_id: int | None
    team_id: int | None
    areas: dict[int, AreaFigure]
    people: int = 0
    people_suppressed: bool = False

    @property
    def people_text(self) -> str:
        return HIDDEN_COUNT if self.people_suppressed else str(self.people)


# --- Building figures from aggregate rows --------------------------------------------------------


@dataclass
class Stats:
    """Sums from one aggregate row: people, ratings, ratings at target, gap levels, levels."""

    people: int = 0
    ratings: int = 0
    at_target: int = 0
    gap_sum: int = 0
    distribution: dict[int, int] = field(default_factory=dict)
    protected: bool = False  # hidden by the differencing rules (insights.privacy)
    # When the figure was published, if people have changed since and it waits for more of them
    # (the time rule, insights.publishing); None when it is up to date.
    as_at: datetime | None = None


def figure(value: float | None, people: int, protected: bool = False) -> Figure:
    """A Figure, suppressed when it is over fewer people than the threshold or the privacy
    rules hide it."""
    if people == 0:
        return NO_DATA
    if people < threshold() or protected:
        small = people < threshold()
        return Figure(value=None, people=people, suppressed=True, protected=not small)
    return Figure(value=value, people=people, suppressed=False)


def change_between(current: Figure, previous: Figure) -> Figure:
    if current.suppressed or previous.suppressed:
        hidden = current.people > 0
        return Figure(
            value=None,
            people=current.people,
            suppressed=hidden,
            protected=hidden and (current.protected or previous.protected),
        )
    if current.value is None or previous.value is None:
        return Figure(value=None, people=current.people, suppressed=False)
    return Figure(value=current.value - previous.value, people=current.people, suppressed=False)


def share_of(stats: Stats | None) -> Figure:
    if stats is None or stats.ratings == 0:
        return figure(None, stats.people if stats else 0, bool(stats and stats.protected))
    value = 100.0 * stats.at_target / stats.ratings
    return figure(value, stats.people, stats.protected)


def mean_gap_of(stats: Stats | None) -> Figure:
    if stats is None or stats.ratings == 0:
        return figure(None, stats.people if stats else 0, bool(stats and stats.protected))
    return figure(stats.gap_sum / stats.ratings, stats.people, stats.protected)


def figure_fields(
    current: Stats | None, previous: Stats | None, levels: list[int]
) -> dict[str, Any]:
    share, gap = share_of(current), mean_gap_of(current)
    people = current.people if current else 0
    suppressed = 0 < people < threshold() or bool(current and current.protected and people)
    distribution = None
    if current is not None and not suppressed:
        distribution = {number: current.distribution.get(number, 0) for number in levels}
    elif current is None:
        distribution = dict.fromkeys(levels, 0)
    return {
        "people": people,
        "suppressed": suppressed,
        "share_at_target": share,
        "mean_gap": gap,
        "distribution": distribution,
        "change_share_at_target": change_between(share, share_of(previous)),
        "change_mean_gap": change_between(gap, mean_gap_of(previous)),
        "as_at": current.as_at if current is not None and not suppressed else None,
    }


def earliest_as_at(items: Any) -> datetime | None:
    """The earliest "as at" among figures (objects with an `as_at`, or GroupFigures), for the
    notice on a page that some figures wait for more people to change."""
    found: list[datetime] = []
    for item in items:
        if isinstance(item, GroupFigure):
            found += [area.as_at for area in item.areas.values() if area.as_at]
        elif getattr(item, "as_at", None):
            found.append(item.as_at)
    return min(found, default=None)
