"""Bad input gets a clear error and nothing is saved."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from okrs.models import CheckIn, KeyResult, Objective
from okrs.services import check_in_create, key_result_save
from tests.factories import UserFactory, framework_with_skills


@pytest.fixture
def objective(db):
    return Objective.objects.create(period="2026-27", owner=UserFactory(), title="Confident staff")


def manual(objective, **kwargs):
    fields = {
        "title": "Apprentices",
        "kind": KeyResult.Kind.MANUAL,
        "baseline": Decimal(0),
        "target": Decimal(12),
    }
    return KeyResult(objective=objective, **(fields | kwargs))


def test_a_target_equal_to_the_baseline_is_refused_with_a_clear_error(objective):
    with pytest.raises(ValidationError) as error:
        key_result_save(key_result=manual(objective, baseline=Decimal(5), target=Decimal(5)))
    assert error.value.message_dict["target"] == ["The target must be different from the baseline"]
    assert not KeyResult.objects.exists()


def test_the_database_refuses_a_target_equal_to_the_baseline(objective):
    with pytest.raises(IntegrityError), transaction.atomic():
        manual(objective, baseline=Decimal(5), target=Decimal(5)).save()


def test_the_database_refuses_a_manual_key_result_with_a_measure(objective):
    with pytest.raises(IntegrityError), transaction.atomic():
        manual(objective, measure=KeyResult.Measure.MEAN_GAP).save()


def test_the_database_refuses_a_computed_key_result_without_a_measure(objective):
    framework = framework_with_skills()
    with pytest.raises(IntegrityError), transaction.atomic():
        manual(objective, kind=KeyResult.Kind.COMPUTED, framework=framework).save()


def test_a_computed_key_result_needs_a_measure(objective):
    framework_with_skills()
    with pytest.raises(ValidationError) as error:
        key_result_save(key_result=manual(objective, kind=KeyResult.Kind.COMPUTED))
    assert error.value.message_dict["measure"] == ["Choose a measure for a computed key result"]


def test_a_computed_key_result_is_pinned_to_the_published_framework(objective):
    framework = framework_with_skills()
    key_result = key_result_save(
        key_result=manual(
            objective, kind=KeyResult.Kind.COMPUTED, measure=KeyResult.Measure.COMPLETION
        )
    )
    assert KeyResult.objects.get().framework == framework
    assert key_result.is_computed


def test_a_key_result_pointing_at_a_skill_of_another_framework_version_is_refused(objective):
    framework_with_skills(version="2026.1")
    draft = framework_with_skills(status="draft", version="2027.1")
    other_skill = draft.skills.first()
    with pytest.raises(ValidationError) as error:
        key_result_save(
            key_result=manual(
                objective,
                kind=KeyResult.Kind.COMPUTED,
                measure=KeyResult.Measure.SHARE_AT_TARGET,
                baseline=Decimal(20),
                target=Decimal(60),
                skill=other_skill,
            )
        )
    assert error.value.message_dict["skill"] == [
        f"{other_skill.name} is in framework version 2027.1, but this key result is measured "
        "against version 2026.1. Choose a skill from version 2026.1"
    ]
    assert not KeyResult.objects.exists()


def test_a_skill_and_an_area_together_are_refused(objective):
    framework = framework_with_skills()
    with pytest.raises(ValidationError) as error:
        key_result_save(
            key_result=manual(
                objective,
                kind=KeyResult.Kind.COMPUTED,
                measure=KeyResult.Measure.MEAN_GAP,
                skill=framework.skills.first(),
                area=framework.areas.first(),
            )
        )
    assert error.value.message_dict["area"] == ["Choose a skill or an area, not both"]


def test_a_check_in_on_a_computed_key_result_is_refused(objective):
    framework_with_skills()
    computed = key_result_save(
        key_result=manual(
            objective, kind=KeyResult.Kind.COMPUTED, measure=KeyResult.Measure.COMPLETION
        )
    )
    with pytest.raises(ValidationError) as error:
        check_in_create(
            key_result=computed,
            author=objective.owner,
            date=date(2026, 9, 30),
            value=Decimal(50),
            confidence=CheckIn.Confidence.ON_TRACK,
        )
    assert error.value.messages == [
        "You cannot check in on a computed key result: its value comes from the latest "
        "self-assessment cycle"
    ]
    assert not CheckIn.objects.exists()


def test_a_check_in_on_a_manual_key_result_is_saved(objective):
    key_result = key_result_save(key_result=manual(objective))
    check_in_create(
        key_result=key_result,
        author=objective.owner,
        date=date(2026, 9, 30),
        value=Decimal(7),
        confidence=CheckIn.Confidence.AT_RISK,
        note="Seven started.",
    )
    saved = CheckIn.objects.get()
    assert (saved.value, saved.confidence, saved.author) == (7, "at_risk", objective.owner)
