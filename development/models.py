"""Learning resources per skill and level, and personal development plans.

A resource names its skill by slug and its level by number, not by row: skills and levels are
rows of one framework version, and slugs and numbers carry across versions, so a resource
curated once still applies after the next version is published.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models


class LearningResource(models.Model):
    class Format(models.TextChoices):
        COURSE = "course", "Course"
        E_LEARNING = "e-learning", "E-learning"
        GUIDE = "guide", "Article or guide"
        VIDEO = "video", "Video"
        BOOK = "book", "Book"
        EVENT = "event", "Event or webinar"
        MENTORING = "mentoring", "Mentoring or coaching"
        PRACTICE = "practice", "Practice at work"

    skill_slug = models.SlugField(max_length=100)
    level = models.PositiveSmallIntegerField(help_text="The level this resource helps reach.")
    title = models.CharField(max_length=200)
    url = models.URLField(max_length=500)
    provider = models.CharField(max_length=200, blank=True)
    format = models.CharField(max_length=12, choices=Format.choices, default=Format.COURSE)
    minutes = models.PositiveIntegerField(null=True, blank=True)  # time needed; None: unknown
    cost = models.DecimalField(max_digits=8, decimal_places=2, default=Decimal("0"))
    mandatory = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["skill_slug", "level", "-mandatory", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["skill_slug", "level", "url"], name="one_resource_per_link_and_level"
            ),
        ]
        indexes = [models.Index(fields=["skill_slug", "level"])]

    def __str__(self) -> str:
        return self.title

    @property
    def time_needed(self) -> str:
        if self.minutes is None:
            return "Not known"
        hours, minutes = divmod(self.minutes, 60)
        parts = []
        if hours:
            parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
        if minutes or not hours:
            parts.append(f"{minutes} minute{'s' if minutes != 1 else ''}")
        return " ".join(parts)

    @property
    def cost_text(self) -> str:
        if not self.cost:
            return "Free"
        return f"£{self.cost:,.2f}".removesuffix(".00")
