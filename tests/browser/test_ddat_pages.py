"""axe on the pages of the official DDaT framework: importing it (with problems listed), linking
a renamed skill, browsing role levels, what is expected of a role level and the career page."""

from __future__ import annotations

import pytest

from capability.models import Framework
from capability.services import (
    framework_install,
    framework_publish,
    starter_framework_data,
)
from tests.browser.conftest import assert_accessible, sign_in
from tests.factories import DDAT_FILES, ddat_files, ddat_import

pytestmark = pytest.mark.browser

FILES = DDAT_FILES


def imported(version: str, rename: bool = False, from_published: bool = False) -> Framework:
    roles, skills = ddat_files()
    if rename:
        roles, skills = (text.replace("Data quality", "Data assurance") for text in (roles, skills))
    return ddat_import(roles, skills, version=version, from_published=from_published).framework


def test_a_role_levels_pages_are_accessible(page, alice):
    framework_install(data=starter_framework_data())
    ddat = framework_publish(framework=imported("autumn"))
    alice.role_profile = ddat.roles.get(name="Senior data engineer")
    alice.save()
    sign_in(page, "alice@example.org")
    for path in ("/framework/roles/", f"/framework/roles/{alice.role_profile.pk}/"):
        page.goto(path)
        assert_accessible(page)
    page.goto("/framework/expected/")
    assert page.get_by_text("Data pipelines").count() >= 1
    assert_accessible(page)
    page.get_by_role("link", name="Lead data engineer: see what it needs").click()
    assert page.get_by_role("heading", name="Your next role level").is_visible()
    assert_accessible(page)
    skill = ddat.skills.get(name="Data pipelines")
    page.goto(f"/framework/skills/{skill.pk}/")
    assert page.locator("ul.govuk-list--bullet li", has_text="fix a failed run").count() == 1
    assert_accessible(page)


def test_the_import_pages_and_the_rename_link_are_accessible(page, head):
    framework_install(data=starter_framework_data())
    framework_publish(framework=imported("summer"))
    draft = imported("autumn", rename=True, from_published=True)
    sign_in(page, "head@example.org")
    page.goto("/framework/manage/import-ddat/")
    assert_accessible(page)
    page.get_by_label("Roles file").set_input_files(str(FILES / "skills.csv"))
    page.get_by_label("Skills file").set_input_files(str(FILES / "roles.csv"))
    page.get_by_role("button", name="Import into a new draft").click()
    assert page.locator("#problems").get_by_text("this looks like the roles file").is_visible()
    assert_accessible(page)
    page.goto("/framework/manage/import-sfia/")
    assert_accessible(page)
    renamed = draft.skills.get(name="Data assurance")
    page.goto(f"/framework/manage/{draft.pk}/compare/")
    assert_accessible(page)
    page.goto(f"/framework/manage/{draft.pk}/skills/{renamed.pk}/link/")
    assert_accessible(page)
    page.get_by_label("Data quality").check()
    page.get_by_role("button", name="Link the skills").click()
    assert page.get_by_text("Data assurance is now the same skill as Data quality").is_visible()
