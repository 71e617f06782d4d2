"""Organisation and team dashboards: who may see them, what they show, and their CSV exports."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.models import Cycle
from capability.models import Tier
from people.models import StaffProfile
from tests.assessments.test_gaps import assess, crowd, make_cycle, many_people, skill
from tests.factories import StaffProfileFactory, TeamFactory, framework_with_skills

ORGANISATION = reverse("insights:organisation_dashboard")
TEAM = reverse("insights:team_dashboard")


@pytest.fixture
def framework(db):
    return framework_with_skills()


@pytest.fixture
def cycle(framework):
    return make_cycle(framework)


def rows_of(response) -> list[list[str]]:
    """The CSV's header and rows, after the preamble (cycle, filters) and its blank row."""
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    return rows[rows.index([]) + 1 :]


# --- Who may see what ----------------------------------------------------------------------


def test_staff_cannot_open_the_organisation_dashboard(client_for, alice, cycle):
    assert client_for(alice).get(ORGANISATION).status_code == 403


def test_staff_cannot_open_a_team_dashboard(client_for, alice, cycle):
    assert client_for(alice).get(TEAM).status_code == 403


def test_staff_cannot_download_the_organisation_csv(client_for, alice, cycle):
    response = client_for(alice).get(ORGANISATION, {"format": "csv", "table": "heatmap"})
    assert response.status_code == 403


def test_a_line_manager_cannot_open_the_organisation_dashboard(client_for, manager, alice, cycle):
    assert client_for(manager).get(ORGANISATION).status_code == 403


def test_a_line_manager_cannot_open_another_managers_team(client_for, manager, alice, cycle):
    other_manager = StaffProfileFactory()
    StaffProfileFactory(line_manager=other_manager)
    url = reverse("insights:team_dashboard_for", args=[other_manager.pk])

    assert client_for(manager).get(url).status_code == 404
    assert client_for(manager).get(url, {"format": "csv", "table": "levels"}).status_code == 404


def test_leadership_cannot_see_a_managers_team_individually(client_for, leader, manager, alice):
    url = reverse("insights:team_dashboard_for", args=[manager.pk])
    assert client_for(leader).get(url).status_code == 403


def test_nobody_but_the_manager_opens_a_managers_team(
    client_for, head, leader, manager, alice, cycle
):
    """The page lists each report's answers: only their line manager sees those."""
    url = reverse("insights:team_dashboard_for", args=[manager.pk])

    assert client_for(head).get(url).status_code == 404
    assert client_for(leader).get(url).status_code in (403, 404)  # manages nobody: 403
    own = client_for(manager).get(url)
    assert own.status_code == 200
    assert "Alice Adams" in own.content.decode()


def test_a_head_of_digital_gets_404_for_someone_who_manages_nobody(client_for, head, alice):
    url = reverse("insights:team_dashboard_for", args=[alice.pk])
    assert client_for(head).get(url).status_code == 404


def test_a_line_manager_who_has_left_has_no_team_dashboard(client_for, manager, alice, cycle):
    StaffProfile.objects.filter(pk=manager.pk).update(active=False)
    own = reverse("insights:team_dashboard_for", args=[manager.pk])

    assert client_for(manager).get(TEAM).status_code == 403
    assert client_for(manager).get(own).status_code == 403


def test_the_team_drill_down_does_not_link_to_managers_teams(
    client_for, head, manager, alice, team, cycle
):
    page = client_for(head).get(reverse("insights:organisation_team", args=[team.pk]))

    assert page.status_code == 200
    assert reverse("insights:team_dashboard_for", args=[manager.pk]) not in (page.content.decode())


def test_leadership_can_open_the_organisation_dashboard(client_for, leader, cycle):
    assert client_for(leader).get(ORGANISATION).status_code == 200


def test_staff_cannot_open_the_drill_downs(client_for, alice, team, framework, cycle):
    team_url = reverse("insights:organisation_team", args=[team.pk])
    skill_url = reverse("insights:organisation_skill", args=[skill(framework).pk])
    assert client_for(alice).get(team_url).status_code == 403
    assert client_for(alice).get(skill_url).status_code == 403


# --- Organisation dashboard ----------------------------------------------------------------


def test_the_heatmap_shows_each_directorates_mean_gap_with_its_colour(client_for, head, cycle):
    crowd(cycle, TeamFactory(directorate__name="Resources"), [0, 0, 1, 1, 2, 2])  # mean 1.0

    page = client_for(head).get(ORGANISATION).content.decode()

    assert "Resources" in page
    assert "1.00" in page
    assert "app-heat app-heat--3" in page
    assert "Key to the colours" in page


def test_the_organisation_dashboard_charts_each_areas_share_beside_its_table(
    client_for, head, cycle
):
    crowd(cycle, TeamFactory(), [0, 2, 2, 3, 4])  # 4 of 5 at target in Data; nobody in Security

    page = client_for(head).get(ORGANISATION).content.decode()

    chart = page[page.index('<svg class="app-chart"') : page.index("</svg>")]
    assert "<title" in chart and "Ratings at or above target by capability area" in chart
    assert ">Data</text>" in chart and ">80%</text>" in chart
    assert ">no responses</text>" in chart  # Security: no bar, and the text says why
    assert "Capability areas and change since the previous cycle" in page  # the data table


def test_the_headline_gives_changes_in_percentage_points(client_for, head, framework, team):
    before = make_cycle(framework, "2025 Q4", date(2025, 10, 1), state=Cycle.State.CLOSED)
    now = make_cycle(framework, "2026 Q1", date(2026, 1, 1))
    crowd(before, team, [0, 0, 0, 2, 2], prefix="b")  # 40% at target
    crowd(now, team, [0, 2, 2, 2, 2], prefix="n")  # 80% at target

    rows = rows_of(client_for(head).get(ORGANISATION, {"format": "csv", "table": "headline"}))

    assert ["Ratings at or above target", "% (change in percentage points)", "80", "40", ""] in rows


def test_a_small_directorate_shows_fewer_than_5_responses(client_for, head, cycle):
    crowd(cycle, TeamFactory(directorate__name="Tiny"), [0, 1])

    page = client_for(head).get(ORGANISATION).content.decode()

    assert "fewer than 5 responses" in page
    assert "app-heat--suppressed" in page


def test_choosing_a_directorate_shows_its_teams(client_for, head, cycle):
    revenues = TeamFactory(name="Revenues", directorate__name="Resources")
    TeamFactory(name="Parks", directorate__name="Place")
    crowd(cycle, revenues, [0, 0, 1, 1, 2])

    response = client_for(head).get(
        ORGANISATION, {"cycle": cycle.pk, "directorate": revenues.directorate_id}
    )

    page = response.content.decode()
    assert "Mean gap in levels by team and capability area" in page
    assert "Revenues" in page
    assert reverse("insights:organisation_team", args=[revenues.pk]) in page


def test_a_filter_not_in_the_list_gets_an_error(client_for, head, cycle):
    response = client_for(head).get(ORGANISATION, {"cycle": cycle.pk, "directorate": "99999"})

    assert response.status_code == 200
    assert "Choose a directorate from the list" in response.content.decode()


def test_the_tier_filter_changes_the_figures(client_for, head, framework, cycle, team):
    officers, managers = many_people(team, 5, prefix="o"), many_people(team, 5, prefix="m")
    for person in officers:
        assess(cycle, person, {skill(framework): 0})
    for person in managers:
        assess(cycle, person, {skill(framework): 2}, tier_slug="service-managers")
    tier = Tier.objects.get(framework=framework, slug="service-managers")

    response = client_for(head).get(
        ORGANISATION, {"cycle": cycle.pk, "tier": tier.pk, "format": "csv", "table": "heatmap"}
    )

    (header, row) = rows_of(response)
    assert row[header.index("Data")] == "0.00"


def test_the_headline_shows_change_since_the_previous_cycle(client_for, head, framework, team):
    before = make_cycle(framework, "2025 Q4", date(2025, 10, 1), state=Cycle.State.CLOSED)
    now = make_cycle(framework, "2026 Q1", date(2026, 1, 1))
    crowd(before, team, [0, 0, 0, 0, 0], prefix="b")  # mean gap 2
    crowd(now, team, [1, 1, 1, 1, 1], prefix="n")  # mean gap 1

    rows = rows_of(client_for(head).get(ORGANISATION, {"format": "csv", "table": "headline"}))

    assert ["Mean gap (levels)", "levels", "1.00", "-1.00", ""] in rows
    assert "Changes are since 2025 Q4" in client_for(head).get(ORGANISATION).content.decode()


def test_biggest_gaps_are_listed_per_tier(client_for, head, framework, cycle, team):
    crowd(cycle, team, [0, 0, 0, 1, 1])

    rows = rows_of(client_for(head).get(ORGANISATION, {"format": "csv", "table": "biggest_gaps"}))

    assert rows[1][:5] == ["All staff", "All staff skill 0", "5", "1.60", "8"]


def test_the_csv_has_the_same_figures_as_the_page(client_for, head, cycle):
    lead = StaffProfileFactory()  # so the head of digital does not review (and see) them
    crowd(cycle, TeamFactory(directorate__name="Resources"), [0, 1, 1, 2, 4], line_manager=lead)
    crowd(cycle, TeamFactory(directorate__name="Tiny"), [0], line_manager=lead)
    client = client_for(head)

    page = client.get(ORGANISATION).content.decode()
    rows = rows_of(client.get(ORGANISATION, {"format": "csv", "table": "heatmap"}))

    assert rows[0] == ["Directorate", "People assessed", "Data", "Security", "Notes"]
    # Everyone minus Resources would be Tiny's one person, so Resources is hidden as well.
    assert rows[1] == [
        "Resources",
        "",
        "",
        "",
        "People assessed: not shown; Data: hidden to protect a small group; Security: no responses",
    ]
    assert rows[2] == [
        "Tiny",
        "",
        "",
        "",
        "People assessed: not shown; Data: fewer than 5 responses; Security: no responses",
    ]
    for cell in ("hidden to protect a small group", "fewer than 5 responses"):
        assert cell in page


def test_an_unknown_csv_table_is_not_found(client_for, head, cycle):
    response = client_for(head).get(ORGANISATION, {"format": "csv", "table": "salaries"})
    assert response.status_code == 404


def test_the_team_drill_down_lists_each_skill(client_for, head, framework, cycle, team):
    crowd(cycle, team, [0, 1, 2, 3, 4])

    url = reverse("insights:organisation_team", args=[team.pk])
    rows = rows_of(client_for(head).get(url, {"format": "csv", "table": "skills"}))

    assert [
        "All staff skill 0",
        "Data",
        "5",
        "60",
        "0.60",
        "",
        "Change (levels): no responses",
    ] in rows


def test_the_skill_drill_down_draws_the_distribution_with_a_table(
    client_for, head, framework, cycle, team
):
    crowd(cycle, team, [0, 1, 1, 3, 4])
    url = reverse("insights:organisation_skill", args=[skill(framework).pk])

    page = client_for(head).get(url).content.decode()
    rows = rows_of(client_for(head).get(url, {"format": "csv", "table": "distribution"}))

    assert '<svg class="app-chart"' in page
    assert 'role="img" aria-labelledby="distribution-chart-title"' in page
    assert '<title id="distribution-chart-title">All staff skill 0: number of people' in page
    assert ["1 Awareness", "2", "40", ""] in rows


def test_the_skill_drill_down_hides_a_small_groups_distribution(
    client_for, head, framework, cycle, team
):
    crowd(cycle, team, [0, 1])
    url = reverse("insights:organisation_skill", args=[skill(framework).pk])

    page = client_for(head).get(url, {"team": team.pk}).content.decode()

    assert "<svg" not in page
    assert "fewer than 5 responses" in page


def test_without_any_cycle_the_dashboard_says_so(client_for, head, db):
    response = client_for(head).get(ORGANISATION)
    assert "There are no figures yet" in response.content.decode()


# --- Team dashboard --------------------------------------------------------------------------


def test_a_manager_sees_each_direct_report_with_levels_and_gaps(
    client_for, manager, alice, bob, charlie, framework, cycle
):
    assess(cycle, alice, {skill(framework): (3, 1)})
    assess(cycle, charlie, {skill(framework): 0})

    client = client_for(manager)
    page = client.get(TEAM).content.decode()
    levels = rows_of(client.get(TEAM, {"format": "csv", "table": "levels"}))

    assert "Your team's gaps" in page
    assert "Alice Adams" in page and "Bob Brown" in page
    assert "Charlie Clark" not in page
    assert levels[0][1:3] == ["All staff skill 0: level used", "All staff skill 0: gap"]
    assert ["Alice Adams", "1", "1", ""] in levels
    assert ["Bob Brown", "", "", "All staff skill 0: not rated"] in levels


def test_a_managers_team_figures_are_shown_however_small(
    client_for, manager, alice, bob, framework, cycle
):
    """They cover only the manager's direct reports, whom the manager sees one by one anyway."""
    assess(cycle, alice, {skill(framework): 0})
    assess(cycle, bob, {skill(framework): 2})

    rows = rows_of(client_for(manager).get(TEAM, {"format": "csv", "table": "skills"}))

    assert rows[1][:5] == ["All staff skill 0", "Data", "2", "50", "1.00"]


def test_a_managers_team_figures_cover_only_their_direct_reports(
    client_for, manager, alice, bob, framework, cycle, team
):
    assess(cycle, alice, {skill(framework): 0})
    assess(cycle, bob, {skill(framework): 2})
    crowd(cycle, team, [4, 4, 4, 4, 4])  # the rest of the team, managed by nobody here

    rows = rows_of(client_for(manager).get(TEAM, {"format": "csv", "table": "skills"}))

    assert rows[1:] == [["All staff skill 0", "Data", "2", "50", "1.00", ""]]


def test_the_dashboards_use_the_same_number_of_queries_for_10_and_100_people(
    client_for, head, framework, team
):
    before = make_cycle(framework, "2025 Q4", date(2025, 10, 1), state=Cycle.State.CLOSED)
    now = make_cycle(framework, "2026 Q1", date(2026, 1, 1))
    boss = many_people(team, 1, prefix="boss")[0]
    client, boss_client = client_for(head), client_for(boss)
    urls = [
        (client, ORGANISATION),
        (client, reverse("insights:organisation_team", args=[team.pk])),
        (client, reverse("insights:organisation_skill", args=[skill(framework).pk])),
        (boss_client, reverse("insights:team_dashboard_for", args=[boss.pk])),
    ]

    def counts() -> list[int]:
        result = []
        for client, url in urls:
            client.get(url)  # the first read after a change brings the summaries up to date
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url).status_code == 200
            result.append(len(captured))
        return result

    def add(count: int, prefix: str) -> None:
        for cycle in (before, now):
            for index, person in enumerate(many_people(team, count, prefix=f"{prefix}{cycle.pk}")):
                person.line_manager = boss
                person.save()
                assess(cycle, person, {skill(framework): index % 5})

    add(10, "a")
    small = counts()
    add(90, "b")
    assert counts() == small


def test_the_skill_drill_down_gives_the_change_in_mean_gap_to_two_decimals(
    client_for, head, framework, team
):
    before = make_cycle(framework, "2025 Q4", date(2025, 10, 1), state=Cycle.State.CLOSED)
    now = make_cycle(framework, "2026 Q1", date(2026, 1, 1))
    crowd(before, team, [0, 0, 0, 0, 0], prefix="b")  # mean gap 2
    crowd(now, team, [1, 1, 1, 2, 2], prefix="n")  # mean gap 0.6
    skill = framework.skills.get(slug="all-staff-skill-0")

    url = reverse("insights:organisation_skill", args=[skill.pk])
    page = client_for(head).get(url, {"cycle": now.pk})

    assert "-1.40" in page.content.decode()
