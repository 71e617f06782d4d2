"""The framework download's file name comes from the version, which a head of digital types."""

from __future__ import annotations

from django.urls import reverse

from tests.factories import framework_with_skills


def test_a_version_with_a_line_break_downloads_with_a_clean_file_name(client_for, head):
    framework = framework_with_skills(version="2026\r\nSet-Cookie: stolen=1")

    response = client_for(head).get(reverse("capability:export", args=[framework.pk]))

    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="framework-2026-set-cookie-stolen1.json"'
    )
    assert response["Cache-Control"] == "private, no-store"
