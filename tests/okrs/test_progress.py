from decimal import Decimal

import pytest

from okrs.models import format_number, progress_percent


def test_progress_is_the_share_of_the_way_from_baseline_to_target():
    assert progress_percent(baseline=40, target=90, current=65) == 50


def test_progress_is_clipped_at_100_past_the_target():
    assert progress_percent(baseline=40, target=90, current=95) == 100


def test_progress_is_clipped_at_0_behind_the_baseline():
    assert progress_percent(baseline=40, target=90, current=30) == 0


def test_progress_works_when_the_target_is_below_the_baseline():
    # A mean gap that should fall from 1.4 to 0.6 levels.
    baseline, target = Decimal("1.4"), Decimal("0.6")
    assert progress_percent(baseline=baseline, target=target, current=Decimal("1.0")) == 50
    assert progress_percent(baseline=baseline, target=target, current=Decimal("0.5")) == 100
    assert progress_percent(baseline=baseline, target=target, current=Decimal("1.6")) == 0


def test_progress_with_contractors_falling_from_38_to_15_percent():
    assert progress_percent(baseline=38, target=15, current=27) == 48


def test_progress_refuses_a_target_equal_to_the_baseline():
    with pytest.raises(ValueError, match="target must differ"):
        progress_percent(baseline=5, target=5, current=5)


def test_numbers_show_without_trailing_zeros_and_with_their_unit():
    assert format_number(Decimal("57.00"), "%") == "57%"
    assert format_number(Decimal("1.40"), "levels") == "1.4 levels"
    assert format_number(Decimal("9"), "apprentices") == "9 apprentices"
    assert format_number(100.0) == "100"
