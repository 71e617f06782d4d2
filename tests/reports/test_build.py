"""Building a report: the PDF, its figures, claiming, failure and retry."""

from __future__ import annotations

import subprocess

import pytest
from django.core import mail
from django.db import OperationalError
from pypdf import PdfReader

from insights import gaps
from reports import services
from reports.models import Report
from reports.tasks import build_report
from tests.figures import publish
from tests.reports.conftest import pdf_text


def stored_files(settings) -> list[str]:
    folder = settings.MEDIA_ROOT / "reports"
    return sorted(path.name for path in folder.iterdir()) if folder.exists() else []


def test_a_built_report_is_ready_with_its_file_details(organisation_report):
    services.report_build(report_id=organisation_report.pk)

    report = Report.objects.get(pk=organisation_report.pk)
    assert report.status == Report.Status.READY
    assert report.progress == 100
    assert report.page_count >= 6
    assert report.size_bytes == report.file.size
    assert len(report.checksum) == 64
    assert report.attempts == 1
    assert report.finished_at is not None


def test_the_pdf_is_tagged_with_a_title_and_language(organisation_report):
    services.report_build(report_id=organisation_report.pk)
    report = Report.objects.get(pk=organisation_report.pk)

    info = subprocess.run(
        ["pdfinfo", report.file.path], capture_output=True, text=True, check=True
    ).stdout
    assert "Tagged:          yes" in info
    reader = PdfReader(report.file.path)
    assert reader.trailer["/Root"]["/MarkInfo"]["/Marked"]
    assert reader.trailer["/Root"]["/Lang"] == "en-GB"
    assert reader.metadata.title == (
        "Example Council: digital capability report, 2026 Q2 (interim), Whole organisation"
    )


def test_the_pdf_shows_the_gap_engines_figures(organisation_report, settings):
    services.report_build(report_id=organisation_report.pk)
    text = pdf_text(Report.objects.get(pk=organisation_report.pk))

    cycle = organisation_report.cycle
    headline = gaps.headline(cycle=cycle)
    assert headline["completion"].display(0, "%") == "100%"
    assert f"{headline['submitted']} of {headline['people']} people" in text
    share = headline["share_at_target"].display(0, "%")
    assert f"At or above target{share}" in text.replace("\n", "")
    for area in gaps.area_figures(cycle=cycle):
        assert f"{area.area.name} {area.people_text} {area.share_at_target.display(0, '%')}" in text
    # Place has 3 people: its heatmap row and page say why there is no number.
    assert "Place not shown fewer than 5 responses" in text
    assert "fewer than 5 responses" in text


def test_every_section_is_in_the_pdf(organisation_report):
    services.report_build(report_id=organisation_report.pk)
    text = pdf_text(Report.objects.get(pk=organisation_report.pk))

    for heading in (
        "Executive summary",
        "Biggest movements since last quarter",
        "Capability heatmap",
        "Biggest gaps by tier",
        "Communities",
        "OKR progress",
        "Roadmap",
        "Gaps no initiative addresses",
        "Methodology",
        "How gaps are worked out",
    ):
        assert heading in text


def test_the_biggest_movement_since_last_quarter_is_listed(organisation_report):
    services.report_build(report_id=organisation_report.pk)
    text = pdf_text(Report.objects.get(pk=organisation_report.pk))

    movers = [
        item
        for item in gaps.skill_figures(cycle=organisation_report.cycle)
        if item.change_share_at_target.available
    ]
    top = max(movers, key=lambda item: abs(item.change_share_at_target.value))
    change = f"{top.change_share_at_target.value:+.0f} points"
    assert (
        f"{top.skill.name} {top.skill.area.name} {top.share_at_target.display(0, '%')} {change}"
        in (text)
    )


def test_building_a_ready_report_again_does_nothing(organisation_report, settings):
    services.report_build(report_id=organisation_report.pk)
    first = Report.objects.get(pk=organisation_report.pk)

    assert services.report_build(report_id=organisation_report.pk) is None
    again = Report.objects.get(pk=organisation_report.pk)
    assert again.file.name == first.file.name
    assert again.attempts == 1
    assert len(stored_files(settings)) == 1


def test_a_report_claimed_by_a_live_worker_cannot_be_claimed_by_another(organisation_report):
    assert services.report_claim(report_id=organisation_report.pk, claimant="task-1")
    assert services.report_claim(report_id=organisation_report.pk, claimant="task-2") is None
    assert Report.objects.get(pk=organisation_report.pk).claimed_by == "task-1"


def test_a_redelivered_task_completes_the_build_its_dead_worker_left(organisation_report, settings):
    # The worker was killed after claiming: the report is running with nothing to download.
    services.report_claim(report_id=organisation_report.pk, claimant="task-1")
    assert stored_files(settings) == []

    services.report_build(report_id=organisation_report.pk, claimant="task-1")

    report = Report.objects.get(pk=organisation_report.pk)
    assert report.status == Report.Status.READY
    assert report.attempts == 2
    assert len(stored_files(settings)) == 1


def test_a_build_whose_worker_went_quiet_can_be_taken_over(organisation_report, settings):
    services.report_claim(report_id=organisation_report.pk, claimant="task-1")
    Report.objects.filter(pk=organisation_report.pk).update(
        heartbeat_at=organisation_report.queued_at.replace(year=2000)
    )

    services.report_build(report_id=organisation_report.pk, claimant="task-2")

    assert Report.objects.get(pk=organisation_report.pk).status == Report.Status.READY


def test_a_failure_records_its_error_and_leaves_nothing_to_download(
    organisation_report, monkeypatch, settings
):
    def broken(**kwargs):
        raise ValueError("no fonts available")

    monkeypatch.setattr(services, "_write_pdf", broken)
    build_report.delay(organisation_report.pk)

    report = Report.objects.get(pk=organisation_report.pk)
    assert report.status == Report.Status.FAILED
    assert report.error == "ValueError: no fonts available"
    assert not report.file
    assert stored_files(settings) == []


@pytest.fixture
def retries_run_in_process():
    """Eager retries re-apply the task; Celery re-raises each Retry if eager tasks propagate."""
    from config.celery import app

    before = app.conf.task_eager_propagates
    app.conf.task_eager_propagates = False
    yield
    app.conf.task_eager_propagates = before


def test_a_transient_error_is_retried_and_the_report_completes(
    organisation_report, monkeypatch, retries_run_in_process
):
    real = services._write_pdf
    calls = []

    def flaky(**kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return real(**kwargs)

    monkeypatch.setattr(services, "_write_pdf", flaky)
    build_report.delay(organisation_report.pk)  # eager: retries at once, not after the backoff

    report = Report.objects.get(pk=organisation_report.pk)
    assert report.status == Report.Status.READY
    assert report.attempts == 2


def test_a_transient_error_that_persists_fails_the_report(
    organisation_report, monkeypatch, retries_run_in_process
):
    def down(**kwargs):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(services, "_write_pdf", down)
    build_report.delay(organisation_report.pk)

    report = Report.objects.get(pk=organisation_report.pk)
    assert report.status == Report.Status.FAILED
    assert report.error == "OperationalError: could not connect to server"
    assert report.attempts == build_report.max_retries + 1


def test_the_requester_is_emailed_a_link_when_the_report_is_ready(
    organisation_report, settings, django_capture_on_commit_callbacks
):
    settings.SERVICE_URL = "https://capability.example.org"
    with django_capture_on_commit_callbacks(execute=True):
        services.report_build(report_id=organisation_report.pk)

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["leader@example.org"]
    assert "2026 Q2" in mail.outbox[0].subject
    assert (
        f"https://capability.example.org/reports/{organisation_report.pk}/" in mail.outbox[0].body
    )


def test_regenerating_replaces_the_file_and_removes_the_old_one(
    organisation_report, leader, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.report_build(report_id=organisation_report.pk)
        first = Report.objects.get(pk=organisation_report.pk).file.name
        services.report_request(
            cycle=organisation_report.cycle, directorate=None, requested_by=leader, regenerate=True
        )

    report = Report.objects.get(pk=organisation_report.pk)
    assert report.status == Report.Status.READY
    assert report.file.name != first
    assert stored_files(settings) == [report.file.name.split("/")[-1]]
    assert Report.objects.count() == 1


@pytest.mark.parametrize("status", [Report.Status.READY, Report.Status.FAILED])
def test_requesting_an_existing_report_does_not_queue_it_again(
    organisation_report, leader, status, django_capture_on_commit_callbacks
):
    Report.objects.filter(pk=organisation_report.pk).update(status=status)
    with django_capture_on_commit_callbacks() as callbacks:
        report = services.report_request(
            cycle=organisation_report.cycle, directorate=None, requested_by=leader
        )
    assert report.pk == organisation_report.pk
    assert report.status == status
    assert callbacks == []


def test_a_directorate_report_covers_that_directorate(organisation, leader):
    from people.models import Directorate

    communities = Directorate.objects.get(name="Communities")
    report = Report.objects.create(cycle=organisation, directorate=communities)
    services.report_build(report_id=report.pk)
    text = pdf_text(Report.objects.get(pk=report.pk))

    headline = gaps.headline(
        cycle=organisation, filters=gaps.Filters(directorate_id=communities.pk)
    )
    assert f"{headline['submitted']} of {headline['people']} people in Communities" in text
    assert "Libraries" in text  # the heatmap is by team
    assert "Place" not in text


def test_every_heatmap_column_fits_on_the_page_with_the_starter_frameworks_many_areas(
    organisation_report,
):
    """Seven long area names (as in the starter framework): no column may fall off the page.
    pdftotext reads only what is inside the page, so a clipped column would be missing."""
    from assessments.models import Assessment, Rating
    from capability.models import CapabilityArea, Skill

    cycle = organisation_report.cycle
    framework = cycle.framework
    tier = framework.tiers.get(slug="all-staff")
    level_two = framework.levels.get(number=2)
    names = [
        "Users and ways of working",
        "Security, privacy and risk",
        "Money, suppliers and value",
        "Leadership, culture and innovation",
        "People and skills",
    ]
    for order, name in enumerate(names, start=10):
        area = CapabilityArea.objects.create(
            framework=framework, slug=f"area-{order}", name=name, order=order
        )
        skill = Skill.objects.create(
            framework=framework, area=area, tier=tier, slug=f"skill-{order}", name=f"Skill {order}"
        )
        # Communities people in this cycle: everyone exactly at target (100%) in the new areas.
        Rating.objects.bulk_create(
            Rating(assessment=assessment, skill=skill, level=level_two, target=2)
            for assessment in Assessment.objects.filter(
                cycle=cycle, directorate__name="Communities"
            )
        )
    publish(cycle)
    services.report_build(report_id=organisation_report.pk)
    report = Report.objects.get(pk=organisation_report.pk)
    text = subprocess.run(
        ["pdftotext", "-layout", report.file.path, "-"], capture_output=True, text=True, check=True
    ).stdout

    heatmap_page = next(page for page in text.split("\f") if "Capability heatmap" in page)
    communities = next(line for line in heatmap_page.splitlines() if "Communities" in line)
    assert communities.split()[-5:] == ["0.00"] * 5  # mean gap, as on the dashboard
    summary_page = next(page for page in text.split("\f") if "Executive summary" in page)
    assert "Mean gap" in summary_page
