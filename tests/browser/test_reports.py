"""Generating a quarterly report, waiting for it and downloading it, in a browser."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from assessments.models import Cycle
from people.models import Directorate
from reports import services
from reports.models import Report
from tests.browser.conftest import assert_accessible, sign_in
from tests.reports.conftest import build_organisation

pytestmark = pytest.mark.browser


@pytest.fixture
def organisation(transactional_db) -> Cycle:
    return build_organisation()


def test_leadership_generates_and_downloads_a_report(page, leader, organisation):
    sign_in(page, "leader@example.org")
    page.goto("/reports/")
    assert page.get_by_role("heading", level=1).inner_text() == "Quarterly reports"
    assert_accessible(page)

    page.get_by_label("Cycle").select_option(label="2026 Q2")
    page.get_by_label("The whole organisation").check()
    page.get_by_role("button", name="Generate report").click()

    # Tasks run eagerly in tests, so the report is ready by the time the page loads.
    link = page.get_by_role("link", name="Download the report (PDF")
    link.wait_for()
    assert_accessible(page)
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "capability-report-2026-q2-organisation.pdf"
    with open(download.value.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"


def test_the_report_page_updates_itself_until_the_report_is_ready(page, leader, organisation):
    report = Report.objects.create(
        cycle=organisation, directorate=Directorate.objects.get(name="Communities")
    )
    sign_in(page, "leader@example.org")
    page.goto(f"/reports/{report.pk}/")
    expect(page.get_by_text("Waiting for a worker since")).to_be_visible()
    assert_accessible(page)

    services.report_build(report_id=report.pk)  # as a worker would, while the page waits

    page.get_by_role("link", name="Download the report (PDF").wait_for(timeout=20000)
    expect(page.get_by_text("Ready", exact=True).first).to_be_visible()


def test_the_head_of_digital_writes_the_key_messages_on_an_accessible_page(
    page, head, organisation
):
    report = Report.objects.create(cycle=organisation)
    services.report_build(report_id=report.pk)
    sign_in(page, "head@example.org")
    page.goto(f"/reports/{report.pk}/")
    page.get_by_role("link", name="Edit the key messages, commentary and decisions sought").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Key messages and commentary"
    assert_accessible(page)

    page.get_by_label("Commentary").fill("The data academy starts in May.")
    page.get_by_role("button", name="Save and build the report again").click()

    page.get_by_text("Your text has been saved.").wait_for()
    expect(page.get_by_text("Written by Harriet Head")).to_be_visible()
    assert_accessible(page)


def test_the_trends_page_is_accessible(page, head, organisation):
    sign_in(page, "head@example.org")
    page.goto("/assessments/dashboards/organisation/")
    page.get_by_role("link", name="Trends over the last 8 cycles").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Trends"
    chart = page.get_by_role("img", name="Share of ratings at or above target by tier")
    expect(chart).to_be_visible()
    assert_accessible(page)
