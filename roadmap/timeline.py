"""Geometry for the roadmap timeline: initiatives as bars across calendar quarters.

The page draws it as inline SVG; the table beneath it carries the same facts for screen readers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from roadmap.models import Initiative

WIDTH = 960
HEADER = 40
ROW = 52
BAR_HEIGHT = 18
# Fill per status. The status is also written next to each title, so colour is never alone.
FILLS = {
    Initiative.Status.IN_PROGRESS: "#1d70b8",
    Initiative.Status.PLANNED: "#505a5f",
    Initiative.Status.DONE: "#00703c",
    Initiative.Status.PAUSED: "#d4351c",
}


@dataclass(frozen=True)
class Quarter:
    start: date
    end: date  # the first day of the next quarter
    x: float
    width: float

    @property
    def label(self) -> str:
        return f"{self.start.year} Q{(self.start.month - 1) // 3 + 1}"

    @property
    def label_x(self) -> float:
        return self.x + self.width / 2


@dataclass(frozen=True)
class Bar:
    initiative: Initiative
    x: float
    width: float
    y: float
    fill: str

    @property
    def label_y(self) -> float:
        return self.y - 6

    @property
    def quarters(self) -> str:
        """ "2026 Q2 to 2027 Q1", for the accessible table."""
        first, last = quarter_start(self.initiative.start_on), quarter_start(self.initiative.end_on)
        first_label = f"{first.year} Q{(first.month - 1) // 3 + 1}"
        last_label = f"{last.year} Q{(last.month - 1) // 3 + 1}"
        return first_label if first == last else f"{first_label} to {last_label}"


@dataclass(frozen=True)
class Timeline:
    quarters: list[Quarter]
    bars: list[Bar]
    undated: list[Initiative]
    height: int
    today_x: float | None
    width: int = WIDTH

    @property
    def grid_bottom(self) -> int:
        return self.height - 4


def quarter_start(day: date) -> date:
    return date(day.year, (day.month - 1) // 3 * 3 + 1, 1)


def next_quarter(day: date) -> date:
    return date(day.year + 1, 1, 1) if day.month > 9 else date(day.year, day.month + 3, 1)


def build_timeline(initiatives: list[Initiative], today: date) -> Timeline:
    dated = [item for item in initiatives if item.start_on and item.end_on]
    undated = [item for item in initiatives if not (item.start_on and item.end_on)]
    if not dated:
        return Timeline(quarters=[], bars=[], undated=undated, height=0, today_x=None)
    first = quarter_start(min(item.start_on for item in dated))
    stop = next_quarter(quarter_start(max(item.end_on for item in dated)))
    total_days = (stop - first).days

    def x_of(day: date) -> float:
        return round((day - first).days / total_days * WIDTH, 1)

    quarters = []
    start = first
    while start < stop:
        end = next_quarter(start)
        quarters.append(Quarter(start=start, end=end, x=x_of(start), width=x_of(end) - x_of(start)))
        start = end
    bars = []
    for row, item in enumerate(sorted(dated, key=lambda i: (i.start_on, i.end_on, i.title))):
        x = x_of(item.start_on)
        end_x = x_of(date.fromordinal(item.end_on.toordinal() + 1))
        bars.append(
            Bar(
                initiative=item,
                x=x,
                width=max(end_x - x, 2),
                y=HEADER + row * ROW + 24,
                fill=FILLS[item.status],
            )
        )
    today_x = x_of(today) if first <= today < stop else None
    return Timeline(
        quarters=quarters,
        bars=bars,
        undated=undated,
        height=HEADER + len(bars) * ROW + 8,
        today_x=today_x,
    )
