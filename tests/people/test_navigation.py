import re

import pytest


def navigation(client) -> list[str]:
    page = client.get("/").content.decode()
    menu = page.split('id="navigation"')[1].split("</ul>")[0]
    links = re.findall(r'<a class="govuk-service-navigation__link"[^>]*>(.*?)</a>', menu, re.S)
    return [re.sub(r"<[^>]+>", "", link).strip() for link in links]


EVERYONE = ["Home", "Framework", "My assessment", "My results", "OKRs", "Roadmap"]


@pytest.mark.django_db
def test_staff_see_only_their_own_pages(client_for, alice):
    assert navigation(client_for(alice)) == EVERYONE


@pytest.mark.django_db
def test_line_managers_also_see_their_team(client_for, manager, alice):
    items = navigation(client_for(manager))
    assert items == EVERYONE[:4] + ["My team"] + EVERYONE[4:]


@pytest.mark.django_db
def test_heads_of_digital_see_the_dashboard_reports_and_manage(client_for, head):
    items = navigation(client_for(head))
    assert {"Dashboard", "Reports", "Manage"} <= set(items)
    assert "My team" not in items


@pytest.mark.django_db
def test_leadership_see_the_dashboard_and_reports_but_not_manage(client_for, leader):
    items = navigation(client_for(leader))
    assert {"Dashboard", "Reports"} <= set(items)
    assert "Manage" not in items


@pytest.mark.django_db
def test_the_current_page_is_marked_in_the_navigation(client_for, alice):
    page = client_for(alice).get("/framework/").content.decode()
    assert re.search(r'href="/framework/" aria-current="true"', page)


@pytest.mark.django_db
def test_the_header_names_the_organisation_and_the_service(client_for, alice, settings):
    page = client_for(alice).get("/").content.decode()
    assert settings.ORGANISATION_NAME in page
    assert "Digital capability self-assessment" in page
    assert "govuk-header__logotype" not in page  # no crown


@pytest.mark.django_db
def test_manage_refuses_staff(client_for, alice):
    assert client_for(alice).get("/manage/").status_code == 403


@pytest.mark.django_db
def test_manage_refuses_leadership(client_for, leader):
    assert client_for(leader).get("/manage/").status_code == 403


@pytest.mark.django_db
def test_the_manage_page_links_to_everything_a_head_of_digital_runs(client_for, head):
    page = client_for(head).get("/manage/").content.decode()
    for url in (
        "/people/import/",
        "/framework/manage/",
        "/assessments/cycles/",
        "/assessments/team/",
        "/okrs/",
        "/roadmap/",
        "/reports/",
    ):
        assert f'href="{url}"' in page, url
