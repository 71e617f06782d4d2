"""Tables for the gap dashboards: cells, heat colours, the table builders and the CSV export.

Each table is built once as rows of text, and the same rows are rendered in the page or, with
?format=csv&table=<name>, as a CSV file, so an export always shows the page's figures with the
page's suppression and filters.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify

from capability.models import Tier
from insights import gaps
from insights.gaps import Figure

# Mean gap (levels) at or above which a heatmap cell takes each colour band.
HEAT_BANDS = [(1.5, 4), (1.0, 3), (0.5, 2), (0.25, 1)]
HEAT_LEGEND = [
    ("app-heat--0", "under 0.25 levels"),
    ("app-heat--1", "0.25 to 0.49 levels"),
    ("app-heat--2", "0.5 to 0.99 levels"),
    ("app-heat--3", "1 to 1.49 levels"),
    ("app-heat--4", "1.5 levels or more"),
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


@dataclass
class Table:
    name: str
    caption: str
    head: list[str]
    rows: list[list[Cell]] = field(default_factory=list)
    csv_url: str = ""

    def body(self) -> list[SafeString]:
        """Each row's cells as markup, for the page (the CSV uses `rows`)."""
        return [mark_safe("".join(cell.html() for cell in row)) for row in self.rows]


def heat_class(mean_gap: Figure) -> str:
    if mean_gap.suppressed:
        return "app-heat app-heat--suppressed"
    if mean_gap.value is None:
        return ""
    band = next((band for low, band in HEAT_BANDS if mean_gap.value >= low), 0)
    return f"app-heat app-heat--{band}"


def number_cell(text: str) -> Cell:
    return Cell(text, numeric=True)


def gap_cell(mean_gap: Figure) -> Cell:
    return Cell(mean_gap.display(2), heat=heat_class(mean_gap), numeric=True)


def _with_csv_links(request: HttpRequest, tables: list[Table]) -> None:
    for table in tables:
        query = request.GET.copy()
        query["format"], query["table"] = "csv", table.name
        table.csv_url = f"{request.path}?{query.urlencode()}"


def csv_response(table: Table, filename: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}-{table.name}.csv"'
    writer = csv.writer(response)
    writer.writerow(table.head)
    writer.writerows([cell.text for cell in row] for row in table.rows)
    return response


def page_or_csv(
    request: HttpRequest, template: str, tables: list[Table], context: dict[str, Any], name: str
) -> HttpResponse:
    if request.GET.get("format") == "csv":
        table = next((table for table in tables if table.name == request.GET.get("table")), None)
        if table is None:
            raise Http404("No such table")
        return csv_response(table, slugify(name))
    _with_csv_links(request, tables)
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


def headline_table(figures: dict[str, Any]) -> Table:
    table = Table(
        "headline",
        "Headline figures",
        ["Measure", "This cycle", "Change since the previous cycle"],
    )
    for label, key, places, suffix, change_suffix in (
        ("Completion", "completion", 0, "%", " percentage points"),
        ("Ratings at or above target", "share_at_target", 0, "%", " percentage points"),
        ("Mean gap (levels)", "mean_gap", 2, "", ""),
    ):
        table.rows.append(
            [
                Cell(label, header=True),
                number_cell(figures[key].display(places, suffix)),
                number_cell(figures[f"change_{key}"].display_change(places, change_suffix)),
            ]
        )
    table.rows.append(
        [
            Cell("People assessed", header=True),
            number_cell(str(figures["submitted"])),
            number_cell(""),
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
                number_cell(row.people_text),
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
    for item in areas:
        table.rows.append(
            [
                Cell(item.area.name, header=True),
                number_cell(item.people_text),
                number_cell(item.share_at_target.display(0, "%")),
                number_cell(item.change_share_at_target.display_change(0)),
                gap_cell(item.mean_gap),
                number_cell(item.change_mean_gap.display_change(2)),
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
            table.rows.append(
                [
                    Cell(tier.name),
                    Cell(
                        item.skill.name,
                        header=True,
                        href=href + query_string(request, tier=tier.pk),
                    ),
                    number_cell(item.people_text),
                    gap_cell(item.mean_gap),
                    number_cell(f"{item.mean_gap.value * item.people:.0f}"),
                    number_cell(item.change_mean_gap.display_change(2)),
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
    for item in items:
        href = reverse("insights:organisation_skill", args=[item.skill.pk]) + link_query
        table.rows.append(
            [
                Cell(item.skill.name, header=True, href=href),
                Cell(item.skill.area.name),
                number_cell(item.people_text),
                number_cell(item.share_at_target.display(0, "%")),
                gap_cell(item.mean_gap),
                number_cell(item.change_mean_gap.display_change(2)),
            ]
        )
    return table
