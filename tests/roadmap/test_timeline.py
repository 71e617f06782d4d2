from datetime import date

from roadmap.models import Initiative
from roadmap.timeline import WIDTH, build_timeline


def test_the_timeline_spans_whole_quarters_from_the_first_start_to_the_last_end():
    apprentices = Initiative(
        title="Apprentices",
        status="in_progress",
        start_on=date(2026, 4, 1),
        end_on=date(2027, 3, 31),
    )
    pay = Initiative(
        title="Pay review", status="paused", start_on=date(2026, 7, 1), end_on=date(2026, 9, 30)
    )
    someday = Initiative(title="Someday", status="planned")

    timeline = build_timeline([pay, apprentices, someday], today=date(2026, 10, 1))

    assert [q.label for q in timeline.quarters] == ["2026 Q2", "2026 Q3", "2026 Q4", "2027 Q1"]
    first, second = timeline.bars
    assert first.initiative is apprentices
    assert (first.x, first.x + first.width) == (0, WIDTH)
    assert second.quarters == "2026 Q3"
    assert first.quarters == "2026 Q2 to 2027 Q1"
    assert timeline.undated == [someday]
    assert timeline.today_x == timeline.quarters[2].x


def test_a_timeline_with_no_dated_initiatives_is_empty():
    timeline = build_timeline([Initiative(title="Someday")], today=date(2026, 10, 1))
    assert (timeline.bars, timeline.quarters) == ([], [])
