"""Answers posted after the session expired are kept and saved once the person signs in."""

import pytest
from django.test import Client

from assessments import services
from assessments.models import Rating
from tests.assessments.journey import DATA_SKILL, level, skill
from tests.factories import PASSWORD

pytestmark = pytest.mark.usefixtures("officers")


@pytest.fixture
def started(open_cycle, alice):
    return services.assessment_start(cycle=open_cycle, person=alice)


def posted_answers(framework):
    data_skill = skill(framework, DATA_SKILL)
    return {
        "revision": "0",
        "action": "continue",
        f"level_{data_skill.pk}": level(framework, 3).pk,
        f"evidence_{data_skill.pk}": "Written before the session ran out",
    }


def test_answers_posted_after_the_session_expired_are_saved_after_signing_in(started, framework):
    browser = Client()  # the session has expired: the browser is signed out
    url = f"/assessments/mine/{started.pk}/areas/data/"
    response = browser.post(url, posted_answers(framework))
    assert response.status_code == 302
    assert (
        response.url
        == f"/sign-in/?next=%2Fassessments%2Fmine%2F{started.pk}%2Fareas%2Fdata%2F&timeout=1"
    )
    assert not Rating.objects.exists()

    response = browser.post(
        response.url, {"username": "alice@example.org", "password": PASSWORD}, follow=True
    )
    text = response.content.decode()
    assert "We kept them, and they are now saved" in text
    rating = Rating.objects.get(assessment=started)
    assert (rating.level.number, rating.evidence) == (3, "Written before the session ran out")
    # The stash is used once: reloading the page saves nothing again.
    assert "We kept them" not in browser.get(url).content.decode()


def test_kept_answers_are_not_applied_to_someone_elses_assessment(started, bob, framework):
    browser = Client()
    url = f"/assessments/mine/{started.pk}/areas/data/"
    browser.post(url, posted_answers(framework))
    browser.post("/sign-in/", {"username": "bob@example.org", "password": PASSWORD})
    assert browser.get(url).status_code == 404
    assert not Rating.objects.exists()


def test_kept_answers_that_conflict_are_shown_not_lost(started, client_for, alice, framework):
    browser = Client()
    url = f"/assessments/mine/{started.pk}/areas/data/"
    sign_in_url = browser.post(url, posted_answers(framework)).url
    # Meanwhile, in another browser, alice saves a different level.
    data_skill = skill(framework, DATA_SKILL)
    services.assessment_save_answers(
        assessment=started,
        answers={data_skill.pk: services.Answer(level=level(framework, 1))},
        based_on_revision=0,
    )
    response = browser.post(
        sign_in_url, {"username": "alice@example.org", "password": PASSWORD}, follow=True
    )
    text = response.content.decode()
    assert "was changed in another tab or window" in text
    assert "Written before the session ran out" in text
    assert Rating.objects.get().level.number == 1


def test_a_real_browser_with_csrf_checks_keeps_the_answers_when_the_session_expired(
    started, alice, framework
):
    """The CSRF token lives in its own cookie, so a form rendered before the session expired
    still posts: the answers reach the view and are kept rather than refused with a 403."""
    import re

    from django.conf import settings as django_settings

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(alice.user)
    url = f"/assessments/mine/{started.pk}/areas/data/"
    page = browser.get(url).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    del browser.cookies[django_settings.SESSION_COOKIE_NAME]  # the session has expired

    response = browser.post(url, {**posted_answers(framework), "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert response.url.startswith("/sign-in/?next=")
    sign_in = browser.get(response.url).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', sign_in).group(1)
    response = browser.post(
        response.url,
        {"username": "alice@example.org", "password": PASSWORD, "csrfmiddlewaretoken": token},
        follow=True,
    )
    assert "We kept them, and they are now saved" in response.content.decode()
    assert Rating.objects.get(assessment=started).level.number == 3
