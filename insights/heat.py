"""The heatmap's one measure, on the web and in the PDF: the mean gap in levels, banded the same
way in both, each cell showing its number (colour never carries the meaning alone)."""

from __future__ import annotations

from insights.types import Figure

MEASURE = "Mean gap in levels"
# Mean gap (levels) at or above which a cell takes each colour band.
HEAT_BANDS = [(1.5, 4), (1.0, 3), (0.5, 2), (0.25, 1)]
BAND_LABELS = [
    ("0", "under 0.25 levels"),
    ("1", "0.25 to 0.49 levels"),
    ("2", "0.5 to 0.99 levels"),
    ("3", "1 to 1.49 levels"),
    ("4", "1.5 levels or more"),
]


def heat_band(mean_gap: Figure) -> str:
    """ "0" to "4" (larger gaps darker), "suppressed" for a hidden figure, "" for none."""
    if mean_gap.suppressed:
        return "suppressed"
    if mean_gap.value is None:
        return ""
    return str(next((band for low, band in HEAT_BANDS if mean_gap.value >= low), 0))
