"""Two heads of digital publishing (or editing) the framework at once get a clear message, never
a server error, and exactly one version stays published."""

from __future__ import annotations

import re
import threading

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from capability.models import Framework, Skill
from capability.services import (
    FrameworkNoLongerDraft,
    FrameworkNotEditable,
    PublishedVersionChanged,
    framework_create_draft,
    framework_publish,
    skill_update,
)
from tests.factories import framework_with_skills, head_of_digital

pytestmark = pytest.mark.django_db


@pytest.fixture
def published() -> Framework:
    return framework_with_skills(version="v1")


@pytest.fixture
def draft(published) -> Framework:
    return framework_create_draft(source=published, version="v2")


@pytest.fixture
def other_draft(published) -> Framework:
    return framework_create_draft(source=published, version="v3")


@pytest.fixture
def henry(db):
    return head_of_digital(email="henry@example.org", full_name="Henry Hughes")


def publish_url(framework: Framework) -> str:
    return reverse("capability:publish", args=[framework.pk])


def form_fields(page: str) -> dict[str, str]:
    """The hidden fields of the publish page's form, as the browser would post them."""
    return dict(re.findall(r'<input type="hidden" name="(replacing)" value="([^"]*)"', page))


def statuses() -> dict[str, str]:
    return dict(Framework.objects.values_list("version", "status"))


def test_the_second_of_two_heads_publishing_the_same_draft_is_told_it_was_published(
    client_for, head, henry, draft
):
    harriet, henrys = client_for(head), client_for(henry)
    harriet_page = harriet.get(publish_url(draft)).content.decode()
    henry_page = henrys.get(publish_url(draft)).content.decode()
    assert harriet.post(publish_url(draft), form_fields(harriet_page)).status_code == 302

    response = henrys.post(publish_url(draft), form_fields(henry_page))

    assert response.status_code == 403  # the framework's read-only page, as for any non-draft
    page = response.content.decode()
    draft.refresh_from_db()
    at = timezone.localtime(draft.published_at).strftime("%H:%M")
    assert f"Version v2 is no longer a draft: it was published at {at}" in page
    assert statuses() == {"v1": "retired", "v2": "published"}


def test_the_second_of_two_heads_publishing_different_drafts_is_told_and_nothing_changes(
    client_for, head, henry, draft, other_draft
):
    harriet, henrys = client_for(head), client_for(henry)
    harriet_page = harriet.get(publish_url(draft)).content.decode()
    henry_page = henrys.get(publish_url(other_draft)).content.decode()
    assert "Version v1 will be retired" in henry_page
    assert harriet.post(publish_url(draft), form_fields(harriet_page)).status_code == 302

    response = henrys.post(publish_url(other_draft), form_fields(henry_page))

    assert response.status_code == 200
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert "Version v2 was published by someone else a moment ago" in page
    assert "Version v2 will be retired" in page
    assert statuses() == {"v1": "retired", "v2": "published", "v3": "draft"}


def test_publishing_again_from_the_refreshed_page_goes_ahead(
    client_for, head, henry, draft, other_draft
):
    henrys = client_for(henry)
    stale = henrys.get(publish_url(other_draft)).content.decode()
    client_for(head).post(publish_url(draft))
    refreshed = henrys.post(publish_url(other_draft), form_fields(stale)).content.decode()

    response = henrys.post(publish_url(other_draft), form_fields(refreshed))

    assert response.status_code == 302
    assert statuses() == {"v1": "retired", "v2": "retired", "v3": "published"}


def test_posting_publish_for_the_published_version_is_a_clear_message(client_for, head, published):
    response = client_for(head).post(publish_url(published), {"replacing": str(published.pk)})
    assert response.status_code == 403
    page = response.content.decode()
    assert "Version v1 is no longer a draft: it was published" in page
    assert "This version cannot be changed" in page
    assert statuses() == {"v1": "published"}


def test_posting_publish_for_a_retired_version_is_a_clear_message(client_for, head, published):
    retired = framework_with_skills(status=Framework.Status.RETIRED, version="v0")
    Framework.objects.filter(pk=retired.pk).update(retired_at=timezone.now())
    response = client_for(head).post(publish_url(retired), {"replacing": str(published.pk)})
    assert response.status_code == 403
    assert "Version v0 is no longer a draft: it was retired at" in response.content.decode()
    assert statuses() == {"v0": "retired", "v1": "published"}


@pytest.mark.parametrize("replacing", ["not-a-version", "²", "9" * 5000])
def test_a_tampered_publish_form_is_a_clear_message_and_publishes_nothing(
    client_for, head, draft, replacing
):
    response = client_for(head).post(publish_url(draft), {"replacing": replacing})
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()
    assert statuses() == {"v1": "published", "v2": "draft"}


def test_publishing_from_an_out_of_date_copy_is_refused(draft):
    stale = Framework.objects.get(pk=draft.pk)
    framework_publish(framework=draft)
    with pytest.raises(FrameworkNoLongerDraft, match="v2 is no longer a draft: it was published"):
        framework_publish(framework=stale)
    assert statuses() == {"v1": "retired", "v2": "published"}


def test_publishing_refuses_when_the_page_showed_another_published_version(
    published, draft, other_draft
):
    framework_publish(framework=draft, replacing=published.pk)
    with pytest.raises(PublishedVersionChanged, match="Version v2 was published by someone else"):
        framework_publish(framework=other_draft, replacing=published.pk)
    assert statuses() == {"v1": "retired", "v2": "published", "v3": "draft"}


def test_a_skill_of_a_version_published_since_it_was_loaded_cannot_be_changed(draft):
    skill = Skill.objects.select_related("framework", "area", "tier").get(
        framework=draft, slug="all-staff-skill-0"
    )
    framework_publish(framework=Framework.objects.get(pk=draft.pk))
    with pytest.raises(FrameworkNotEditable):
        skill_update(
            skill=skill,
            name="Renamed after publishing",
            description="",
            area=skill.area,
            tier=skill.tier,
            descriptors={},
        )
    assert not Skill.objects.filter(name="Renamed after publishing").exists()


def test_saving_a_skill_while_another_head_publishes_its_version_is_a_clear_message(
    client_for, head, draft, published
):
    skill = draft.skills.get(slug="all-staff-skill-0")
    published_meanwhile = []

    def another_head_publishes(execute, sql, params, many, context):
        # The form checks the capability area after the page found the version a draft: the
        # other head's publish commits at that moment, before this save reaches the service.
        if not published_meanwhile and 'FROM "capability_capabilityarea"' in sql:
            published_meanwhile.append(True)
            framework_publish(framework=Framework.objects.get(pk=draft.pk))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(another_head_publishes):
        response = client_for(head).post(
            reverse("capability:skill_edit", args=[draft.pk, skill.pk]),
            {"name": "Renamed", "area": skill.area_id, "tier": skill.tier_id},
        )

    assert published_meanwhile
    assert response.status_code == 403
    page = response.content.decode()
    assert "Version v2 was published while you were changing it" in page
    assert "your changes were not saved" in page
    skill.refresh_from_db()
    assert skill.name == "All staff skill 0"
    assert statuses() == {"v1": "retired", "v2": "published"}


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs row locks: PostgreSQL, not SQLite"
)
@pytest.mark.django_db(transaction=True)
def test_two_publishes_at_the_same_moment_publish_one_and_refuse_the_other(
    published, draft, other_draft
):
    start = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def publish(framework: Framework) -> None:
        start.wait()
        try:
            framework_publish(framework=framework, replacing=published.pk)
            outcomes[framework.version] = "published"
        except PublishedVersionChanged:
            outcomes[framework.version] = "refused"
        finally:
            connection.close()

    threads = [threading.Thread(target=publish, args=(item,)) for item in (draft, other_draft)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes.values()) == ["published", "refused"]
    winner = next(version for version, outcome in outcomes.items() if outcome == "published")
    assert list(Framework.objects.published().values_list("version", flat=True)) == [winner]
    assert statuses()["v1"] == "retired"
