"""Dashboard downloads a spreadsheet can trust: no formulas, numbers as numbers, named files."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from assessments.models import Cycle
from capability.models import Tier
from common.exports import attachment_filename, attachment_header, escape_formula, write_csv
from tests.assessments.test_gaps import assess, crowd, make_cycle, skill
from tests.factories import StaffProfileFactory, TeamFactory, framework_with_skills

ORGANISATION = reverse("insights:organisation_dashboard")
TEAM = reverse("insights:team_dashboard")
INTERIM_Q4 = (
    "2026 Q4 (open until 28 October 2026: interim figures, which will change as more people submit)"
)


@pytest.fixture
def framework(db):
    return framework_with_skills()


@pytest.fixture
def cycle(framework):
    return make_cycle(framework, "2026 Q4", date(2026, 10, 1))


@pytest.fixture
def formula_team(cycle):
    team = TeamFactory(name="=1+1 team", directorate__name="Resources")
    crowd(cycle, team, [0, 1, 1, 2, 4])
    return team


def csv_rows(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode())))


def xlsx_rows(response) -> list[list]:
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [list(row) for row in sheet.iter_rows()]


def xlsx_cell(response, text: str):
    """The cell holding `text`, whatever its row."""
    found = [cell for row in xlsx_rows(response) for cell in row if cell.value == text]
    assert found, f"{text!r} not in the spreadsheet"
    return found[0]


# --- Formulas never run ----------------------------------------------------------------------


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_text_starting_with_a_formula_character_gets_a_leading_quote(start):
    assert escape_formula(f"{start}SUM(A1)") == f"'{start}SUM(A1)"


@pytest.mark.parametrize("number", [-0.5, -3, Decimal("-1.40")])
def test_a_negative_number_is_not_escaped(number):
    assert escape_formula(number) == number


def test_the_csv_writer_leaves_numbers_bare_and_quotes_text():
    out = io.StringIO()
    write_csv(out, head=["Name", "Change"], rows=[["-1 team", Decimal("-0.50")]])

    assert out.getvalue().splitlines() == ['"Name","Change"', '"\'-1 team",-0.50']


def test_a_team_named_like_a_formula_is_escaped_in_the_csv(client_for, head, formula_team):
    query = {"directorate": formula_team.directorate_id, "format": "csv", "table": "heatmap"}

    rows = csv_rows(client_for(head).get(ORGANISATION, query))

    assert ["'=1+1 team"] == [row[0] for row in rows if "1+1" in "".join(row)]


def test_a_team_named_like_a_formula_is_text_in_the_spreadsheet(client_for, head, formula_team):
    query = {"directorate": formula_team.directorate_id, "format": "xlsx", "table": "heatmap"}

    cell = xlsx_cell(client_for(head).get(ORGANISATION, query), "=1+1 team")

    assert cell.data_type == "s"


def test_a_person_named_like_a_formula_is_escaped_in_both_downloads(
    client_for, manager, alice, framework, cycle
):
    alice.user.full_name = '=HYPERLINK("x")'
    alice.user.save()
    assess(cycle, alice, {skill(framework): 1})
    client = client_for(manager)

    rows = csv_rows(client.get(TEAM, {"format": "csv", "table": "people"}))
    cell = xlsx_cell(client.get(TEAM, {"format": "xlsx", "table": "people"}), '=HYPERLINK("x")')

    assert ['\'=HYPERLINK("x")'] in [row[:1] for row in rows]
    assert cell.data_type == "s"


# --- Numbers are numbers ---------------------------------------------------------------------


@pytest.fixture
def falling_gap(framework, team):
    """Mean gap 2 in 2026 Q3, then 1 in 2026 Q4: a change of -1.00 levels."""
    before = make_cycle(framework, "2026 Q3", date(2026, 7, 1), state=Cycle.State.CLOSED)
    now = make_cycle(framework, "2026 Q4", date(2026, 10, 1))
    crowd(before, team, [0, 0, 0, 0, 0], prefix="b")
    crowd(now, team, [1, 1, 1, 1, 1], prefix="n")
    return now


def test_a_negative_change_is_a_bare_number_in_the_csv(client_for, head, falling_gap):
    response = client_for(head).get(ORGANISATION, {"format": "csv", "table": "headline"})

    assert '"Mean gap (levels)","levels",1.00,-1.00,""' in response.content.decode()


def test_a_negative_change_is_a_numeric_cell_in_the_spreadsheet(client_for, head, falling_gap):
    response = client_for(head).get(ORGANISATION, {"format": "xlsx", "table": "headline"})

    row = next(row for row in xlsx_rows(response) if row[0].value == "Mean gap (levels)")
    assert [cell.value for cell in row[2:4]] == [1, -1]
    assert [cell.data_type for cell in row[2:4]] == ["n", "n"]
    assert row[3].number_format == "0.00"


def test_a_suppressed_figure_is_an_empty_number_with_its_reason_in_the_notes(
    client_for, head, cycle
):
    crowd(cycle, TeamFactory(directorate__name="Tiny"), [0, 1])

    response = client_for(head).get(ORGANISATION, {"format": "xlsx", "table": "heatmap"})

    rows = [[cell.value for cell in row] for row in xlsx_rows(response)]
    assert ["Directorate", "People assessed", "Data", "Security", "Notes"] in rows
    assert [
        "Tiny",
        None,
        None,
        None,
        "People assessed: not shown; Data: fewer than 5 responses; Security: no responses",
    ] in rows


def test_a_level_and_gap_are_separate_numbers(client_for, manager, alice, framework, cycle):
    assess(cycle, alice, {skill(framework): 1})  # target 2: gap 1

    response = client_for(manager).get(TEAM, {"format": "xlsx", "table": "levels"})

    rows = [[cell.value for cell in row] for row in xlsx_rows(response)]
    assert ["Alice Adams", 1, 1, None] in rows


# --- Named files with their cycle and filters ------------------------------------------------


@pytest.fixture
def filtered(framework, cycle):
    team = TeamFactory(name="Revenues", directorate__name="Digital Services")
    crowd(cycle, team, [0, 1, 1, 2, 4])
    tier = Tier.objects.get(framework=framework, slug="all-staff")
    return {"cycle": cycle.pk, "directorate": team.directorate_id, "tier": tier.pk}


def test_the_file_name_carries_the_page_cycle_filters_and_table(client_for, head, filtered):
    client = client_for(head)
    csv_response = client.get(ORGANISATION, {**filtered, "format": "csv", "table": "heatmap"})
    xlsx_response = client.get(ORGANISATION, {**filtered, "format": "xlsx", "table": "heatmap"})

    name = "org-dashboard-2026-q4-directorate-digital-services-tier-all-staff-heatmap"
    assert csv_response["Content-Disposition"] == f'attachment; filename="{name}.csv"'
    assert xlsx_response["Content-Disposition"] == f'attachment; filename="{name}.xlsx"'


def test_the_first_rows_name_the_cycle_and_filters(client_for, head, filtered):
    rows = csv_rows(
        client_for(head).get(ORGANISATION, {**filtered, "format": "csv", "table": "heatmap"})
    )

    assert rows[:5] == [
        ["Table", "Mean gap in levels by team and capability area"],
        ["Cycle", INTERIM_Q4],
        ["Filters", "Directorate: Digital Services; Tier: All staff"],
        [],
        ["Team", "People assessed", "Data", "Security", "Notes"],
    ]


def test_the_spreadsheet_has_the_same_first_rows(client_for, head, filtered):
    response = client_for(head).get(ORGANISATION, {**filtered, "format": "xlsx", "table": "areas"})

    rows = [[cell.value for cell in row] for row in xlsx_rows(response)]
    assert rows[1][:2] == ["Cycle", INTERIM_Q4]
    assert rows[2][:2] == ["Filters", "Directorate: Digital Services; Tier: All staff"]
    assert rows[4][2] == "Ratings at or above target (%)"


def test_a_closed_cycles_files_say_it_is_closed_not_interim(client_for, head, filtered, cycle):
    cycle.state = Cycle.State.CLOSED
    cycle.save()
    client = client_for(head)
    for table in ("headline", "heatmap"):
        rows = csv_rows(client.get(ORGANISATION, {**filtered, "format": "csv", "table": table}))
        assert rows[1] == ["Cycle", "2026 Q4 (closed)"]
    response = client.get(ORGANISATION, {**filtered, "format": "xlsx", "table": "areas"})
    assert [cell.value for cell in xlsx_rows(response)[1]][:2] == ["Cycle", "2026 Q4 (closed)"]


def test_the_team_dashboards_files_say_an_open_cycle_is_interim(client_for, manager, alice, cycle):
    for file_format, read in (("csv", csv_rows), ("xlsx", xlsx_rows)):
        rows = read(client_for(manager).get(TEAM, {"format": file_format, "table": "people"}))
        first = [getattr(value, "value", value) for value in rows[1]]
        assert first[:2] == ["Cycle", INTERIM_Q4]


def test_without_filters_the_first_rows_say_none(client_for, head, cycle):
    rows = csv_rows(client_for(head).get(ORGANISATION, {"format": "csv", "table": "headline"}))

    assert rows[2] == ["Filters", "None"]


def test_a_drill_down_names_its_team(client_for, head, cycle, team):
    url = reverse("insights:organisation_team", args=[team.pk])

    response = client_for(head).get(url, {"format": "csv", "table": "skills"})

    assert response["Content-Disposition"] == (
        'attachment; filename="org-dashboard-2026-q4-team-customer-services-skills.csv"'
    )


def test_each_table_offers_a_spreadsheet_beside_its_csv(client_for, head, cycle):
    page = client_for(head).get(ORGANISATION).content.decode()

    assert "Download as spreadsheet (.xlsx)" in page
    assert "table=heatmap&amp;format=xlsx" in page
    assert "table=heatmap&amp;format=csv" in page


# --- Who may download, and caching -----------------------------------------------------------


def test_an_unknown_table_is_not_found(client_for, head, cycle):
    for file_format in ("csv", "xlsx"):
        response = client_for(head).get(ORGANISATION, {"format": file_format, "table": "salaries"})
        assert response.status_code == 404


def test_an_unknown_table_on_the_team_dashboard_is_not_found(client_for, manager, alice, cycle):
    response = client_for(manager).get(TEAM, {"format": "xlsx", "table": "salaries"})
    assert response.status_code == 404


def test_staff_cannot_download_the_organisation_spreadsheet(client_for, alice, cycle):
    response = client_for(alice).get(ORGANISATION, {"format": "xlsx", "table": "heatmap"})
    assert response.status_code == 403


def test_staff_cannot_download_a_team_spreadsheet(client_for, alice, cycle):
    response = client_for(alice).get(TEAM, {"format": "xlsx", "table": "people"})
    assert response.status_code == 403


def test_a_manager_cannot_download_another_managers_team(client_for, manager, alice, cycle):
    other_manager = StaffProfileFactory()
    StaffProfileFactory(line_manager=other_manager)
    url = reverse("insights:team_dashboard_for", args=[other_manager.pk])

    response = client_for(manager).get(url, {"format": "xlsx", "table": "levels"})

    assert response.status_code == 404


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_downloads_are_never_cached(client_for, head, cycle, file_format):
    response = client_for(head).get(ORGANISATION, {"format": file_format, "table": "heatmap"})

    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"


# --- File names ------------------------------------------------------------------------------


def test_a_file_name_is_ascii_without_quotes_or_line_breaks():
    name = attachment_filename('Zoë\'s "team"\r\nSet-Cookie: a=b', "2026 Q4", extension="csv")

    assert name == "zoes-team-set-cookie-ab-2026-q4.csv"


def test_the_header_cleans_a_name_built_by_hand():
    assert attachment_header('a"b\r\n.csv') == 'attachment; filename="ab.csv"'
