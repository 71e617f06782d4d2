"""Filters that print gap-engine Figures in a report (suppression text comes from the engine)."""

from __future__ import annotations

from django import template

from insights.gaps import Figure

register = template.Library()


@register.filter
def percent(figure: Figure) -> str:
    return figure.display(0, "%")


@register.filter
def levels(figure: Figure) -> str:
    return figure.display(2)


@register.filter
def points(figure: Figure) -> str:
    """A change in share at target, in percentage points."""
    if not figure.available:
        return figure.display()
    return figure.display_change(0, " points")


@register.filter
def level_change(figure: Figure) -> str:
    if not figure.available:
        return figure.display()
    return figure.display_change(2)
