from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from okrs.models import CheckIn, KeyResult, Objective
from tests.factories import framework_with_skills


@pytest.fixture
def objective(manager):
    """Owned by Mary, a line manager who is not a head of digital."""
    return Objective.objects.create(
        period="2026-27", owner=manager.user, title="Build an in-house digital team"
    )


@pytest.fixture
def apprentices(objective):
    key_result = KeyResult.objects.create(
        objective=objective,
        title="Digital apprentices in post",
        kind=KeyResult.Kind.MANUAL,
        baseline=Decimal(0),
        target=Decimal(12),
        unit="apprentices",
    )
    CheckIn.objects.create(
        key_result=key_result,
        date=date(2026, 9, 21),
        value=Decimal(9),
        confidence=CheckIn.Confidence.AT_RISK,
        note="We need mentors before the last three.",
    )
    return key_result


@pytest.fixture
def completion(objective):
    framework_with_skills(version="2026.1")
    from okrs.services import key_result_save

    return key_result_save(
        key_result=KeyResult(
            objective=objective,
            title="Staff who complete their self-assessment",
            kind=KeyResult.Kind.COMPUTED,
            measure=KeyResult.Measure.COMPLETION,
            baseline=Decimal(40),
            target=Decimal(90),
            unit="%",
        )
    )


def check_in_data(**overrides):
    data = {
        "date_0": "30",
        "date_1": "9",
        "date_2": "2026",
        "value": "10",
        "confidence": "on_track",
        "note": "Ten now.",
    }
    return data | overrides


def key_result_data(**overrides):
    data = {
        "title": "Staff at target in data privacy",
        "kind": "manual",
        "unit": "%",
        "baseline": "55",
        "target": "85",
        "order": "1",
    }
    return data | overrides


# Reading


def test_staff_see_the_period_objectives_with_progress_and_confidence(
    client_for, alice, apprentices
):
    response = client_for(alice).get(reverse("okrs:list"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Build an in-house digital team" in page
    assert "Digital apprentices in post" in page
    assert "9 apprentices" in page
    assert "75% of the way to the target" in page
    assert "At risk" in page
    assert 'width="75"' in page  # the decorative bar matches the text


def test_the_list_shows_only_the_chosen_period(client_for, alice, objective, manager):
    Objective.objects.create(period="2027-28", owner=manager.user, title="Next year's objective")
    response = client_for(alice).get(reverse("okrs:list"), {"period": "2026-27"})
    assert "Build an in-house digital team" in response.content.decode()
    assert "Next year&#x27;s objective" not in response.content.decode()


def test_the_latest_period_is_shown_first(client_for, alice, objective, manager):
    Objective.objects.create(period="2027-28", owner=manager.user, title="Next year's objective")
    response = client_for(alice).get(reverse("okrs:list"))
    assert "Next year&#x27;s objective" in response.content.decode()
    assert "Build an in-house digital team" not in response.content.decode()


def test_staff_see_an_objective_with_its_check_in_history(client_for, alice, apprentices):
    response = client_for(alice).get(reverse("okrs:objective", args=[apprentices.objective_id]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "21 September 2026" in page
    assert "We need mentors before the last three." in page
    assert "Check in" not in page  # staff cannot check in


def test_a_computed_key_result_shows_when_there_is_no_cycle(client_for, alice, completion):
    response = client_for(alice).get(reverse("okrs:objective", args=[completion.objective_id]))
    assert "No assessment cycle yet" in response.content.decode()


def test_signed_out_visitors_are_sent_to_sign_in(client, objective):
    response = client.get(reverse("okrs:list"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_an_unknown_objective_is_not_found(client_for, alice):
    assert client_for(alice).get(reverse("okrs:objective", args=[999999])).status_code == 404


# Who may change what


@pytest.mark.parametrize(
    ("name", "uses"),
    [
        ("okrs:objective_edit", "objective"),
        ("okrs:key_result_create", "objective"),
        ("okrs:key_result_edit", "key_result"),
        ("okrs:check_in", "key_result"),
    ],
)
def test_staff_cannot_change_an_objective_they_do_not_own(
    client_for, alice, apprentices, name, uses
):
    pk = apprentices.objective_id if uses == "objective" else apprentices.pk
    client = client_for(alice)
    assert client.get(reverse(name, args=[pk])).status_code == 403
    assert client.post(reverse(name, args=[pk]), check_in_data()).status_code == 403
    assert CheckIn.objects.count() == 1
    assert KeyResult.objects.count() == 1


def test_staff_cannot_add_an_objective(client_for, alice):
    response = client_for(alice).post(
        reverse("okrs:objective_create"),
        {"period": "2026-27", "title": "Mine", "owner": alice.user.pk, "order": "0"},
    )
    assert response.status_code == 403
    assert not Objective.objects.exists()


def test_the_owner_can_check_in(client_for, manager, apprentices):
    response = client_for(manager).post(
        reverse("okrs:check_in", args=[apprentices.pk]), check_in_data()
    )
    assert response.status_code == 302
    latest = apprentices.check_ins.first()
    assert (latest.value, latest.date, latest.author) == (10, date(2026, 9, 30), manager.user)


def test_a_check_in_without_a_value_or_confidence_gets_specific_errors(
    client_for, manager, apprentices
):
    response = client_for(manager).post(
        reverse("okrs:check_in", args=[apprentices.pk]),
        check_in_data(value="", confidence=""),
    )
    page = response.content.decode()
    assert "Enter the value now" in page
    assert "Choose how confident you are of reaching the target" in page
    assert apprentices.check_ins.count() == 1


def test_a_check_in_on_a_computed_key_result_is_refused_on_the_page(client_for, head, completion):
    response = client_for(head).post(
        reverse("okrs:check_in", args=[completion.pk]), check_in_data()
    )
    assert response.status_code == 200
    assert "You cannot check in on a computed key result" in response.content.decode()
    assert not CheckIn.objects.exists()


def test_an_unknown_key_result_is_not_found(client_for, head):
    assert client_for(head).get(reverse("okrs:check_in", args=[999999])).status_code == 404


def test_a_head_of_digital_adds_an_objective(client_for, head, manager):
    response = client_for(head).post(
        reverse("okrs:objective_create"),
        {"period": "2026-27", "title": "Use data well", "owner": manager.user.pk, "order": "2"},
    )
    objective = Objective.objects.get()
    assert response.status_code == 302
    assert (objective.title, objective.owner) == ("Use data well", manager.user)


def test_an_objective_without_a_title_gets_a_specific_error(client_for, head):
    response = client_for(head).post(
        reverse("okrs:objective_create"), {"period": "2026-27", "title": "", "order": "0"}
    )
    assert "Enter the objective" in response.content.decode()
    assert "Choose who owns the objective" in response.content.decode()


def test_the_owner_adds_a_manual_key_result(client_for, manager, objective):
    response = client_for(manager).post(
        reverse("okrs:key_result_create", args=[objective.pk]), key_result_data()
    )
    assert response.status_code == 302
    assert objective.key_results.get().title == "Staff at target in data privacy"


def test_a_target_equal_to_the_baseline_is_a_form_error(client_for, head, objective):
    response = client_for(head).post(
        reverse("okrs:key_result_create", args=[objective.pk]),
        key_result_data(baseline="40", target="40"),
    )
    assert "The target must be different from the baseline" in response.content.decode()
    assert not KeyResult.objects.exists()


def test_a_computed_key_result_needs_a_measure_on_the_form(client_for, head, objective):
    framework_with_skills()
    response = client_for(head).post(
        reverse("okrs:key_result_create", args=[objective.pk]), key_result_data(kind="computed")
    )
    assert "Choose a measure for a computed key result" in response.content.decode()
    assert not KeyResult.objects.exists()


def test_the_form_refuses_a_skill_of_another_framework_version(client_for, head, objective):
    published = framework_with_skills(version="2026.1")
    draft = framework_with_skills(status="draft", version="2027.1")
    response = client_for(head).post(
        reverse("okrs:key_result_create", args=[objective.pk]),
        key_result_data(kind="computed", measure="share_at_target", skill=draft.skills.first().pk),
    )
    assert (
        "Choose a skill from the framework version this key result is measured against (2026.1)"
        in response.content.decode()
    )
    assert not KeyResult.objects.exists()
    # The same skill in the published version is accepted.
    response = client_for(head).post(
        reverse("okrs:key_result_create", args=[objective.pk]),
        key_result_data(
            kind="computed", measure="share_at_target", skill=published.skills.first().pk
        ),
    )
    assert response.status_code == 302
    assert KeyResult.objects.get().framework == published


def test_a_manual_key_result_with_a_measure_is_a_form_error(client_for, head, objective):
    framework_with_skills()
    response = client_for(head).post(
        reverse("okrs:key_result_create", args=[objective.pk]),
        key_result_data(measure="mean_gap"),
    )
    assert (
        "Leave the measure empty for a manual key result, or make it computed"
        in response.content.decode()
    )


def test_objectives_key_results_and_check_ins_are_in_the_django_admin(admin_client):
    for model in ("objective", "keyresult", "checkin"):
        assert admin_client.get(f"/admin/okrs/{model}/").status_code == 200


def test_a_check_in_dated_in_the_future_is_refused(client_for, manager, apprentices):
    from datetime import timedelta

    from django.utils import timezone

    tomorrow = timezone.localdate() + timedelta(days=1)
    response = client_for(manager).post(
        reverse("okrs:check_in", args=[apprentices.pk]),
        check_in_data(
            date_0=str(tomorrow.day), date_1=str(tomorrow.month), date_2=str(tomorrow.year)
        ),
    )
    assert response.status_code == 200
    assert "The date of the check-in must be today or in the past" in response.content.decode()
    assert apprentices.check_ins.count() == 1


def test_an_owner_who_is_not_a_head_of_digital_cannot_add_a_computed_key_result(
    client_for, manager, objective
):
    framework_with_skills()
    client = client_for(manager)
    url = reverse("okrs:key_result_create", args=[objective.pk])

    form = client.get(url).content.decode()
    response = client.post(url, key_result_data(kind="computed", measure="completion"))

    assert 'value="computed"' not in form
    assert "Only a head of digital can add a key result computed from assessments" in (
        response.content.decode()
    )
    assert not KeyResult.objects.exists()


def test_an_owner_who_is_not_a_head_of_digital_cannot_change_a_computed_key_result(
    client_for, manager, completion
):
    url = reverse("okrs:key_result_edit", args=[completion.pk])

    assert client_for(manager).get(url).status_code == 403
    assert client_for(manager).post(url, key_result_data()).status_code == 403
    assert KeyResult.objects.get(pk=completion.pk).is_computed


def test_a_head_of_digital_adds_a_computed_key_result(client_for, head, objective):
    framework_with_skills()
    response = client_for(head).post(
        reverse("okrs:key_result_create", args=[objective.pk]),
        key_result_data(kind="computed", measure="completion", baseline="40", target="90"),
    )
    assert response.status_code == 302
    assert objective.key_results.get().is_computed


def test_an_owner_who_is_not_a_head_of_digital_cannot_make_a_manual_key_result_computed(
    client_for, manager, apprentices
):
    framework_with_skills()
    response = client_for(manager).post(
        reverse("okrs:key_result_edit", args=[apprentices.pk]),
        key_result_data(kind="computed", measure="completion"),
    )

    assert response.status_code == 200
    assert "Only a head of digital can add a key result computed from assessments" in (
        response.content.decode()
    )
    apprentices.refresh_from_db()
    assert not apprentices.is_computed


def test_an_owner_who_is_not_a_head_of_digital_still_changes_a_manual_key_result(
    client_for, manager, apprentices
):
    url = reverse("okrs:key_result_edit", args=[apprentices.pk])

    form = client_for(manager).get(url).content.decode()
    response = client_for(manager).post(url, key_result_data(title="Apprentices in post"))

    assert 'name="measure"' not in form and 'name="skill"' not in form  # computed-only fields
    assert response.status_code == 302
    apprentices.refresh_from_db()
    assert (apprentices.title, apprentices.is_computed) == ("Apprentices in post", False)


def test_only_a_head_of_digital_is_offered_to_change_a_computed_key_result(
    client_for, manager, head, completion
):
    page = reverse("okrs:objective", args=[completion.objective_id])
    change = reverse("okrs:key_result_edit", args=[completion.pk])

    assert change not in client_for(manager).get(page).content.decode()
    assert change in client_for(head).get(page).content.decode()
    assert client_for(head).get(change).status_code == 200
