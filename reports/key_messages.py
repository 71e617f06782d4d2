"""The key messages on page 2 of a report, drafted in plain sentences from its record of the
quarter (reports.record, revived): what leadership needs on one page. The head of digital edits
them (reports.views.report_write) before the report is finalised."""

from __future__ import annotations

from typing import Any

from insights import gaps

KEY_GAPS = 3


def _levels(count: int) -> str:
    return f"{count:,} level" if count == 1 else f"{count:,} levels"


def _points(figure: gaps.Figure) -> str:
    return figure.display_change(0, " points")


def draft_key_messages(record: dict[str, Any]) -> list[str]:
    """What leadership needs on one page, in plain sentences from the record's own figures
    (revived): completion, the largest gaps, the largest movements, key results off track or at
    risk, and the largest gaps no initiative addresses."""
    return [
        completion_message(record),
        largest_gaps_message(record),
        movements_message(record),
        key_results_message(record),
        unaddressed_message(record),
    ]


def completion_message(record: dict[str, Any]) -> str:
    """Against the same point of the previous cycle while open, else against its close."""
    headline = record["summary"]["headline"]
    scope, cycle = record["scope"], record["cycle"]["name"]
    completion = headline["completion"]
    same_point = record["comparison"]["same_point"]
    previous = record["comparison"]["previous"]
    if completion.suppressed:
        return f"Completion in {scope} is not shown, to protect a small group."
    if not completion.available:
        return f"Nobody in {scope} was asked to take part in {cycle}."
    text = (
        f"Completion: {headline['submitted']:,} of {headline['people']:,} people "
        f"({completion.display(0, '%')}) have submitted their self-assessment"
    )
    if same_point and same_point["completion"].available:
        return text + (
            f", against {same_point['completion'].display(0, '%')} at the same point of "
            f"{previous} ({same_point['days']} days after opening): "
            f"{_points(same_point['change'])}."
        )
    if previous and headline["change_completion"].available:
        return text + f", {_points(headline['change_completion'])} on {previous}."
    return text + "."


def largest_gaps_message(record: dict[str, Any]) -> str:
    """The largest gaps across the tiers, weighted by headcount (levels short in all)."""
    ranked = [
        (weight, tier["tier"]["name"], item)
        for tier in record["summary"]["gaps_by_tier"]
        for weight, item in zip(tier["weights"], tier["items"], strict=True)
    ]
    ranked.sort(key=lambda entry: (-entry[0], entry[2]["skill"]["name"]))
    if not ranked:
        return "No skill gap can be shown by tier."
    listed = "; ".join(
        f"{item['skill']['name']} for {tier.lower()} ({_levels(weight)} short in all, "
        f"across {item['people']:,} people)"
        for weight, tier, item in ranked[:KEY_GAPS]
    )
    return f"Largest gaps by tier, weighted by headcount: {listed}."


def movements_message(record: dict[str, Any]) -> str:
    """The largest improvements and declines in share at target since the previous cycle."""
    moved, previous = record["movements"], record["comparison"]["previous"]
    if not previous:
        return "There is no earlier cycle to compare with."
    if not moved:
        return f"No skill's share at target moved by a whole point since {previous}."
    ups = [item for item in moved if item["change_share_at_target"].value > 0][:2]
    downs = [item for item in moved if item["change_share_at_target"].value < 0][:2]

    def listed(items: list[dict[str, Any]]) -> str:
        return ", ".join(
            f"{item['skill']['name']} ({_points(item['change_share_at_target'])}, now "
            f"{item['share_at_target'].display(0, '%')} at target)"
            for item in items
        )

    parts = [f"largest improvements: {listed(ups)}"] if ups else []
    parts += [f"largest declines: {listed(downs)}"] if downs else []
    return f"Since {previous}, " + "; ".join(parts) + "."


def key_results_message(record: dict[str, Any]) -> str:
    worrying = [
        f"{kr['title']} ({kr['confidence_label'].split(' (')[0].lower()})"
        for objective in record["okrs"]["objectives"]
        for kr in objective["key_results"]
        if kr["confidence"] in ("off_track", "at_risk")
    ]
    if worrying:
        return "Key results off track or at risk: " + "; ".join(worrying) + "."
    if record["okrs"]["objectives"]:
        return "No key result is off track or at risk at its latest check-in."
    return "No objectives have been set for this period."


def unaddressed_message(record: dict[str, Any]) -> str:
    unaddressed = record["roadmap"]["unaddressed"][:KEY_GAPS]
    if not unaddressed:
        return "Every gap that can be shown has an initiative working on it."
    listed = "; ".join(
        f"{item['skill']['name']} (mean gap {item['mean_gap'].display(2)} levels)"
        for item in unaddressed
    )
    return f"Largest gaps no initiative addresses: {listed}."
