"""What one `one_reading()` block reads once: the cycles compared, their levels, skills and areas,
the published rows, and lining up the previous cycle's rows with the current framework's."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeVar

from assessments.models import Cycle
from capability.models import CapabilityArea, Skill
from insights.queries import (
    compared_cycle_ids,
    compared_framework_ids,
    level_numbers,
    previous_cycle,
)
from insights.types import Stats

if TYPE_CHECKING:
    from collections.abc import Iterable


Result = TypeVar("Result")

_memo: ContextVar[dict[Any, Any] | None] = ContextVar("insights_reading", default=None)


@contextmanager
def one_reading() -> Iterator[None]:
    """Within this block (a page, a CSV, a report) the engine reads each set of published rows,
    and the cycles, levels, skills and areas, once. Use it as a context manager or as a view
    decorator."""
    token = _memo.set({})
    try:
        yield
    finally:
        _memo.reset(token)


def reading_memo() -> dict[Any, Any] | None:
    """A dict that lives as long as the current `one_reading()` block (None outside one)."""
    return _memo.get()


@dataclass
class Context:
    cycle: Cycle
    previous: Cycle | None
    levels: list[int]

    @property
    def cycle_ids(self) -> list[int]:
        return compared_cycle_ids(self.cycle, self.previous)

    @property
    def framework_ids(self) -> list[int]:
        return compared_framework_ids(self.cycle, self.previous)


def remembered(key: tuple[Any, ...], read: Callable[[], Result]) -> Result:
    """read(), once per `one_reading()` block (every time outside one)."""
    memo = reading_memo()
    if memo is None:
        return read()
    if key not in memo:
        memo[key] = read()
    return memo[key]


def context_for(cycle: Cycle) -> Context:
    def read() -> tuple[Cycle | None, list[int]]:
        previous = previous_cycle(cycle)
        return previous, level_numbers(compared_framework_ids(cycle, previous))

    previous, levels = remembered(("context", cycle.pk), read)
    return Context(cycle, previous, list(levels))


def skills_of(context: Context) -> list[Skill]:
    """Skills of both cycles' frameworks (the current ones first, in framework order)."""
    return list(
        remembered(
            ("skills", *sorted(context.framework_ids)),
            lambda: list(
                Skill.objects.filter(framework_id__in=context.framework_ids)
                .select_related("area", "tier")
                .order_by("area__order", "area__name", "tier__number", "order", "name")
            ),
        )
    )


def areas_of(context: Context) -> list[CapabilityArea]:
    """Capability areas of both cycles' frameworks, in framework order."""
    return list(
        remembered(
            ("areas", *sorted(context.framework_ids)),
            lambda: list(
                CapabilityArea.objects.filter(framework_id__in=context.framework_ids).order_by(
                    "order", "name"
                )
            ),
        )
    )


def slug_map(objects: Iterable[Any], framework_id: int) -> dict[int, Any]:
    """Map every object's id (in either framework) to the current framework's object with the
    same slug, so previous-cycle rows line up with current ones."""
    objects = list(objects)
    by_slug = {obj.slug: obj for obj in objects if obj.framework_id == framework_id}
    return {obj.pk: by_slug[obj.slug] for obj in objects if obj.slug in by_slug}


def split_by_cycle(
    stats: dict[tuple[Any, ...], Stats], context: Context, key_map: Any = None
) -> tuple[dict[Any, Stats], dict[Any, Stats]]:
    """Split (cycle, *keys) rows into current and previous dicts keyed by the mapped keys."""
    current: dict[Any, Stats] = {}
    previous: dict[Any, Stats] = {}
    for (cycle_id, *keys), value in stats.items():
        key = key_map(keys) if key_map else (keys[0] if len(keys) == 1 else tuple(keys))
        if key is None:
            continue
        target = current if cycle_id == context.cycle.pk else previous
        target[key] = value
    return current, previous


_Function = TypeVar("_Function", bound=Any)


def in_one_reading(function: _Function) -> _Function:
    """Run the function in a `one_reading()` block of its own when it is not already in one, so
    even a single figure checks the summary once and reads it once."""

    @wraps(function)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if reading_memo() is not None:
            return function(*args, **kwargs)
        with one_reading():
            return function(*args, **kwargs)

    return wrapped  # type: ignore[return-value]
