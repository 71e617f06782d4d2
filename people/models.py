"""People: users (signed in by email), directorates, teams and staff profiles."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import F, Q
from django.utils import timezone


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("Users need an email address.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField("email address", unique=True)
    full_name = models.CharField(max_length=200)
    is_staff = models.BooleanField(
        "Django admin access", default=False, help_text="Can sign in to the Django admin."
    )
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name"]
        indexes = [
            # The few who cannot sign in (StaffProfileQuerySet.without_active_line_manager_ids).
            models.Index(fields=["id"], condition=Q(is_active=False), name="user_inactive"),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    def get_additional_data(self) -> dict[str, object]:
        """Whom an audit entry about this account concerns (its staff profile, if any)."""
        profile_id = StaffProfile.objects.filter(user_id=self.pk).values_list("pk", flat=True)
        return {"person_id": profile_id.first()}


class Directorate(models.Model):
    name = models.CharField(max_length=200, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    directorate = models.ForeignKey(Directorate, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["directorate__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["directorate", "name"], name="team_name_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.directorate})"


class StaffProfileQuerySet(models.QuerySet["StaffProfile"]):
    def active(self) -> StaffProfileQuerySet:
        return self.filter(active=True, user__is_active=True)

    def reports_of(self, user: User) -> StaffProfileQuerySet:
        return self.filter(line_manager__user=user)

    def without_active_line_manager(self) -> StaffProfileQuerySet:
        """People nobody reviews as line manager: none named, or one who has left. Heads of
        digital review these people, so they (and only they) may see their answers."""
        return self.filter(
            Q(line_manager__isnull=True)
            | Q(line_manager__active=False)
            | Q(line_manager__user__is_active=False)
        )

    def without_active_line_manager_ids(self) -> set[int]:
        """The ids of without_active_line_manager(), read through indexes (those with no line
        manager, the few who have left, their reports) rather than by joining every member of
        staff to their manager: it is asked on every page a head of digital reads."""
        ids = set(self.filter(line_manager__isnull=True).order_by().values_list("pk", flat=True))
        left = set(
            StaffProfile.objects.filter(active=False).order_by().values_list("pk", flat=True)
        )
        left.update(
            StaffProfile.objects.filter(
                user__in=User.objects.filter(is_active=False).order_by().values("pk")
            )
            .order_by()
            .values_list("pk", flat=True)
        )
        if left:
            reports = self.filter(line_manager_id__in=left).order_by()
            ids.update(reports.values_list("pk", flat=True))
        return ids


class StaffProfile(models.Model):
    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="profile")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="members")
    job_title = models.CharField(max_length=200, blank=True)
    line_manager = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="direct_reports"
    )
    role_profile = models.ForeignKey(
        "capability.RoleProfile",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="staff",
    )
    active = models.BooleanField(default=True)
    # When the person was last marked inactive (cleared when they are active again): the
    # retention rule (personal_data) anonymises leavers RETENTION_MONTHS after it.
    left_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = StaffProfileQuerySet.as_manager()

    class Meta:
        ordering = ["user__full_name"]
        indexes = [
            # The few who have left (StaffProfileQuerySet.without_active_line_manager_ids).
            models.Index(fields=["id"], condition=Q(active=False), name="staffprofile_left"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(line_manager=F("id")),
                name="staff_not_own_manager",
                violation_error_message="Nobody can be their own line manager.",
            ),
        ]

    def __str__(self) -> str:
        return str(self.user)

    def get_additional_data(self) -> dict[str, object]:
        return {"person_id": self.pk}

    @property
    def directorate(self) -> Directorate:
        return self.team.directorate

    @property
    def has_active_line_manager(self) -> bool:
        manager = self.line_manager
        return manager is not None and manager.active and manager.user.is_active


class PeopleImport(models.Model):
    """One upload of an HR file: previewed first, then applied (or abandoned), kept as a record.

    The file's text is held only while the import waits for confirmation, then cleared: the
    record keeps who, when, which file (name and SHA-256) and what changed."""

    class Mode(models.TextChoices):
        ADD = "add", "Add or update these people"
        FULL = "full", "This is our full HR extract"

    class Status(models.TextChoices):
        PREVIEWED = "previewed", "Waiting for confirmation"
        APPLIED = "applied", "Imported"

    mode = models.CharField(max_length=10, choices=Mode.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PREVIEWED)
    file_name = models.CharField(max_length=255)
    file_sha256 = models.CharField(max_length=64)
    text = models.TextField(blank=True)
    imported_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="people_imports"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    added = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    moved = models.PositiveIntegerField(default=0)
    reactivated = models.PositiveIntegerField(default=0)
    deactivated = models.PositiveIntegerField(default=0)
    deactivated_people = models.ManyToManyField(
        StaffProfile, blank=True, related_name="deactivated_by_imports"
    )
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_mode_display().lower()})"

    def summary(self) -> str:
        return (
            f"{self.added} added, {self.updated} updated, {self.moved} moved team or manager, "
            f"{self.reactivated} reactivated, {self.deactivated} marked inactive"
        )
