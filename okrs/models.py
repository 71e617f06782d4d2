"""Objectives, key results and check-ins.

A manual key result takes its value from check-ins. A computed one takes its value from the gap
engine (insights) for the latest cycle, so it means the same as the dashboards.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q


def progress_percent(*, baseline: Decimal, target: Decimal, current: Decimal) -> int:
    """How far `current` has moved from baseline to target, as a whole percentage 0-100.

    Works whichever way the target lies: a mean gap going down from 1.4 to 0.6 is 50% of the
    way at 1.0. Values past the target count as 100%, values behind the baseline as 0%.
    """
    baseline, target, current = Decimal(baseline), Decimal(target), Decimal(current)
    if target == baseline:
        raise ValueError("A key result's target must differ from its baseline.")
    share = (current - baseline) / (target - baseline) * 100
    share = min(max(share, Decimal(0)), Decimal(100))
    return int(share.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def format_number(value: Decimal | float, unit: str = "") -> str:
    """57 -> "57%", 1.40 -> "1.4 levels": no trailing zeros, the unit after."""
    number = Decimal(str(value))
    if number == number.to_integral_value():
        text = str(number.to_integral_value())
    else:
        text = f"{number.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):f}".rstrip("0")
    if not unit:
        return text
    return f"{text}{unit}" if unit == "%" else f"{text} {unit}"


class Objective(models.Model):
    period = models.CharField(
        max_length=20, help_text='A year such as "2026-27" or a quarter such as "2026 Q4".'
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="objectives"
    )
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["period", "order", "id"]
        indexes = [models.Index(fields=["period", "order"])]

    def __str__(self) -> str:
        return self.title


class KeyResult(models.Model):
    class Kind(models.TextChoices):
        MANUAL = "manual", "Manual: the owner enters its value at check-ins"
        COMPUTED = "computed", "Computed from the latest self-assessment cycle"

    class Measure(models.TextChoices):
        COMPLETION = "completion", "Completion: percentage of people who submitted"
        SHARE_AT_TARGET = "share_at_target", "Percentage of people at or above their target"
        MEAN_GAP = "mean_gap", "Mean gap to target, in levels"

    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="key_results")
    title = models.CharField(max_length=300)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.MANUAL)
    unit = models.CharField(max_length=30, blank=True, help_text='For example "%" or "people".')
    baseline = models.DecimalField(max_digits=12, decimal_places=2)
    target = models.DecimalField(max_digits=12, decimal_places=2)
    # Computed key results only.
    measure = models.CharField(max_length=20, choices=Measure.choices, blank=True)
    framework = models.ForeignKey(
        "capability.Framework",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The framework version the skill, area and tier were chosen from.",
    )
    skill = models.ForeignKey(
        "capability.Skill", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    area = models.ForeignKey(
        "capability.CapabilityArea",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    tier = models.ForeignKey(
        "capability.Tier", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    directorate = models.ForeignKey(
        "people.Directorate", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    team = models.ForeignKey(
        "people.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["objective", "order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(target=F("baseline")),
                name="key_result_target_differs_from_baseline",
                violation_error_message="The target must be different from the baseline.",
            ),
            models.CheckConstraint(
                condition=(
                    Q(
                        kind="manual",
                        measure="",
                        framework__isnull=True,
                        skill__isnull=True,
                        area__isnull=True,
                        tier__isnull=True,
                        directorate__isnull=True,
                        team__isnull=True,
                    )
                    | (Q(kind="computed", framework__isnull=False) & ~Q(measure=""))
                ),
                name="key_result_measure_matches_kind",
                violation_error_message="Only a computed key result has a measure, and it must.",
            ),
            models.CheckConstraint(
                condition=Q(skill__isnull=True) | Q(area__isnull=True),
                name="key_result_skill_or_area",
                violation_error_message="Choose a skill or an area, not both.",
            ),
            models.CheckConstraint(
                condition=Q(directorate__isnull=True) | Q(team__isnull=True),
                name="key_result_directorate_or_team",
                violation_error_message="Choose a directorate or a team, not both.",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_computed(self) -> bool:
        return self.kind == self.Kind.COMPUTED

    @property
    def is_decreasing(self) -> bool:
        return self.target < self.baseline

    @property
    def scope_description(self) -> str:
        """ "Data privacy, service managers, everyone in Communities" for a computed result."""
        if not self.is_computed:
            return "Entered at check-ins"
        what = self.skill or self.area or "all skills"
        if self.measure == self.Measure.COMPLETION:
            what = "self-assessments"
        who = self.tier.name.lower() if self.tier else "all tiers"
        where = self.team or self.directorate or "the whole organisation"
        return f"{str(what).capitalize()}; {who}; {where}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.baseline is not None and self.target is not None and self.baseline == self.target:
            errors["target"] = "The target must be different from the baseline"
        if self.kind == self.Kind.MANUAL:
            errors.update(self._manual_errors())
        else:
            errors.update(self._computed_errors())
        if errors:
            raise ValidationError(errors)

    def _manual_errors(self) -> dict[str, str]:
        chosen = [
            name
            for name in ("measure", "skill", "area", "tier", "directorate", "team")
            if getattr(self, name if name == "measure" else f"{name}_id")
        ]
        return {
            name: f"Leave the {name} empty for a manual key result, or make it computed"
            for name in chosen
        }

    def _computed_errors(self) -> dict[str, str]:
        errors: dict[str, str] = {}
        if not self.measure:
            errors["measure"] = "Choose a measure for a computed key result"
        if self.skill_id and self.area_id:
            errors["area"] = "Choose a skill or an area, not both"
        if self.directorate_id and self.team_id:
            errors["team"] = "Choose a directorate or a team, not both"
        if self.measure == self.Measure.COMPLETION and (self.skill_id or self.area_id):
            errors["measure"] = (
                "Completion counts whole assessments: leave the skill and the area empty"
            )
        if self.framework_id is None:
            errors["measure"] = (
                "There is no published framework to measure a computed key result against"
            )
            return errors
        for name in ("skill", "area", "tier"):
            chosen = getattr(self, name)
            if chosen is not None and chosen.framework_id != self.framework_id:
                errors[name] = (
                    f"{chosen} is in framework version {chosen.framework.version}, but this key "
                    f"result is measured against version {self.framework.version}. Choose a "
                    f"{name} from version {self.framework.version}"
                )
        return errors


class CheckIn(models.Model):
    class Confidence(models.TextChoices):
        ON_TRACK = "on_track", "On track"
        AT_RISK = "at_risk", "At risk"
        OFF_TRACK = "off_track", "Off track"

    key_result = models.ForeignKey(KeyResult, on_delete=models.CASCADE, related_name="check_ins")
    date = models.DateField()
    value = models.DecimalField(max_digits=12, decimal_places=2)
    confidence = models.CharField(max_length=10, choices=Confidence.choices)
    note = models.TextField(blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.key_result}: {self.value} on {self.date}"
