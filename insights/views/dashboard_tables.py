"""Tables for the gap dashboards: cells, heat colours, the table builders and the downloads.

Each table is built once, and the same rows are rendered in the page or, with
?format=csv (or xlsx) &table=<name>, as a file, so a download always shows the page's figures
with the page's suppression and filters. In a download each number is a number in its own
column (empty where the page gives a reason instead), and the reasons go in a Notes column.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from assessments.models import Cycle
from capability.models import Tier
from common import exports
from common.exports import FileFormat, Number, Value
from insights import gaps, heat
from insights.gaps import Figure

# The bands are the PDF's too (insights.heat): one measure, one key, web and print.
HEAT_LEGEND = [
    *((f"app-heat--{band}", label) for band, label in heat.BAND_LABELS),
    ("app-heat--suppressed", "too few responses to show"),
]


# --- Tables -------------------------------------------------------------------------------


@dataclass
class Cell:
    text: str
    heat: str = ""
    href: str = ""
    numeric: bool = False
    header: bool = False
    # For downloads: the number the text shows (None where the text gives a reason instead)...
    value: Number | None = None
    # ...or, where one cell shows several things ("1 (gap 1)"), a value per download column.
    export: tuple[Value, ...] | None = None

    def html(self) -> str:
        """The cell's markup (escaped), built once here rather than by template tags per cell."""
        text = escape(self.text)
        if self.href:
            text = f'<a class="govuk-link" href="{escape(self.href)}">{text}</a>'
        if self.header:
            return f'<th scope="row" class="govuk-table__header">{text}</th>'
        classes = "govuk-table__cell"
        if self.numeric:
            classes += " govuk-table__cell--numeric"
        if self.heat:
            classes += f" {escape(self.heat)}"
        return f'<td class="{classes}">{text}</td>'

    def export_values(self) -> tuple[Value, ...]:
        if self.export is not None:
            return self.export
        return (self.value,) if self.numeric else (self.text,)

    @property
    def note(self) -> str:
        """Why a numeric cell has no number ("fewer than 5 responses"), for a download's notes."""
        if self.numeric and self.text and all(v is None for v in self.export_values()):
            return self.text
        return ""


@dataclass
class Table:
    name: str
    caption: str
    head: list[str]
    rows: list[list[Cell]] = field(default_factory=list)
    csv_url: str = ""
    xlsx_url: str = ""
    # A download's column headings where they differ from the page's: units, split columns.
    export_head: list[str] | None = None

    def body(self) -> list[SafeString]:
        """Each row's cells as markup, for the page (downloads use `rows`)."""
        return [mark_safe("".join(cell.html() for cell in row)) for row in self.rows]

    def download_head(self) -> list[str]:
        return [*(self.export_head or self.head), "Notes"]

    def download_rows(self) -> list[list[Value]]:
        """Each row as numbers and text, one value a column, with the reasons for any missing
        numbers in the last column ("Data: fewer than 5 responses")."""
        result = []
        for row in self.rows:
            values: list[Value] = []
            notes = []
            for heading, cell in zip(self.head, row, strict=True):
                values.extend(cell.export_values())
                if cell.note:
                    notes.append(f"{heading}: {cell.note}")
            result.append([*values, "; ".join(notes)])
        return result


def heat_class(mean_gap: Figure) -> str:
    band = heat.heat_band(mean_gap)
    return f"app-heat app-heat--{band}" if band else ""


def number_cell(text: str, value: Number | None) -> Cell:
    return Cell(text, numeric=True, value=value)


def figure_cell(figure: Figure, places: int = 0, suffix: str = "") -> Cell:
    return number_cell(figure.display(places, suffix), figure.rounded(places))


def change_cell(figure: Figure, places: int = 0, suffix: str = "") -> Cell:
    return number_cell(figure.display_change(places, suffix), figure.rounded(places))


def gap_cell(mean_gap: Figure) -> Cell:
    return Cell(
        mean_gap.display(2), heat=heat_class(mean_gap), numeric=True, value=mean_gap.rounded(2)
    )


def people_cell(text: str, people: int, hidden: bool) -> Cell:
    """A count of people, or "not shown" where the figures beside it are hidden."""
    return number_cell(text, None if hidden else people)


# --- Downloads ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Download:
    """What a page's downloads cover, named in each file's name and its first rows."""

    page: str  # "org-dashboard"
    cycle: Cycle
    filters: tuple[tuple[str, str], ...] = ()  # ("Directorate", "Digital services"), ...

    def filename(self, table: Table, file_format: FileFormat) -> str:
        filter_parts = [part for pair in self.filters for part in pair]
        return exports.attachment_filename(
            self.page, self.cycle.name, *filter_parts, table.name, extension=file_format
        )

    def cycle_label(self) -> str:
        """The cycle, and whether its figures are final: an open cycle's are interim, as the
        page says, so a file kept after the close cannot pass for the final figures."""
        if not self.cycle.is_open:
            return f"{self.cycle.name} (closed)"
        closes = self.cycle.closes_on
        return (
            f"{self.cycle.name} (open until {closes.day} {closes:%B %Y}: interim figures,"
            " which will change as more people submit)"
        )

    def preamble(self, table: Table) -> list[tuple[str, str]]:
        filters = "; ".join(f"{label}: {name}" for label, name in self.filters)
        return [
            ("Table", table.caption),
            ("Cycle", self.cycle_label()),
            ("Filters", filters or "None"),
        ]


def requested_format(request: HttpRequest) -> FileFormat | None:
    chosen = request.GET.get("format")
    return next((known for known in exports.FORMATS if known == chosen), None)


def table_download(table: Table, download: Download, file_format: FileFormat) -> HttpResponse:
    return exports.download_response(
        file_format,
        filename=download.filename(table, file_format),
        head=table.download_head(),
        rows=table.download_rows(),
        preamble=download.preamble(table),
        title=table.caption,
    )


def _with_download_links(request: HttpRequest, tables: list[Table]) -> None:
    for table in tables:
        query = request.GET.copy()
        query["table"] = table.name
        query["format"] = "csv"
        table.csv_url = f"{request.path}?{query.urlencode()}"
        query["format"] = "xlsx"
        table.xlsx_url = f"{request.path}?{query.urlencode()}"


def page_or_download(
    request: HttpRequest,
    template: str,
    tables: list[Table],
    context: dict[str, Any],
    download: Download,
) -> HttpResponse:
    file_format = requested_format(request)
    if file_format is not None:
        table = next((table for table in tables if table.name == request.GET.get("table")), None)
        if table is None:
            raise Http404("No such table")
        return table_download(table, download, file_format)
    _with_download_links(request, tables)
    context["tables"] = {table.name: table for table in tables}
    return render(request, template, context)


# --- Links and table builders ---------------------------------------------------------------


def query_string(request: HttpRequest, **changes: Any) -> str:
    query = request.GET.copy()
    for key in ("format", "table", "submit"):
        query.pop(key, None)
    for key, value in changes.items():
        query[key] = value
    return f"?{query.urlencode()}" if query else ""


def headline_table(figures: dict[str, Any], same_point: Any = None) -> Table:
    """The headline figures; while a cycle is open, `same_point` (insights.timeline.SamePoint)
    gives completion's change since the same point of the previous cycle."""
    table = Table(
        "headline",
        "Headline figures",
        ["Measure", "This cycle", "Change since the previous cycle"],
        export_head=["Measure", "Unit", "This cycle", "Change since the previous cycle"],
    )
    percent = "% (change in percentage points)"
    for label, key, places, suffix, change_suffix, unit in (
        ("Completion", "completion", 0, "%", " percentage points", percent),
        ("Ratings at or above target", "share_at_target", 0, "%", " percentage points", percent),
        ("Mean gap (levels)", "mean_gap", 2, "", "", "levels"),
    ):
        change = figures[f"change_{key}"]
        if key == "completion" and same_point is not None:
            label = f"Completion (change since the same point of {same_point.previous.name})"
            change = same_point.change
        table.rows.append(
            [
                Cell(label, header=True, export=(label, unit)),
                figure_cell(figures[key], places, suffix),
                change_cell(change, places, change_suffix),
            ]
        )
    table.rows.append(
        [
            Cell("People assessed", header=True, export=("People assessed", "people")),
            number_cell(str(figures["submitted"]), figures["submitted"]),
            number_cell("", None),
        ]
    )
    return table


def heatmap_table(
    request: HttpRequest,
    rows: list[gaps.GroupFigure],
    areas: list[gaps.AreaFigure],
    by: str,
) -> Table:
    table = Table(
        "heatmap",
        f"Mean gap in levels by {by} and capability area",
        [by.capitalize(), "People assessed", *(item.area.name for item in areas)],
    )
    for row in rows:
        if by == "directorate":
            href = query_string(request, directorate=row.directorate_id)
        else:
            href = reverse("insights:organisation_team", args=[row.team_id]) + query_string(request)
        table.rows.append(
            [
                Cell(row.label, header=True, href=href),
                people_cell(row.people_text, row.people, row.people_suppressed),
                *(gap_cell(row.areas[item.area.pk].mean_gap) for item in areas),
            ]
        )
    return table


def area_table(areas: list[gaps.AreaFigure]) -> Table:
    table = Table(
        "areas",
        "Capability areas and change since the previous cycle",
        [
            "Capability area",
            "People",
            "Ratings at or above target",
            "Change (percentage points)",
            "Mean gap (levels)",
            "Change (levels)",
        ],
    )
    table.export_head = [*table.head]
    table.export_head[2] = "Ratings at or above target (%)"
    for item in areas:
        table.rows.append(
            [
                Cell(item.area.name, header=True),
                people_cell(item.people_text, item.people, item.suppressed),
                figure_cell(item.share_at_target, 0, "%"),
                change_cell(item.change_share_at_target, 0),
                gap_cell(item.mean_gap),
                change_cell(item.change_mean_gap, 2),
            ]
        )
    return table


def biggest_gaps_table(request: HttpRequest, by_tier: dict[Tier, list[gaps.SkillFigure]]) -> Table:
    table = Table(
        "biggest_gaps",
        "Biggest gaps by tier, weighted by headcount",
        ["Tier", "Skill", "People", "Mean gap (levels)", "Levels short in all", "Change (levels)"],
    )
    for tier, items in by_tier.items():
        for item in items:
            href = reverse("insights:organisation_skill", args=[item.skill.pk])
            levels_short = f"{item.mean_gap.value * item.people:.0f}"
            table.rows.append(
                [
                    Cell(tier.name),
                    Cell(
                        item.skill.name,
                        header=True,
                        href=href + query_string(request, tier=tier.pk),
                    ),
                    people_cell(item.people_text, item.people, item.suppressed),
                    gap_cell(item.mean_gap),
                    number_cell(levels_short, Decimal(levels_short)),
                    change_cell(item.change_mean_gap, 2),
                ]
            )
    return table


def skill_figures_table(
    request: HttpRequest, items: list[gaps.SkillFigure], link_query: str, caption: str
) -> Table:
    table = Table(
        "skills",
        caption,
        [
            "Skill",
            "Capability area",
            "People",
            "At or above target",
            "Mean gap (levels)",
            "Change (levels)",
        ],
    )
    table.export_head = [*table.head]
    table.export_head[3] = "At or above target (%)"
    for item in items:
        href = reverse("insights:organisation_skill", args=[item.skill.pk]) + link_query
        table.rows.append(
            [
                Cell(item.skill.name, header=True, href=href),
                Cell(item.skill.area.name),
                people_cell(item.people_text, item.people, item.suppressed),
                figure_cell(item.share_at_target, 0, "%"),
                gap_cell(item.mean_gap),
                change_cell(item.change_mean_gap, 2),
            ]
        )
    return table


def trend_table(
    name: str, caption: str, heading: str, cycles: list[str], lines: list[Any]
) -> Table:
    """One row per line of a trend (insights.timeline.TrendLine), a column per cycle."""
    table = Table(
        name,
        caption,
        [heading, *cycles],
        export_head=[heading, *(f"{cycle} (%)" for cycle in cycles)],
    )
    for line in lines:
        table.rows.append(
            [Cell(line.name, header=True), *(figure_cell(value, 0, "%") for value in line.values)]
        )
    return table
