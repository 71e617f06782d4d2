"""Every date a person types goes through one reader: bad parts are GOV.UK errors, not crashes."""

import datetime

import pytest

from assessments.models import Cycle
from common.dates import date_field
from tests.assessments.test_cycles import cycle_post

HOSTILE_PARTS = [
    ("   ", " ", "  "),
    ("1", "1", "99999999999999999999999"),
    ("99999999999", "1", "2027"),
    ("31", "2", "2027"),
    ("1", "1", "0"),
    ("1", "1", "10000"),
    ("-1", "1", "2027"),
    ("1", "1", "２０２７"),
    ("1", "", "2027"),
    ("1\n", "1", "2027\x00"),
]


@pytest.mark.parametrize("parts", HOSTILE_PARTS)
def test_the_date_reader_answers_every_hostile_value_with_a_message(parts):
    field = date_field("Opening date", "Enter the opening date")
    with pytest.raises(Exception) as error:
        field.clean(list(parts))
    assert type(error.value).__name__ == "ValidationError"


def test_the_date_reader_strips_spaces_around_real_dates():
    field = date_field("Opening date", "Enter the opening date")
    assert field.clean([" 1 ", "10", " 2026"]) == datetime.date(2026, 10, 1)


def test_an_optional_date_left_as_spaces_is_no_date():
    field = date_field("Start date (optional)", "Enter the start date", required=False)
    assert field.clean(["  ", " ", ""]) is None


@pytest.mark.django_db
@pytest.mark.parametrize("parts", HOSTILE_PARTS)
def test_the_new_cycle_page_shows_an_error_for_hostile_dates(client_for, head, framework, parts):
    response = client_for(head).post(
        "/assessments/cycles/new/", cycle_post(opens=parts, framework=framework)
    )
    assert response.status_code in (200, 400)
    assert "govuk-error-summary" in response.content.decode()
    assert not Cycle.objects.exists()
