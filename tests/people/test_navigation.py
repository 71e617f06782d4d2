import re

import pytest


def navigation(client) -> list[str]:
    page = client.get("/").content.decode()
    menu = page.split('id="navigation"')[1].split("</ul>")[0]
    links = re.findall(r'<a class="govuk-service-navigation__link"[^>]*>(.*?)</a>', menu, re.S)
    return [re.sub(r"<[^>]+>", "", link).strip() for link in links]


@pytest.mark.django_db
def test_staff_see_only_their_own_pages(client_for, alice):
    items = navigation(client_for(alice))
    assert "Home" in items
    assert "Manage" not in items


@pytest.mark.django_db
def test_heads_of_digital_see_manage(client_for, head):
    assert "Manage" in navigation(client_for(head))


@pytest.mark.django_db
def test_leadership_do_not_see_manage(client_for, leader):
    assert "Manage" not in navigation(client_for(leader))


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
