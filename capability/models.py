"""The capability framework: versions, levels, tiers, areas, skills, descriptors, role profiles.

A framework version is edited only while it is a draft. Once published it is never changed, so a
cycle that points at it keeps meaning the same thing after a newer version is published.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class FrameworkQuerySet(models.QuerySet["Framework"]):
    def published(self) -> FrameworkQuerySet:
        return self.filter(status=Framework.Status.PUBLISHED)

    def drafts(self) -> FrameworkQuerySet:
        return self.filter(status=Framework.Status.DRAFT)


class Framework(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        RETIRED = "retired", "Retired"

    name = models.CharField(max_length=200)
    version = models.CharField(max_length=50, unique=True)
    description = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    based_on = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="drafts"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    objects = FrameworkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["status"],
                condition=Q(status="published"),
                name="framework_one_published",
                violation_error_message="Only one framework version can be published at a time.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.version} ({self.get_status_display().lower()})"

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DRAFT


class Level(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="levels")
    number = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["framework", "number"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "number"], name="level_number_unique"),
            models.UniqueConstraint(fields=["framework", "name"], name="level_name_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"


class Tier(models.Model):
    """Tiers are cumulative: a person in tier N is assessed on every skill of tiers 1..N."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="tiers")
    number = models.PositiveSmallIntegerField()
    slug = models.SlugField(max_length=100)
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    default_target = models.ForeignKey(
        Level,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The target level for a role in this tier on any skill its role profile does "
        "not set.",
    )

    class Meta:
        ordering = ["framework", "number"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "number"], name="tier_number_unique"),
            models.UniqueConstraint(fields=["framework", "slug"], name="tier_slug_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class CapabilityArea(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="areas")
    slug = models.SlugField(max_length=100)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["framework", "order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "slug"], name="area_slug_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class SkillQuerySet(models.QuerySet["Skill"]):
    def up_to_tier(self, tier: Tier) -> SkillQuerySet:
        """Skills everyone in `tier` is assessed on: their tier's and every tier below it (a
        role-only skill is assessed only where a role profile requires it)."""
        return self.filter(
            framework_id=tier.framework_id, tier__number__lte=tier.number, role_only=False
        )


class Skill(models.Model):
    # framework repeats area.framework so that slugs can be unique per version in the database.
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="skills")
    area = models.ForeignKey(CapabilityArea, on_delete=models.CASCADE, related_name="skills")
    tier = models.ForeignKey(Tier, on_delete=models.PROTECT, related_name="skills")
    slug = models.SlugField(max_length=100)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    role_only = models.BooleanField(
        default=False,
        help_text="Assessed only by people whose role profile requires it (the skills of the "
        "official DDaT framework), not by everyone in its tier.",
    )

    defined_levels_only = models.BooleanField(
        default=False,
        help_text="Offered only at the levels it has a descriptor for (SFIA defines each skill "
        "at some of its seven levels); the others are marked as not defined.",
    )

    objects = SkillQuerySet.as_manager()

    class Meta:
        ordering = ["framework", "area__order", "order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "slug"], name="skill_slug_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class LevelDescriptor(models.Model):
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="descriptors")
    level = models.ForeignKey(Level, on_delete=models.CASCADE, related_name="descriptors")
    text = models.TextField()

    class Meta:
        ordering = ["skill", "level__number"]
        constraints = [
            models.UniqueConstraint(fields=["skill", "level"], name="descriptor_unique"),
            models.CheckConstraint(condition=~Q(text=""), name="descriptor_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.skill} at {self.level}"


class RoleProfile(models.Model):
    """A job in the jobs library. Roles are copied with each framework version, matched by slug.

    A DDaT role level is a role profile with its role family, its role (the group of role levels
    it belongs to, e.g. "Data engineer") and its seniority within that role (1 the most junior).
    """

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="roles")
    tier = models.ForeignKey(Tier, on_delete=models.PROTECT, related_name="roles")
    slug = models.SlugField(max_length=100)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    code = models.CharField(
        max_length=50, blank=True, help_text="A short code the HR system uses for this role."
    )
    family = models.CharField(max_length=200, blank=True, help_text="The DDaT role family.")
    group = models.CharField(
        max_length=200, blank=True, help_text="The DDaT role this role level belongs to."
    )
    group_description = models.TextField(blank=True)
    seniority = models.PositiveSmallIntegerField(
        default=0, help_text="Order within its role, from the most junior (1)."
    )
    role_type = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["framework", "tier__number", "name"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "slug"], name="role_slug_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class RoleTarget(models.Model):
    role = models.ForeignKey(RoleProfile, on_delete=models.CASCADE, related_name="targets")
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="role_targets")
    # None: the role requires the skill but the framework defines no level for it (the Senior
    # Civil Service roles of the DDaT framework); the tier default is the target.
    level = models.ForeignKey(
        Level, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(
        blank=True, help_text="What this role needs of the skill, e.g. examples of leadership."
    )

    class Meta:
        ordering = ["role", "skill"]
        constraints = [
            models.UniqueConstraint(fields=["role", "skill"], name="role_target_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.role}: {self.skill} at {self.level or 'no level'}"
