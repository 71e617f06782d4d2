"""Gap dashboards: the organisation's (heads of digital, leadership) and a line manager's team.

Every figure comes from insights; the tables and their CSV and .xlsx downloads are built in
insights.views.dashboard_tables.
"""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from typing import Any

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from assessments.models import Cycle
from capability.models import Level, RoleProfile, Skill, Tier
from common import roles
from common.forms import GovukForm
from insights import gaps, timeline
from insights.charts import Bar, Line, bar_chart, line_chart
from insights.gaps import Filters
from insights.views.dashboard_tables import (
    HEAT_LEGEND,
    Cell,
    Download,
    Table,
    area_table,
    biggest_gaps_table,
    figure_cell,
    gap_cell,
    headline_table,
    heatmap_table,
    number_cell,
    page_or_download,
    query_string,
    requested_format,
    skill_figures_table,
    table_download,
    trend_table,
)
from people.models import Directorate, StaffProfile, Team

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


def _chosen_filters(form: DashboardFilterForm) -> tuple[tuple[str, str], ...]:
    """The filters chosen in the form, as (label, name), for a download's name and first rows."""
    chosen = getattr(form, "cleaned_data", {}) if form.is_bound else {}
    labels = (("directorate", "Directorate"), ("tier", "Tier"), ("role", "Role"))
    return tuple((label, chosen[key].name) for key, label in labels if chosen.get(key))


def _no_cycle(request: HttpRequest) -> HttpResponse:
    return render(request, "insights/no_cycle.html")


# --- Organisation dashboard ------------------------------------------------------------------


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
    heat_rows = cache(lambda: gaps.group_area_figures(cycle=cycle, by=by, filters=filters))
    biggest = cache(lambda: gaps.biggest_gaps_by_tier(cycle=cycle, filters=filters))
    same_point = cache(lambda: timeline.completion_at_same_point(cycle=cycle, filters=filters))
    builders = {
        "headline": lambda: headline_table(figures(), same_point()),
        "heatmap": lambda: heatmap_table(request, heat_rows(), areas(), by),
        "areas": lambda: area_table(areas()),
        "biggest_gaps": lambda: biggest_gaps_table(request, biggest()),
    }
    download = Download("org-dashboard", cycle, _chosen_filters(form))
    file_format = requested_format(request)
    if file_format is not None:  # build only the table asked for
        builder = builders.get(request.GET.get("table", ""))
        if builder is None:
            raise Http404("No such table")
        return table_download(builder(), download, file_format)
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
        "same_point": same_point(),
        "trends_query": query_string(request),
    }
    tables = [build() for build in builders.values()]
    context["as_at"] = gaps.earliest_as_at(
        [figures(), *areas(), *heat_rows(), *(item for row in biggest().values() for item in row)]
    )
    return page_or_download(request, "insights/organisation.html", tables, context, download)


@roles.organisation_view_required
@gaps.one_reading()
def organisation_trends(request: HttpRequest) -> HttpResponse:
    """Share of ratings at or above target per capability area and per tier over the last
    cycles, as line charts with their tables. A page of its own: it reads eight cycles."""
    cycle = _chosen_cycle(request)
    if cycle is None:
        return _no_cycle(request)
    filters, form = _filters(request, cycle)
    found = timeline.trends(cycle=cycle, filters=filters)
    names = [each.name for each in found.cycles]
    tables = [
        trend_table(
            "trend_areas",
            "Share at or above target by capability area and cycle",
            "Capability area",
            names,
            found.areas,
        ),
        trend_table(
            "trend_tiers", "Share at or above target by tier and cycle", "Tier", names, found.tiers
        ),
    ]
    charts = {}
    if len(names) > 1:
        for key, label, lines in (
            ("areas", "capability area", found.areas),
            ("tiers", "tier", found.tiers),
        ):
            charts[key] = line_chart(
                chart_id=f"trend-{key}-chart",
                title=f"Share of ratings at or above target by {label}, {names[0]} to {names[-1]}",
                x_labels=names,
                lines=[Line(line.name, [value.value for value in line.values]) for line in lines],
                width=760,
            )
    context = {
        "cycle": cycle,
        "form": form,
        "charts": charts,
        "cycles": found.cycles,
        "threshold": gaps.threshold(),
        "back_url": reverse("insights:organisation_dashboard") + query_string(request),
    }
    download = Download("org-trends", cycle, _chosen_filters(form))
    return page_or_download(request, "insights/trends.html", tables, context, download)


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
    link_query = query_string(request, team=team.pk)
    tables = [skill_figures_table(request, items, link_query, f"{team.name}: figures by skill")]
    context = {
        "cycle": cycle,
        "form": form,
        "team": team,
        "legend": HEAT_LEGEND,
        "threshold": gaps.threshold(),
        "as_at": gaps.earliest_as_at(items),
        "back_url": reverse("insights:organisation_dashboard")
        + query_string(request, directorate=team.directorate_id),
    }
    download = Download("org-dashboard", cycle, (("Team", team.name), *_chosen_filters(form)))
    return page_or_download(request, "insights/team_skills.html", tables, context, download)


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
        export_head=["Level", "People", "Share of people (%)"],
    )
    chart = None
    if item.distribution is not None and item.people:
        bars = []
        for number, count in item.distribution.items():
            label = f"{number} {level_names.get(number, '')}".strip()
            share = f"{100 * count / item.people:.0f}"
            bars.append(Bar(label=label, value=count, value_text=str(count)))
            table.rows.append(
                [
                    Cell(label, header=True),
                    number_cell(str(count), count),
                    number_cell(f"{share}%", Decimal(share)),
                ]
            )
        chart = bar_chart(
            chart_id="distribution-chart",
            title=f"{skill.name}: number of people at each level, {cycle.name}",
            bars=bars,
        )
    else:
        table.rows.append(
            [
                Cell("All levels", header=True),
                Cell(item.mean_gap.display(), numeric=True),  # why there is no distribution
                number_cell("", None),
            ]
        )
    context = {
        "cycle": cycle,
        "form": form,
        "skill": item.skill,
        "item": item,
        "team": team,
        "chart": chart,
        "as_at": item.as_at,
    }
    scope = (("Skill", item.skill.name), *((("Team", team.name),) if team else ()))
    download = Download("org-dashboard", cycle, (*scope, *_chosen_filters(form)))
    return page_or_download(request, "insights/skill.html", [table], context, download)


# --- Team dashboard -----------------------------------------------------------------------


def _manager_for(request: HttpRequest, manager_id: int | None) -> StaffProfile | None:
    """The manager whose team is shown: always the signed-in person. The page lists each
    report's answers, which only their line manager sees, so another manager's id is a 404
    for everyone (heads of digital and leadership included). A manager who has left (an
    inactive profile) has no team: heads of digital review their former reports."""
    own = roles.staff_profile(request.user)
    if manager_id is not None and (own is None or own.pk != manager_id):
        raise Http404("No such team")
    return own if own is not None and own.active else None


def _level_cell(rating: gaps.PersonRating | None) -> Cell:
    """The level used and the gap, "2 (gap 0)": in a download, a level column and a gap column."""
    if rating is None:
        return Cell("not rated", numeric=True, export=(None, None))
    return Cell(
        f"{rating.level} (gap {rating.gap})", numeric=True, export=(rating.level, rating.gap)
    )


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
    figures = gaps.reports_figures(people)
    skills = list(Skill.objects.filter(pk__in=figures).select_related("area"))
    people_table = Table(
        "people",
        "Each person",
        ["Name", "Assessment", "Skills at or above target", "Levels short in all"],
        export_head=[
            "Name",
            "Assessment",
            "Skills at or above target",
            "Skills rated",
            "Levels short in all",
        ],
    )
    levels_table = Table(
        "levels",
        "Level used and gap for each person and skill",
        ["Name", *(skill.name for skill in skills)],
        export_head=[
            "Name",
            *(f"{skill.name}: {part}" for skill in skills for part in ("level used", "gap")),
        ],
    )
    for row in people:
        rated, at_target = len(row.ratings), row.at_target
        people_table.rows.append(
            [
                Cell(row.person.user.full_name, header=True),
                Cell(row.status or "Not started"),
                Cell(
                    f"{at_target} of {rated}" if rated else "none rated",
                    numeric=True,
                    export=(at_target if rated else None, rated),
                ),
                number_cell(str(row.total_gap) if rated else "", row.total_gap if rated else None),
            ]
        )
        levels_table.rows.append(
            [
                Cell(row.person.user.full_name, header=True),
                *(_level_cell(row.ratings.get(skill.pk)) for skill in skills),
            ]
        )
    skills_table = Table(
        "skills",
        "Your team's figures by skill",
        ["Skill", "Capability area", "People", "At or above target", "Mean gap (levels)"],
        export_head=[
            "Skill",
            "Capability area",
            "People",
            "At or above target (%)",
            "Mean gap (levels)",
        ],
    )
    for skill in skills:
        item = figures[skill.pk]
        skills_table.rows.append(
            [
                Cell(skill.name, header=True),
                Cell(skill.area.name),
                number_cell(str(item.people), item.people),
                figure_cell(item.share_at_target, 0, "%"),
                gap_cell(item.mean_gap),
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
    scope = (("Line manager", manager.user.full_name),) if manager else ()
    return page_or_download(
        request,
        "insights/team.html",
        [people_table, skills_table, levels_table],
        context,
        Download("team-dashboard", cycle, scope),
    )
