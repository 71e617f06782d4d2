"""The published figures: per cycle, sums at every grain the pages read, kept up to date from
each changed assessment by the worker (insights.publishing), never computed on a page view.

A row is one group (the organisation, a directorate or a team; everyone in it, a tier or a role
profile) and one thing (every skill, a capability area or a skill). It holds the live sums and
the published ones: the published sums are what every page, export, key result and report shows,
and they move only when enough different people in the group have changed since they last moved
(insights.privacy, the time rule).
"""

from __future__ import annotations

from django.db import models

MAX_LEVEL = 9  # level numbers 0-9 have a column each
LEVEL_FIELDS = [f"level_{number}" for number in range(MAX_LEVEL + 1)]
# Sums that make a figure, in the order `published` stores them.
FIGURE_FIELDS = ["people", "ratings", "at_target", "gap_sum", *LEVEL_FIELDS]
# Counts for completion: always live (they say who has submitted, never what anyone answered).
COMPLETION_FIELDS = ["asked", "submitted", "started"]
SUM_FIELDS = [*COMPLETION_FIELDS, *FIGURE_FIELDS]
# What makes a row one group and one thing (with its cycle).
KEY_FIELDS = [
    "place",
    "place_id",
    "directorate_id",
    "cut",
    "tier_id",
    "role_profile_id",
    "subject",
    "subject_id",
]


class Place(models.TextChoices):
    ORGANISATION = "o", "Organisation"
    DIRECTORATE = "d", "Directorate"
    TEAM = "t", "Team"


class Cut(models.TextChoices):
    EVERYONE = "a", "Everyone"
    TIER = "t", "Tier"
    ROLE = "r", "Role profile"


class Subject(models.TextChoices):
    EVERY_SKILL = "a", "Every skill"
    AREA = "r", "Capability area"
    SKILL = "s", "Skill"


class PublishedFigure(models.Model):
    # Plain ids (0 for none), not foreign keys: the rows are rebuilt from assessments and a
    # directorate, team or skill deleted later must not take a past cycle's figures with it.
    cycle = models.ForeignKey("assessments.Cycle", on_delete=models.CASCADE, related_name="+")
    place = models.CharField(max_length=1, choices=Place.choices)
    place_id = models.IntegerField()  # 0, the directorate id or the team id
    directorate_id = models.IntegerField()  # the place's directorate (0 for the organisation)
    cut = models.CharField(max_length=1, choices=Cut.choices)
    tier_id = models.IntegerField()  # the assessments' snapshot tier (0 for everyone)
    role_profile_id = models.IntegerField()  # 0 unless cut is a role profile
    subject = models.CharField(max_length=1, choices=Subject.choices)
    subject_id = models.IntegerField()  # 0, the area id or the skill id

    asked = models.PositiveIntegerField(default=0)  # completion counts: subject "every skill"
    submitted = models.PositiveIntegerField(default=0)
    started = models.PositiveIntegerField(default=0)
    people = models.PositiveIntegerField(default=0)  # live sums from here on
    ratings = models.PositiveIntegerField(default=0)
    at_target = models.PositiveIntegerField(default=0)
    gap_sum = models.PositiveIntegerField(default=0)
    level_0 = models.PositiveIntegerField(default=0)
    level_1 = models.PositiveIntegerField(default=0)
    level_2 = models.PositiveIntegerField(default=0)
    level_3 = models.PositiveIntegerField(default=0)
    level_4 = models.PositiveIntegerField(default=0)
    level_5 = models.PositiveIntegerField(default=0)
    level_6 = models.PositiveIntegerField(default=0)
    level_7 = models.PositiveIntegerField(default=0)
    level_8 = models.PositiveIntegerField(default=0)
    level_9 = models.PositiveIntegerField(default=0)

    # What is shown: FIGURE_FIELDS as they were when last published ([] if never).
    published = models.JSONField(default=list)
    published_at = models.DateTimeField(null=True)
    published_seq = models.BigIntegerField(default=0)
    # Different people whose answers changed this row since it was published.
    pending = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cycle", *KEY_FIELDS], name="published_figure_unique"),
        ]
        indexes = [
            # One directorate's teams (a heatmap) or one team's rows.
            models.Index(
                fields=["cycle", "place", "directorate_id", "cut", "subject"],
                name="published_figure_read",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.cycle_id}: {self.get_place_display()} {self.place_id}, "
            f"{self.get_cut_display()} {self.tier_id}/{self.role_profile_id}, "
            f"{self.get_subject_display()} {self.subject_id}"
        )


class Contribution(models.Model):
    """What one assessment adds to the live sums, as last applied: the worker compares it with
    the assessment as it is now and applies only the difference."""

    assessment_id = models.IntegerField(primary_key=True)  # plain: outlives a deleted assessment
    cycle_id = models.IntegerField()
    directorate_id = models.IntegerField()
    team_id = models.IntegerField()
    tier_id = models.IntegerField()
    role_profile_id = models.IntegerField()
    status = models.CharField(max_length=12)
    # [[skill id, area id, level used, target], ...] for a counted assessment, by skill id.
    ratings = models.JSONField(default=list)
    # The clock (FigureClock.seq) when this contribution last changed the figures.
    changed_seq = models.BigIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["cycle_id"], name="contribution_cycle")]

    def __str__(self) -> str:
        return f"Contribution of assessment {self.assessment_id}"


class FigureClock(models.Model):
    """Per cycle: a counter that moves once per batch the worker applies (so "changed since
    published" can be compared), and the row the worker locks so batches apply one at a time.
    Submissions never take this lock."""

    cycle = models.OneToOneField(
        "assessments.Cycle", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    seq = models.BigIntegerField(default=0)
    applied_at = models.DateTimeField(null=True)
    # When a batch last moved what the privacy rules read (a figure published, a count of
    # people asked, a group's "fewer than k"): their decisions are remembered until it moves.
    shown_moved_at = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return f"Figure clock {self.cycle_id}: {self.seq}"
