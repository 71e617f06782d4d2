"""Two tabs on the same area page: each saves only what it changed since it was rendered.

The Data area here has two skills (all-staff-skill-0 and all-staff-skill-2). A page posts, per
skill, what it showed (shown_level_<id>, shown_evidence_<id>) with the revision it was rendered
from, so a skill one tab left alone keeps what the other tab saved.
"""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.test import Client

from assessments import services
from assessments.models import Rating
from capability.models import Framework
from tests.assessments.journey import level, skill
from tests.factories import PASSWORD, framework_with_skills

pytestmark = pytest.mark.usefixtures("officers")

FIRST, SECOND = "all-staff-skill-0", "all-staff-skill-2"  # both in the Data area


@pytest.fixture
def framework(db) -> Framework:
    return framework_with_skills(skills_per_tier=4)


@pytest.fixture
def started(open_cycle, alice):
    return services.assessment_start(cycle=open_cycle, person=alice)


@pytest.fixture
def both_answered(started, framework):
    """Both skills saved at level 2, each with evidence."""
    return services.assessment_save_answers(
        assessment=started,
        answers={
            skill(framework, FIRST).pk: services.Answer(level(framework, 2), "First, as saved"),
            skill(framework, SECOND).pk: services.Answer(level(framework, 2), "Second, as saved"),
        },
        based_on_revision=0,
    )


class _FormFields(HTMLParser):
    """What a browser would post from the page's area form: hidden inputs, checked radios,
    textareas (the buttons are added by the caller)."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, str] = {}
        self._in_form = False
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "form" and "data-keep-answers" in attributes:
            self._in_form = True
        if not self._in_form:
            return
        name = attributes.get("name")
        if tag == "input" and name and name != "csrfmiddlewaretoken":
            if attributes.get("type") == "hidden" or "checked" in attributes:
                self.fields[name] = attributes.get("value") or ""
        elif tag == "textarea" and name:
            self._textarea = name
            self.fields[name] = ""

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.fields[self._textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._textarea = None
        elif tag == "form":
            self._in_form = False


def open_tab(client: Client, assessment) -> dict[str, str]:
    """Render the Data area page and return what its form would post."""
    response = client.get(area_url(assessment))
    assert response.status_code == 200
    parser = _FormFields()
    parser.feed(response.content.decode())
    # A textarea's first newline is dropped by the parser, as by a browser.
    return {
        name: value.removeprefix("\n") if name.startswith("evidence_") else value
        for name, value in parser.fields.items()
    }


def area_url(assessment) -> str:
    return f"/assessments/mine/{assessment.pk}/areas/data/"


def choose(framework, tab: dict[str, str], slug: str, number: int, evidence: str | None = None):
    skill_id = skill(framework, slug).pk
    tab[f"level_{skill_id}"] = str(level(framework, number).pk)
    if evidence is not None:
        tab[f"evidence_{skill_id}"] = evidence
    return tab


def save(client: Client, assessment, tab: dict[str, str]):
    return client.post(area_url(assessment), {**tab, "action": "later"})


def saved(assessment) -> dict[str, tuple[int, str]]:
    return {
        rating.skill.slug: (rating.level.number, rating.evidence)
        for rating in Rating.objects.filter(assessment=assessment).select_related("skill", "level")
    }


# The service -------------------------------------------------------------------------------------


def test_a_skill_the_page_did_not_change_keeps_what_another_tab_saved(both_answered, framework):
    first, second = skill(framework, FIRST), skill(framework, SECOND)
    as_shown = {
        first.pk: services.Answer(level(framework, 2), "First, as saved"),
        second.pk: services.Answer(level(framework, 2), "Second, as saved"),
    }
    # Tab 1 changes the first skill.
    services.assessment_save_answers(
        assessment=both_answered,
        answers={**as_shown, first.pk: services.Answer(level(framework, 4), "Tab 1")},
        based_on_revision=1,
        shown=as_shown,
    )
    # Tab 2, rendered at the same revision, changes only the second.
    services.assessment_save_answers(
        assessment=both_answered,
        answers={**as_shown, second.pk: services.Answer(level(framework, 1), "Tab 2")},
        based_on_revision=1,
        shown=as_shown,
    )
    assert saved(both_answered) == {FIRST: (4, "Tab 1"), SECOND: (1, "Tab 2")}


def test_a_skill_both_pages_changed_differently_is_refused_and_nothing_is_saved(
    both_answered, framework
):
    first, second = skill(framework, FIRST), skill(framework, SECOND)
    as_shown = {
        first.pk: services.Answer(level(framework, 2), "First, as saved"),
        second.pk: services.Answer(level(framework, 2), "Second, as saved"),
    }
    services.assessment_save_answers(
        assessment=both_answered,
        answers={**as_shown, first.pk: services.Answer(level(framework, 4), "First, as saved")},
        based_on_revision=1,
        shown=as_shown,
    )
    with pytest.raises(services.StaleSaveError) as stale:
        services.assessment_save_answers(
            assessment=both_answered,
            answers={
                first.pk: services.Answer(level(framework, 1), "First, as saved"),
                second.pk: services.Answer(level(framework, 3), "Second, changed"),
            },
            based_on_revision=1,
            shown=as_shown,
        )
    assert [rating.skill for rating in stale.value.conflicts] == [first]
    assert saved(both_answered) == {FIRST: (4, "First, as saved"), SECOND: (2, "Second, as saved")}


def test_both_pages_making_the_same_change_is_not_a_conflict(both_answered, framework):
    first = skill(framework, FIRST)
    shown = {first.pk: services.Answer(level(framework, 2), "First, as saved")}
    changed = {first.pk: services.Answer(level(framework, 3), "First, as saved")}
    for _tab in range(2):
        services.assessment_save_answers(
            assessment=both_answered, answers=changed, based_on_revision=1, shown=shown
        )
    assert saved(both_answered)[FIRST] == (3, "First, as saved")


def test_a_skill_answered_in_another_tab_is_kept_when_this_page_left_it_blank(started, framework):
    first, second = skill(framework, FIRST), skill(framework, SECOND)
    services.assessment_save_answers(
        assessment=started,
        answers={first.pk: services.Answer(level(framework, 3))},
        based_on_revision=0,
        shown={first.pk: None, second.pk: None},
    )
    services.assessment_save_answers(
        assessment=started,
        answers={second.pk: services.Answer(level(framework, 1))},
        based_on_revision=0,
        shown={first.pk: None, second.pk: None},
    )
    assert saved(started) == {FIRST: (3, ""), SECOND: (1, "")}


# The page ----------------------------------------------------------------------------------------


def test_two_tabs_changing_different_skills_both_keep_their_changes(
    client_for, alice, both_answered, framework
):
    client = client_for(alice)
    tab_1, tab_2 = open_tab(client, both_answered), open_tab(client, both_answered)

    response = save(client, both_answered, choose(framework, tab_1, FIRST, 4, "Tab 1 evidence"))
    assert response.status_code == 302
    response = save(client, both_answered, choose(framework, tab_2, SECOND, 1))
    assert response.status_code == 302

    assert saved(both_answered) == {FIRST: (4, "Tab 1 evidence"), SECOND: (1, "Second, as saved")}


def test_two_tabs_answering_different_skills_of_a_new_page_both_keep_them(
    client_for, alice, started, framework
):
    client = client_for(alice)
    tab_1, tab_2 = open_tab(client, started), open_tab(client, started)
    assert save(client, started, choose(framework, tab_1, FIRST, 3)).status_code == 302
    assert save(client, started, choose(framework, tab_2, SECOND, 1)).status_code == 302
    assert saved(started) == {FIRST: (3, ""), SECOND: (1, "")}


def test_two_tabs_changing_the_same_skill_differently_are_refused_and_nothing_is_lost(
    client_for, alice, both_answered, framework
):
    client = client_for(alice)
    tab_1, tab_2 = open_tab(client, both_answered), open_tab(client, both_answered)
    assert save(client, both_answered, choose(framework, tab_1, FIRST, 4)).status_code == 302

    response = save(client, both_answered, choose(framework, tab_2, FIRST, 1, "Tab 2 evidence"))
    text = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in text
    assert (
        "All staff skill 0 was changed in another tab or window: the saved level is now 4 Expert"
        in text
    )
    assert "Saved in another tab or window:</strong> 4 Expert" in text
    assert saved(both_answered) == {FIRST: (4, "First, as saved"), SECOND: (2, "Second, as saved")}

    # The page shown again keeps tab 2's choice and evidence; saving it again is deliberate.
    again = _FormFields()
    again.feed(text)
    first = skill(framework, FIRST).pk
    assert again.fields[f"level_{first}"] == str(level(framework, 1).pk)
    assert "Tab 2 evidence" in again.fields[f"evidence_{first}"]
    assert again.fields["revision"] == "2"
    assert save(client, both_answered, again.fields).status_code == 302
    assert saved(both_answered) == {FIRST: (1, "Tab 2 evidence"), SECOND: (2, "Second, as saved")}


def test_after_a_conflict_a_skill_the_page_left_alone_shows_what_the_other_tab_saved(
    client_for, alice, both_answered, framework
):
    client = client_for(alice)
    tab_1, tab_2 = open_tab(client, both_answered), open_tab(client, both_answered)
    choose(framework, tab_1, FIRST, 4)
    choose(framework, tab_1, SECOND, 3, "Tab 1 changed this too")
    assert save(client, both_answered, tab_1).status_code == 302

    response = save(client, both_answered, choose(framework, tab_2, FIRST, 1))
    again = _FormFields()
    again.feed(response.content.decode())
    second = skill(framework, SECOND).pk
    assert again.fields[f"level_{second}"] == str(level(framework, 3).pk)
    assert "Tab 1 changed this too" in again.fields[f"evidence_{second}"]
    # Saving the page again keeps tab 1's answer for the skill tab 2 did not change.
    assert save(client, both_answered, again.fields).status_code == 302
    assert saved(both_answered) == {
        FIRST: (1, "First, as saved"),
        SECOND: (3, "Tab 1 changed this too"),
    }


def test_evidence_over_several_lines_left_alone_is_not_counted_as_a_change(
    client_for, alice, started, framework
):
    first, second = skill(framework, FIRST), skill(framework, SECOND)
    services.assessment_save_answers(
        assessment=started,
        answers={
            first.pk: services.Answer(level(framework, 2), "Line one\nLine two"),
            second.pk: services.Answer(level(framework, 2)),
        },
        based_on_revision=0,
    )
    client = client_for(alice)
    tab_1, tab_2 = open_tab(client, started), open_tab(client, started)
    assert save(client, started, choose(framework, tab_1, FIRST, 4)).status_code == 302
    # Browsers send a textarea's line breaks as CR LF.
    tab_2[f"evidence_{first.pk}"] = tab_2[f"evidence_{first.pk}"].replace("\n", "\r\n")
    assert save(client, started, choose(framework, tab_2, SECOND, 1)).status_code == 302
    assert saved(started) == {FIRST: (4, "Line one\nLine two"), SECOND: (1, "")}


def test_a_tab_whose_session_expired_keeps_its_merge_after_signing_in(
    client_for, alice, both_answered, framework
):
    signed_in = client_for(alice)
    tab_1 = open_tab(signed_in, both_answered)
    tab_2 = open_tab(signed_in, both_answered)
    assert save(signed_in, both_answered, choose(framework, tab_1, FIRST, 4)).status_code == 302

    expired = Client()  # tab 2's browser was signed out before it saved
    sign_in_url = save(expired, both_answered, choose(framework, tab_2, SECOND, 0)).url
    response = expired.post(
        sign_in_url, {"username": "alice@example.org", "password": PASSWORD}, follow=True
    )
    assert "We kept them, and they are now saved" in response.content.decode()
    assert saved(both_answered) == {FIRST: (4, "First, as saved"), SECOND: (0, "Second, as saved")}


def test_a_tampered_shown_level_is_refused_and_the_answers_kept(
    client_for, alice, both_answered, framework
):
    client = client_for(alice)
    tab = choose(framework, open_tab(client, both_answered), FIRST, 4, "Kept on the page")
    tab[f"shown_level_{skill(framework, SECOND).pk}"] = "not a level"
    response = save(client, both_answered, tab)
    text = response.content.decode()
    assert "part of it was changed" in text
    assert "Kept on the page" in text
    assert saved(both_answered)[FIRST] == (2, "First, as saved")
