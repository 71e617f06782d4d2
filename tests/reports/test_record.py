"""A report is a record of its quarter; the head of digital's key messages and commentary."""

from __future__ import annotations

import csv
import io
import re
import threading
from datetime import UTC, date, datetime, timedelta
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments import services as assessment_services
from assessments.models import Assessment, Cycle
from insights import gaps
from okrs.models import CheckIn, KeyResult, Objective
from reports import services
from reports.models import Report
from reports.tasks import queue_closed_cycle_reports
from roadmap.models import Initiative
from tests.reports.conftest import pdf_text

CLOSED_AT = datetime(2026, 1, 28, 17, 0, tzinfo=UTC)


@pytest.fixture
def first_quarter(organisation) -> Cycle:
    """2026 Q1, closed on 28 January 2026 (2026 Q2, after it, is open)."""
    cycle = Cycle.objects.get(name="2026 Q1")
    cycle.closed_at = CLOSED_AT
    cycle.save(update_fields=["closed_at"])
    return cycle


@pytest.fixture
def okrs_of_the_quarter(first_quarter, head) -> dict[str, KeyResult]:
    objective = Objective.objects.create(period="2026 Q1", owner=head, title="Everyone data-ready")
    manual = KeyResult.objects.create(
        objective=objective, title="Staff trained in data", unit="people", baseline=0, target=100
    )
    CheckIn.objects.create(
        key_result=manual, date=date(2026, 1, 20), value=30, confidence="on_track", author=head
    )
    computed = KeyResult.objects.create(
        objective=objective,
        title="Ratings at target",
        kind=KeyResult.Kind.COMPUTED,
        measure="share_at_target",
        framework=first_quarter.framework,
        unit="%",
        baseline=0,
        target=100,
        order=1,
    )
    return {"manual": manual, "computed": computed}


def built(report: Report) -> Report:
    services.report_build(report_id=report.pk)
    return Report.objects.get(pk=report.pk)


def test_a_report_rebuilt_later_for_a_closed_cycle_is_identical_in_its_figures(
    first_quarter, okrs_of_the_quarter, head, django_capture_on_commit_callbacks
):
    report = built(Report.objects.create(cycle=first_quarter, requested_by=head))
    first = pdf_text(report)
    # Since the quarter closed: a later check-in that is off track, and a new initiative.
    CheckIn.objects.create(
        key_result=okrs_of_the_quarter["manual"],
        date=date(2026, 2, 15),
        value=80,
        confidence="off_track",
        author=head,
    )
    Initiative.objects.create(title="Data academy", owner=head, horizon="now")

    with django_capture_on_commit_callbacks(execute=True):
        services.report_request(
            cycle=first_quarter, directorate=None, requested_by=head, regenerate=True
        )
    again = Report.objects.get(pk=report.pk)

    assert again.build == 2 and again.is_ready
    assert pdf_text(again) == first
    assert "Data academy" not in first
    # OKR values are the quarter's: the check-in before its close, and the computed key result
    # measured in 2026 Q1 (43% of ratings at target), not in the open 2026 Q2 (93%).
    q1_share = gaps.headline(cycle=first_quarter)["share_at_target"].display(0, "%")
    assert q1_share == "43%"
    assert "Staff trained in data 0 people 30 people 100 people 30% On track (20 January 2026)" in (
        first.replace("\n", " ")
    )
    assert f"Ratings at target 0% {q1_share} 100%" in first.replace("\n", " ")
    assert "As at the close of the cycle, 28 January 2026" in first


def test_an_open_cycles_report_is_interim_everywhere(organisation_report):
    report = built(organisation_report)
    text = pdf_text(report)

    assert report.record_interim
    assert "Digital capability report: 2026 Q2 (interim)" in text.replace("\n", " ")
    assert "Interim: as at" in text
    # Every page's footer says so.
    assert text.count("Digital capability report: 2026 Q2 (interim)") >= report.page_count - 1


def test_a_cycle_reopened_after_its_report_was_built_makes_the_report_out_of_date(
    first_quarter, head, client_for, django_capture_on_commit_callbacks
):
    report = built(Report.objects.create(cycle=first_quarter, requested_by=head))
    assert not report.is_out_of_date
    Cycle.objects.filter(name="2026 Q2").update(state=Cycle.State.CLOSED)

    assessment_services.cycle_reopen(
        cycle=first_quarter, closes_on=timezone.localdate() + timedelta(days=7), by=head
    )

    report = Report.objects.get(pk=report.pk)
    assert report.is_out_of_date
    page = client_for(head).get(reverse("reports:detail", args=[report.pk])).content.decode()
    assert "This report is out of date." in page
    assert "was reopened after it was built" in page
    listing = client_for(head).get(reverse("reports:list")).content.decode()
    assert "Out of date" in listing

    assessment_services.cycle_close(cycle=Cycle.objects.get(pk=first_quarter.pk), by=head)
    with django_capture_on_commit_callbacks(execute=True):
        queue_closed_cycle_reports()  # beat, each morning: built again as the record

    report = Report.objects.get(pk=report.pk)
    assert report.is_ready and not report.is_out_of_date and not report.record_interim
    assert report.record_cycle_closed_at == Cycle.objects.get(pk=first_quarter.pk).closed_at


def test_the_pdf_carries_the_drafted_key_messages_on_page_two(organisation_report):
    report = built(organisation_report)
    from pypdf import PdfReader

    with report.file.open("rb") as handle:
        page_two = PdfReader(handle).pages[1].extract_text()

    assert "Key messages" in page_two
    assert "Completion: 14 of 14 people (100%) have submitted" in page_two
    assert "Largest gaps by tier, weighted by headcount:" in page_two
    assert "Drafted by the service from the figures" in page_two


def test_the_head_of_digitals_key_messages_commentary_and_decisions_are_in_the_pdf(
    organisation_report, head, client_for, django_capture_on_commit_callbacks
):
    built(organisation_report)
    client = client_for(head)
    form = client.get(reverse("reports:write", args=[organisation_report.pk]))
    assert "Completion: 14 of 14 people" in form.content.decode()  # the draft, to edit

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reports:write", args=[organisation_report.pk]),
            {
                "key_messages": "Completion is complete.\r\n\r\nData skills lag behind.",
                "commentary": "The data academy starts in May.",
                "decisions_sought": "Agree funding for two data trainers.",
            },
        )

    assert response.status_code == 302
    report = Report.objects.get(pk=organisation_report.pk)
    assert report.is_ready and report.build == 2
    text = pdf_text(report)
    assert "Completion is complete." in text
    assert "Data skills lag behind." in text
    assert "Completion: 14 of 14 people" not in text  # replaced by what the head wrote
    assert "The data academy starts in May." in text
    assert "Agree funding for two data trainers." in text
    assert "Written by Harriet Head" in text


def test_the_pdf_carries_the_trend_table(organisation_report):
    text = pdf_text(built(organisation_report)).replace("\n", " ")

    assert "Share at or above target by capability area and cycle" in text
    for area in gaps.area_figures(cycle=organisation_report.cycle):
        before = next(
            item
            for item in gaps.area_figures(cycle=Cycle.objects.get(name="2026 Q1"))
            if item.area.slug == area.area.slug
        )
        expected = (
            f"{area.area.name} {before.share_at_target.display(0, '%')} "
            f"{area.share_at_target.display(0, '%')}"
        )
        assert expected in text
    assert "Share at or above target by tier and cycle" in text
    assert "All staff 43% 93%" in text


def test_only_a_head_of_digital_writes_a_reports_key_messages(
    organisation_report, leader, alice, client_for
):
    url = reverse("reports:write", args=[organisation_report.pk])
    for person in (leader, alice):
        client = client_for(person)
        assert client.get(url).status_code == 403
        assert client.post(url, {"commentary": "Mine"}).status_code == 403
    assert Report.objects.get(pk=organisation_report.pk).commentary == ""


def test_writing_for_a_report_that_does_not_exist_is_a_404(head, client_for):
    assert client_for(head).get(reverse("reports:write", args=[999999])).status_code == 404


def test_control_characters_in_the_commentary_are_a_form_error(
    organisation_report, head, client_for
):
    response = client_for(head).post(
        reverse("reports:write", args=[organisation_report.pk]),
        {"key_messages": "", "commentary": "bell\x07escape\x1b", "decisions_sought": ""},
    )

    assert response.status_code == 200
    assert "Commentary must not contain control characters" in response.content.decode()
    assert Report.objects.get(pk=organisation_report.pk).commentary == ""


def test_the_change_agrees_on_the_dashboard_the_drill_down_the_csv_and_the_pdf(
    organisation_report, head, client_for
):
    cycle = organisation_report.cycle
    tier, items = next(iter(gaps.biggest_gaps_by_tier(cycle=cycle).items()))
    item = items[0]
    change = item.change_mean_gap.display_change(2)
    assert change == "-0.57"  # two decimals, never rounded to a whole number
    client = client_for(head)

    dashboard = client.get(reverse("insights:organisation_dashboard")).content.decode()
    row = re.search(rf">{re.escape(item.skill.name)}</a></th>(.*?)</tr>", dashboard, re.S)
    assert row and f">{change}<" in row.group(1)

    drill_down = client.get(
        reverse("insights:organisation_skill", args=[item.skill.pk]), {"tier": tier.pk}
    ).content.decode()
    assert re.search(
        r"Change in mean gap since the previous cycle</dt>\s*<dd[^>]*>" + re.escape(change),
        drill_down,
    )

    download = client.get(
        reverse("insights:organisation_dashboard"), {"table": "biggest_gaps", "format": "csv"}
    )
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    head_row = next(row for row in rows if row and row[0] == "Tier")
    skill_row = next(row for row in rows if len(row) > 1 and row[1] == item.skill.name)
    assert skill_row[head_row.index("Change (levels)")] == change

    text = pdf_text(built(organisation_report))
    assert re.search(rf"{re.escape(item.skill.name)} .*{re.escape(change)}", text)


def test_an_open_cycles_completion_compares_with_the_same_point_of_the_previous_one(
    organisation, head, client_for
):
    from insights import timeline

    previous = Cycle.objects.get(name="2026 Q1")
    opened = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)
    previous.opened_at = opened
    previous.save(update_fields=["opened_at"])
    assessments = list(Assessment.objects.filter(cycle=previous).order_by("pk"))
    for index, assessment in enumerate(assessments):  # half by day 3, half on day 20
        day = 2 if index % 2 == 0 else 19
        assessment.submitted_at = opened + timedelta(days=day)
    Assessment.objects.bulk_update(assessments, ["submitted_at"])
    now = timezone.now()
    organisation.opened_at = now - timedelta(days=5)
    organisation.save(update_fields=["opened_at"])

    same_point = timeline.completion_at_same_point(cycle=organisation, now=now)

    assert same_point.previous == previous
    assert same_point.days == 5
    assert same_point.completion.display(0, "%") == "50%"
    assert same_point.change.display_change(0) == "+50"
    page = client_for(head).get(reverse("insights:organisation_dashboard")).content.decode()
    assert "Interim" in page
    assert "+50 percentage points" in page


def test_the_trends_page_shows_each_area_and_tier_over_the_cycles(organisation, head, client_for):
    page = client_for(head).get(reverse("insights:organisation_trends")).content.decode()

    assert "(open: interim figures)" in page
    assert "<svg" in page and "Share of ratings at or above target by tier" in page
    row = re.search(r">All staff</th>(.*?)</tr>", page, re.S)
    assert row and re.findall(r">(\d+%)<", row.group(1)) == ["43%", "93%"]


def test_staff_and_line_managers_cannot_see_the_trends(alice, manager, client_for):
    for person in (alice, manager):
        assert client_for(person).get(reverse("insights:organisation_trends")).status_code == 403


@pytest.mark.django_db(transaction=True)
def test_with_eager_tasks_asking_for_a_report_returns_at_once_and_it_is_built_behind(
    settings, leader, client_for
):
    from tests.reports.conftest import build_organisation

    cycle = build_organisation()
    settings.REPORTS_BUILD_IN_A_THREAD = True
    started = threading.Event()
    release = threading.Event()
    real_build = services.report_build

    def slow_build(**kwargs):
        started.set()
        release.wait(10)
        return real_build(**kwargs)

    client = client_for(leader)
    with mock.patch.object(services, "report_build", slow_build):
        response = client.post(
            reverse("reports:list"), {"cycle": cycle.pk, "scope": "organisation"}
        )
        assert response.status_code == 302  # returned while the build waits
        assert started.wait(10)
        page = client.get(response.url).content.decode()
        assert "Waiting for a worker" in page or "Building the report" in page
        release.set()
        for thread in list(services.background_builds):
            thread.join(30)

    assert Report.objects.get(cycle=cycle).is_ready


def test_the_heatmap_shows_the_same_measure_on_the_dashboard_and_in_the_pdf(
    organisation_report, head, client_for
):
    dashboard = client_for(head).get(reverse("insights:organisation_dashboard")).content.decode()
    row = re.search(r">Communities</a></th>(.*?)</tr>", dashboard, re.S)
    cells = re.findall(r"app-heat--\d\">([^<]+)<", row.group(1))
    assert cells == ["0.17", "0.17"]  # mean gap in levels

    text = pdf_text(built(organisation_report))
    assert "Mean gap in levels by directorate and capability area" in text
    assert f"Communities 6 {' '.join(cells)}" in text


def test_a_report_marked_final_says_who_approved_it(
    organisation_report, head, client_for, django_capture_on_commit_callbacks
):
    assert "Draft: not yet marked final" in pdf_text(built(organisation_report))

    with django_capture_on_commit_callbacks(execute=True):
        client_for(head).post(
            reverse("reports:write", args=[organisation_report.pk]),
            {"key_messages": "", "commentary": "Ready.", "decisions_sought": "", "final": "on"},
        )

    report = Report.objects.get(pk=organisation_report.pk)
    assert report.is_finalised and report.finalised_by == head
    text = pdf_text(report).replace("\n", " ")
    assert f"Final, approved by Harriet Head on {report.finalised_at:%-d %B %Y}" in text
    assert "Drafted by the service from the figures" in text  # the key messages were kept


def test_a_change_that_rounds_to_nothing_is_plus_zero_on_every_page_and_download():
    change = gaps.Figure(value=-0.3, people=10, suppressed=False)

    assert change.display_change(0, " points") == "+0 points"
    assert str(change.rounded(0)) == "0"
    assert gaps.Figure(value=-0.004, people=10, suppressed=False).display_change(2) == "+0.00"


def test_a_quarters_record_never_shows_a_later_quarters_objectives(first_quarter, head):
    Objective.objects.create(period="2026 Q2", owner=head, title="A later quarter's objective")

    text = pdf_text(built(Report.objects.create(cycle=first_quarter, requested_by=head)))

    assert "A later quarter's objective" not in text
    assert "No objectives were set for 2026 Q1 or an earlier quarter." in text


def test_a_quarters_record_shows_the_objectives_of_the_financial_year_it_opened_in(
    first_quarter, head
):
    # 2026 Q1 opened in January 2026: financial year 2025-26, April 2025 to March 2026.
    Objective.objects.create(period="2025-26", owner=head, title="This year's objective")
    Objective.objects.create(period="2026-27", owner=head, title="Next year's objective")

    text = pdf_text(built(Report.objects.create(cycle=first_quarter, requested_by=head)))

    assert "This year's objective" in text
    assert "Next year's objective" not in text


def test_the_key_messages_name_the_key_results_off_track_or_at_risk(
    first_quarter, okrs_of_the_quarter, head
):
    CheckIn.objects.create(
        key_result=okrs_of_the_quarter["manual"],
        date=date(2026, 1, 25),
        value=35,
        confidence="at_risk",
        author=head,
    )

    report = built(Report.objects.create(cycle=first_quarter, requested_by=head))

    messages = report.record["key_messages"]
    assert "Key results off track or at risk: Staff trained in data (at risk)." in messages
    assert "There is no earlier cycle to compare with." in messages
    assert "Key results off track or at risk: Staff trained in data (at risk)." in (
        pdf_text(report).replace("\n", " ")
    )


def test_no_text_in_the_pdf_is_smaller_than_8_points_and_chart_labels_are_whole(
    organisation_report, okrs_of_the_quarter
):
    long_title = "Every service manager can explain how their service uses and protects data"
    okrs_of_the_quarter["manual"].title = long_title
    okrs_of_the_quarter["manual"].save()

    html = services.report_html(report=Report.objects.get(pk=organisation_report.pk))

    svg_sizes = [float(size) for size in re.findall(r'font-size="([\d.]+)"', html)]
    css_sizes = [float(size) for size in re.findall(r"font-size:\s*([\d.]+)pt", html)]
    css_sizes += [float(size) for size in re.findall(r"font:\s*([\d.]+)pt", html)]
    assert svg_sizes and css_sizes
    assert min(svg_sizes) * 0.75 >= 8  # SVG units are CSS pixels: 0.75 pt each
    assert min(css_sizes) >= 8
    # A long label is wrapped onto two lines beside its bar, not cut off.
    chart = re.search(r'<svg[^>]*aria-labelledby="objective-1-title.*?</svg>', html, re.S)
    labels = [
        " ".join(re.findall(r"<tspan[^>]*>([^<]*)</tspan>", text))
        for text in re.findall(r"<text[^>]*>(.*?)</text>", chart.group(0), re.S)
    ]
    assert long_title in labels
