"""Gap dashboards: the organisation's (heads of digital, leadership) and a line manager's team.

Every figure comes from assessments.gaps. Each table is built once as rows of text, and the same
rows are rendered in the page or, with ?format=csv&table=<name>, as a CSV file, so an export
always shows the page's figures with the page's suppression and filters.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify

from assessments import gaps
from assessments.charts import Bar, bar_chart
from assessments.gaps import Figure, Filters
from assessments.models import Cycle
from capability.models import Level, RoleProfile, Skill, Tier
from people import roles
from people.forms import GovukForm
from people.models import Directorate, StaffProfile, Team

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


def _number(text: str) -> Cell:
    return Cell(text, numeric=True)


def _gap_cell(mean_gap: Figure) -> Cell:
    return Cell(mean_gap.display(2), heat=heat_class(mean_gap), numeric=True)


def _with_csv_links(request: HttpRequest, tables: list[Table]) -> None:
    for table in tables:
        query = request.GET.copy()
        query["format"], query["table"] = "csv", table.name
        table.csv_url = f"{request.path}?{query.urlencode()}"


def _csv_response(table: Table, filename: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}-{table.name}.csv"'
    writer = csv.writer(response)
    writer.writerow(table.head)
    writer.writerows([cell.text for cell in row] for row in table.rows)
    return response


def _page_or_csv(
    request: HttpRequest, template: str, tables: list[Table], context: dict[str, Any], name: str
) -> HttpResponse:
    if request.GET.get("format") == "csv":
        table = next((table for table in tables if table.name == request.GET.get("table")), None)
        if table is None:
            raise Http404("No such table")
        return _csv_response(table, slugify(name))
    _with_csv_links(request, tables)
    context["tables"] = {table.name: table for table in tables}
    return render(request, template, context)


# --- Filters --------------------------------------------------------------------------------


class DashboardFilterForm(GovukForm):
    submit_label = "Apply filters"

    cycle = forms.ModelChoiceField(
        queryset=Cycle.objects.none(),
        required=False,
        empty_label=None,
        error_messages={"invalid_choice": "Choose a cycle from the list"},
    )
    directorate = forms.ModelChoiceField(
        queryset=Directorate.objects.order_by("name"),
        required=False,
        empty_label="All directorates",
        error_messages={"invalid_choice": "Choose a directorate from the list"},
    )
    tier = forms.ModelChoiceField(
        queryset=Tier.objects.none(),
        required=False,
        empty_label="All tiers",
        error_messages={"invalid_choice": "Choose a tier from the list"},
    )
    role = forms.ModelChoiceField(
        queryset=RoleProfile.objects.none(),
        required=False,
        empty_label="All roles",
        label="Role",
        error_messages={"invalid_choice": "Choose a role from the list"},
    )

    def __init__(self, *args: Any, cycle: Cycle, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cycle"].queryset = Cycle.objects.exclude(state=Cycle.State.DRAFT)
        self.fields["tier"].queryset = Tier.objects.filter(framework_id=cycle.framework_id)
        self.fields["role"].queryset = RoleProfile.objects.filter(framework_id=cycle.framework_id)


def _chosen_cycle(request: HttpRequest) -> Cycle | None:
    cycle_id = request.GET.get("cycle", "")
    if cycle_id.isdigit():
        chosen = Cycle.objects.exclude(state=Cycle.State.DRAFT).filter(pk=cycle_id).first()
        if chosen:
            return chosen
    return gaps.latest_cycle()


def _filters(request: HttpRequest, cycle: Cycle, **fixed: Any) -> tuple[Filters, Any]:
    """The filters chosen in the form; a choice that is not in the list is reported and ignored."""
    chosen_any = any(key in request.GET for key in ("cycle", "directorate", "tier", "role"))
    data = request.GET if chosen_any else None
    form = DashboardFilterForm(data, cycle=cycle, initial={"cycle": cycle})
    chosen: dict[str, Any] = {}
    if form.is_bound:
        form.is_valid()
        chosen = {name: value for name, value in getattr(form, "cleaned_data", {}).items() if value}
    filters = Filters(
        directorate_id=chosen["directorate"].pk if "directorate" in chosen else None,
        tier_id=chosen["tier"].pk if "tier" in chosen else None,
        role_profile_id=chosen["role"].pk if "role" in chosen else None,
        **fixed,
    )
    return filters, form


def _query(request: HttpRequest, **changes: Any) -> str:
    query = request.GET.copy()
    for key in ("format", "table", "submit"):
        query.pop(key, None)
    for key, value in changes.items():
        query[key] = value
    return f"?{query.urlencode()}" if query else ""


def _no_cycle(request: HttpRequest) -> HttpResponse:
    return render(request, "assessments/dashboards/no_cycle.html")


# --- Organisation dashboard ------------------------------------------------------------------


def _headline_table(figures: dict[str, Any]) -> Table:
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
                _number(figures[key].display(places, suffix)),
                _number(figures[f"change_{key}"].display_change(places, change_suffix)),
            ]
        )
    table.rows.append(
        [Cell("People assessed", header=True), _number(str(figures["submitted"])), _number("")]
    )
    return table


def _heatmap_table(
    request: HttpRequest, rows: list[gaps.GroupFigure], areas: list[gaps.AreaFigure], by: str
) -> Table:
    table = Table(
        "heatmap",
        f"Mean gap in levels by {by} and capability area",
        [by.capitalize(), "People assessed", *(item.area.name for item in areas)],
    )
    for row in rows:
        if by == "directorate":
            href = _query(request, directorate=row.directorate_id)
        else:
            href = reverse("assessments:organisation_team", args=[row.team_id]) + _query(request)
        table.rows.append(
            [
                Cell(row.label, header=True, href=href),
                _number(str(row.people)),
                *(_gap_cell(row.areas[item.area.pk].mean_gap) for item in areas),
            ]
        )
    return table


def _area_table(areas: list[gaps.AreaFigure]) -> Table:
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
                _number(str(item.people)),
                _number(item.share_at_target.display(0, "%")),
                _number(item.change_share_at_target.display_change(0)),
                _gap_cell(item.mean_gap),
                _number(item.change_mean_gap.display_change(2)),
            ]
        )
    return table


def _biggest_gaps_table(request: HttpRequest, by_tier: dict[Tier, list[gaps.SkillFigure]]) -> Table:
    table = Table(
        "biggest_gaps",
        "Biggest gaps by tier, weighted by headcount",
        ["Tier", "Skill", "People", "Mean gap (levels)", "Levels short in all", "Change (levels)"],
    )
    for tier, items in by_tier.items():
        for item in items:
            href = reverse("assessments:organisation_skill", args=[item.skill.pk])
            table.rows.append(
                [
                    Cell(tier.name),
                    Cell(item.skill.name, header=True, href=href + _query(request, tier=tier.pk)),
                    _number(str(item.people)),
                    _gap_cell(item.mean_gap),
                    _number(f"{item.mean_gap.value * item.people:.0f}"),
                    _number(item.change_mean_gap.display_change(2)),
                ]
            )
    return table


@roles.organisation_view_required
@gaps.one_reading()
def organisation_dashboard(request: HttpRequest) -> HttpResponse:
    cycle = _chosen_cycle(request)
    if cycle is None:
        return _no_cycle(request)
    filters, form = _filters(request, cycle)
    by = "team" if filters.directorate_id else "directorate"
    areas = cache(lambda: gaps.area_figures(cycle=cycle, filters=filters))
    figures = cache(lambda: gaps.headline(cycle=cycle, filters=filters))
    builders = {
        "headline": lambda: _headline_table(figures()),
        "heatmap": lambda: _heatmap_table(
            request, gaps.group_area_figures(cycle=cycle, by=by, filters=filters), areas(), by
        ),
        "areas": lambda: _area_table(areas()),
        "biggest_gaps": lambda: _biggest_gaps_table(
            request, gaps.biggest_gaps_by_tier(cycle=cycle, filters=filters)
        ),
    }
    if request.GET.get("format") == "csv":  # build only the table asked for
        builder = builders.get(request.GET.get("table", ""))
        if builder is None:
            raise Http404("No such table")
        return _csv_response(builder(), slugify(f"gaps {cycle}"))
    area_chart = bar_chart(
        chart_id="area-chart",
        title=f"Ratings at or above target by capability area, {cycle.name}",
        bars=[
            Bar(
                label=item.area.name,
                value=item.share_at_target.value or 0,
                value_text=item.share_at_target.display(0, "%"),
            )
            for item in areas()
        ],
        width=640,
        label_width=260,
        maximum=100,
    )
    context = {
        "cycle": cycle,
        "form": form,
        "figures": figures(),
        "area_chart": area_chart if areas() else None,
        "by": by,
        "legend": HEAT_LEGEND,
        "directorate": form.cleaned_data.get("directorate") if form.is_bound else None,
        "threshold": gaps.threshold(),
    }
    tables = [build() for build in builders.values()]
    return _page_or_csv(
        request, "assessments/dashboards/organisation.html", tables, context, f"gaps {cycle}"
    )


def _skills_table(
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
        href = reverse("assessments:organisation_skill", args=[item.skill.pk]) + link_query
        table.rows.append(
            [
                Cell(item.skill.name, header=True, href=href),
                Cell(item.skill.area.name),
                _number(str(item.people)),
                _number(item.share_at_target.display(0, "%")),
                _gap_cell(item.mean_gap),
                _number(item.change_mean_gap.display_change(2)),
            ]
        )
    return table


@roles.organisation_view_required
@gaps.one_reading()
def organisation_team(request: HttpRequest, team_id: int) -> HttpResponse:
    """Drill-down: one team's figures per skill."""
    team = get_object_or_404(Team.objects.select_related("directorate"), pk=team_id)
    cycle = _chosen_cycle(request)
    if cycle is None:
        return _no_cycle(request)
    filters, form = _filters(request, cycle, team_id=team.pk)
    items = gaps.skill_figures(cycle=cycle, filters=filters)
    link_query = _query(request, team=team.pk)
    tables = [_skills_table(request, items, link_query, f"{team.name}: figures by skill")]
    managers = []
    if roles.is_head_of_digital(request.user):
        managers = list(
            StaffProfile.objects.filter(team=team, direct_reports__isnull=False)
            .select_related("user")
            .distinct()
        )
    context = {
        "cycle": cycle,
        "form": form,
        "team": team,
        "managers": managers,
        "legend": HEAT_LEGEND,
        "threshold": gaps.threshold(),
        "back_url": reverse("assessments:organisation_dashboard")
        + _query(request, directorate=team.directorate_id),
    }
    return _page_or_csv(
        request, "assessments/dashboards/team_skills.html", tables, context, team.name
    )


@roles.organisation_view_required
@gaps.one_reading()
def organisation_skill(request: HttpRequest, skill_id: int) -> HttpResponse:
    """Drill-down: one skill's distribution over levels, as a chart and a table."""
    skill = get_object_or_404(Skill.objects.select_related("area", "framework"), pk=skill_id)
    cycle = _chosen_cycle(request)
    if cycle is None:
        return _no_cycle(request)
    team = None
    if request.GET.get("team", "").isdigit():
        team = get_object_or_404(Team, pk=request.GET["team"])
    filters, form = _filters(request, cycle, team_id=team.pk if team else None)
    item = gaps.skill_figure(cycle=cycle, skill=skill, filters=filters)
    level_names = dict(
        Level.objects.filter(framework_id=cycle.framework_id).values_list("number", "name")
    )
    table = Table(
        "distribution",
        f"{skill.name}: people at each level",
        ["Level", "People", "Share of people"],
    )
    chart = None
    if item.distribution is not None and item.people:
        bars = []
        for number, count in item.distribution.items():
            label = f"{number} {level_names.get(number, '')}".strip()
            share = f"{100 * count / item.people:.0f}%"
            bars.append(Bar(label=label, value=count, value_text=str(count)))
            table.rows.append([Cell(label, header=True), _number(str(count)), _number(share)])
        chart = bar_chart(
            chart_id="distribution-chart",
            title=f"{skill.name}: number of people at each level, {cycle.name}",
            bars=bars,
        )
    else:
        table.rows.append(
            [Cell("All levels", header=True), _number(item.mean_gap.display()), _number("")]
        )
    context = {
        "cycle": cycle,
        "form": form,
        "skill": item.skill,
        "item": item,
        "team": team,
        "chart": chart,
    }
    return _page_or_csv(
        request, "assessments/dashboards/skill.html", [table], context, item.skill.name
    )


# --- Team dashboard -----------------------------------------------------------------------


def _manager_for(request: HttpRequest, manager_id: int | None) -> StaffProfile | None:
    """The manager whose team is shown: the signed-in person, or (for a head of digital only)
    the manager named in the address. Anyone else asking for another team gets a 404."""
    own = roles.staff_profile(request.user)
    if manager_id is None or (own is not None and own.pk == manager_id):
        return own
    if not roles.is_head_of_digital(request.user):
        raise Http404("No such team")
    return get_object_or_404(
        StaffProfile.objects.filter(direct_reports__active=True).select_related("user").distinct(),
        pk=manager_id,
    )


def _level_text(rating: gaps.PersonRating | None) -> str:
    if rating is None:
        return "not rated"
    return f"{rating.level} (gap {rating.gap})"


@roles.line_manager_required
@gaps.one_reading()
def team_dashboard(request: HttpRequest, manager_id: int | None = None) -> HttpResponse:
    manager = _manager_for(request, manager_id)
    cycle = _chosen_cycle(request)
    if cycle is None:
        return _no_cycle(request)
    reports = (
        list(manager.direct_reports.filter(active=True).values_list("pk", flat=True))
        if manager
        else []
    )
    people = gaps.people_ratings(cycle=cycle, person_ids=reports)
    filters = Filters(person_ids=tuple(reports))
    items = [item for item in gaps.skill_figures(cycle=cycle, filters=filters) if item.people]
    skills = [item.skill for item in items]
    people_table = Table(
        "people",
        "Each person",
        ["Name", "Assessment", "Skills at or above target", "Levels short in all"],
    )
    levels_table = Table(
        "levels",
        "Level used and gap for each person and skill",
        ["Name", *(skill.name for skill in skills)],
    )
    for row in people:
        rated, at_target = len(row.ratings), row.at_target
        people_table.rows.append(
            [
                Cell(row.person.user.full_name, header=True),
                Cell(row.status or "Not started"),
                _number(f"{at_target} of {rated}" if rated else "none rated"),
                _number(str(row.total_gap) if rated else ""),
            ]
        )
        levels_table.rows.append(
            [
                Cell(row.person.user.full_name, header=True),
                *(_number(_level_text(row.ratings.get(skill.pk))) for skill in skills),
            ]
        )
    skills_table = Table(
        "skills",
        "Your team's figures by skill",
        ["Skill", "Capability area", "People", "At or above target", "Mean gap (levels)"],
    )
    for item in items:
        skills_table.rows.append(
            [
                Cell(item.skill.name, header=True),
                Cell(item.skill.area.name),
                _number(str(item.people)),
                _number(item.share_at_target.display(0, "%")),
                _gap_cell(item.mean_gap),
            ]
        )
    context = {
        "cycle": cycle,
        "manager": manager,
        "own_team": manager is not None and manager.user_id == request.user.pk,
        "cycles": Cycle.objects.exclude(state=Cycle.State.DRAFT),
        "legend": HEAT_LEGEND,
        "threshold": gaps.threshold(),
    }
    name = f"team {manager.user.full_name if manager else ''} {cycle}"
    return _page_or_csv(
        request,
        "assessments/dashboards/team.html",
        [people_table, skills_table, levels_table],
        context,
        name,
    )
