"""Report pages: who may see them, generating, progress, retry and download."""

from __future__ import annotations

import pytest
from django.urls import reverse

from people.models import Directorate
from reports import services
from reports.models import Report


@pytest.fixture
def ready_report(organisation_report) -> Report:
    services.report_build(report_id=organisation_report.pk)
    return Report.objects.get(pk=organisation_report.pk)


@pytest.mark.parametrize("name", ["reports:list"])
def test_staff_and_line_managers_cannot_see_the_reports_list(client_for, alice, manager, name):
    assert client_for(alice).get(reverse(name)).status_code == 403
    assert client_for(manager).get(reverse(name)).status_code == 403


def test_staff_and_line_managers_cannot_open_or_download_a_report(
    client_for, alice, manager, ready_report
):
    for person in (alice, manager):
        client = client_for(person)
        assert client.get(reverse("reports:detail", args=[ready_report.pk])).status_code == 403
        assert client.get(reverse("reports:download", args=[ready_report.pk])).status_code == 403
        assert client.post(reverse("reports:retry", args=[ready_report.pk])).status_code == 403


def test_staff_cannot_generate_a_report(client_for, alice, organisation):
    response = client_for(alice).post(
        reverse("reports:list"), {"cycle": organisation.pk, "scope": "organisation"}
    )
    assert response.status_code == 403
    assert not Report.objects.exists()


def test_signed_out_people_are_sent_to_sign_in(client, ready_report):
    response = client.get(reverse("reports:download", args=[ready_report.pk]))
    assert response.status_code == 302
    assert "/sign-in/" in response.url


def test_leadership_downloads_the_pdf_as_an_attachment(client_for, leader, ready_report):
    response = client_for(leader).get(reverse("reports:download", args=[ready_report.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="capability-report-2026-q2-organisation.pdf"'
    )
    body = b"".join(response.streaming_content)
    assert body.startswith(b"%PDF-")
    assert len(body) == ready_report.size_bytes


def test_a_head_of_digital_sees_the_list_with_status(client_for, head, ready_report):
    response = client_for(head).get(reverse("reports:list"))
    assert response.status_code == 200
    assert "2026 Q2" in response.text
    assert "Whole organisation" in response.text
    assert "Ready" in response.text


def test_a_report_that_does_not_exist_is_not_found(client_for, leader, db):
    client = client_for(leader)
    assert client.get(reverse("reports:detail", args=[999])).status_code == 404
    assert client.get(reverse("reports:download", args=[999])).status_code == 404


def test_a_report_that_is_not_ready_cannot_be_downloaded(client_for, leader, organisation_report):
    response = client_for(leader).get(reverse("reports:download", args=[organisation_report.pk]))
    assert response.status_code == 404


def test_generating_queues_the_report_and_shows_a_page_that_refreshes(
    client_for, leader, organisation, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        response = client_for(leader).post(
            reverse("reports:list"), {"cycle": organisation.pk, "scope": "organisation"}
        )

    report = Report.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("reports:detail", args=[report.pk])
    assert report.status == Report.Status.QUEUED
    assert report.requested_by == leader
    assert len(callbacks) == 1  # build_report.delay, once the request commits
    page = client_for(leader).get(response.url).text
    assert "data-refresh-seconds" in page
    assert "Waiting for a worker since" in page
    assert "We will email you when it is ready" in page
    assert "% done" not in page  # no percentage until a worker is building it


def test_once_built_the_report_page_offers_the_download(
    client_for, leader, organisation, django_capture_on_commit_callbacks
):
    directorate = Directorate.objects.get(name="Communities")
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(leader).post(
            reverse("reports:list"), {"cycle": organisation.pk, "scope": str(directorate.pk)}
        )

    report = Report.objects.get()
    assert report.directorate == directorate
    page = client_for(leader).get(response.url).text
    assert reverse("reports:download", args=[report.pk]) in page
    assert "data-refresh-seconds" not in page


def test_generating_a_report_that_exists_goes_to_it(client_for, leader, ready_report):
    response = client_for(leader).post(
        reverse("reports:list"), {"cycle": ready_report.cycle.pk, "scope": "organisation"}
    )
    assert response.url == reverse("reports:detail", args=[ready_report.pk])
    assert Report.objects.count() == 1
    assert Report.objects.get().status == Report.Status.READY


def test_the_form_says_what_is_missing(client_for, leader, organisation):
    response = client_for(leader).post(reverse("reports:list"), {})
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert "Choose the cycle the report is for" in response.text
    assert "Choose whether the report covers the whole organisation or a directorate" in (
        response.text
    )
    assert not Report.objects.exists()


def test_a_failed_report_shows_its_error_and_try_again_builds_it(
    client_for, leader, organisation_report, django_capture_on_commit_callbacks
):
    Report.objects.filter(pk=organisation_report.pk).update(
        status=Report.Status.FAILED, error="ValueError: no fonts available"
    )
    client = client_for(leader)
    page = client.get(reverse("reports:detail", args=[organisation_report.pk])).text
    assert "ValueError: no fonts available" in page
    assert "Try again" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:retry", args=[organisation_report.pk]))

    assert response.status_code == 302
    report = Report.objects.get(pk=organisation_report.pk)
    assert report.status == Report.Status.READY
    assert report.error == ""


def test_try_again_only_accepts_post(client_for, leader, organisation_report):
    response = client_for(leader).get(reverse("reports:retry", args=[organisation_report.pk]))
    assert response.status_code == 405
