"""Writes to people: the HR import, in two steps, and undoing its deactivations.

`import_preview` checks the file and keeps it as a PeopleImport waiting for confirmation; it
changes nobody. `import_apply` works the plan out again (people may have changed since the
preview), refuses if it differs from what was shown, and writes all of it or nothing. People are
matched by email. Only a full HR extract marks people missing from it inactive, never deleted, so
their past assessments stay; they can no longer sign in. The latest import's deactivations can be
undone.
"""

from __future__ import annotations

import hashlib

from django.db import transaction
from django.utils import timezone

from people.hr_file import ImportPlan, people_count, people_in_service, plan_import, role_lookup
from people.models import Directorate, PeopleImport, StaffProfile, Team, User


class ImportRefused(Exception):
    """The import would do something it must not, or something it was not confirmed for."""


class PlanChanged(ImportRefused):
    """People changed between the preview and the confirmation."""


def import_preview(*, text: str, file_name: str, mode: str, by: User | None) -> PeopleImport:
    """Check the file (raises ImportFailed) and keep it for confirmation."""
    plan = plan_import(text=text, mode=mode, importer=by)
    record = PeopleImport.objects.create(
        mode=mode,
        file_name=file_name[:255],
        file_sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        text=text,
        imported_by=by,
    )
    _count(record, plan)
    record.save()
    return record


def _count(record: PeopleImport, plan: ImportPlan) -> None:
    record.added = len(plan.added)
    record.updated = len(plan.updated)
    record.moved = len(plan.moved)
    record.reactivated = len(plan.reactivated)
    record.deactivated = len(plan.deactivated)


def import_plan(record: PeopleImport) -> ImportPlan:
    """The plan of a previewed import as it stands now. Raises ImportFailed."""
    return plan_import(text=record.text, mode=record.mode, importer=record.imported_by)


def import_apply(
    *,
    record: PeopleImport,
    by: User | None,
    shown: str | None = None,
    deactivations_confirmed: int | None = None,
) -> PeopleImport:
    """Write a previewed import. `shown` is the digest of the plan the person confirmed;
    a large deactivation needs `deactivations_confirmed` equal to its number.

    Raises ImportFailed (the file no longer passes its checks), PlanChanged or ImportRefused."""
    with transaction.atomic():
        record = PeopleImport.objects.select_for_update().get(pk=record.pk)
        if record.status != PeopleImport.Status.PREVIEWED:
            raise ImportRefused("This import has already been applied.")
        plan = import_plan(record)
        if shown is not None and plan.digest() != shown:
            raise PlanChanged(
                "People in the service changed after this preview was made. Check the changes "
                "below again."
            )
        if plan.refusals:
            raise ImportRefused(" ".join(plan.refusals))
        if plan.large_deactivation and deactivations_confirmed != len(plan.deactivated):
            raise ImportRefused(
                f"Confirm that {people_count(len(plan.deactivated))} will be marked inactive."
            )
        _write(plan, record)
        _count(record, plan)
        record.status = PeopleImport.Status.APPLIED
        record.applied_at = timezone.now()
        record.imported_by = by or record.imported_by
        record.text = ""  # the record keeps the file's name and hash, not its personal data
        record.save()
    return record


def _write(plan: ImportPlan, record: PeopleImport) -> None:
    roles = role_lookup()
    existing = people_in_service()
    profiles: dict[str, StaffProfile] = {}
    for row in plan.rows:
        directorate, _ = Directorate.objects.get_or_create(name=row.directorate)
        team, _ = Team.objects.get_or_create(directorate=directorate, name=row.team)
        held = existing.get(row.email)
        user = held.user if held else User.objects.filter(email__iexact=row.email).first()
        if user is None:
            user = User.objects.create_user(row.email, full_name=row.name)
        elif user.full_name != row.name or not user.is_active:
            user.full_name = row.name
            user.is_active = True  # in the HR file: in the service
            user.save(update_fields=["full_name", "is_active"])
        profile, _ = StaffProfile.objects.update_or_create(
            user=user,
            defaults={
                "team": team,
                "job_title": row.job_title,
                "role_profile": roles.get(row.role.lower()) if row.role else None,
                "active": True,
                "left_at": None,
                "line_manager": None,
            },
        )
        profiles[row.email] = profile
    for row in plan.rows:
        if row.manager_email:
            manager = profiles.get(row.manager_email) or existing[row.manager_email]
            profile = profiles[row.email]
            profile.line_manager = manager
            profile.save(update_fields=["line_manager", "updated_at"])
    if plan.deactivated:
        leaving = StaffProfile.objects.filter(
            user__email__in=[change.email for change in plan.deactivated], active=True
        )
        leaver_ids = list(leaving.values_list("pk", flat=True))
        StaffProfile.objects.filter(pk__in=leaver_ids).update(active=False, left_at=timezone.now())
        # Leavers lose access too. Superusers keep theirs so that nobody is locked out of the
        # service by an HR file that leaves out its administrators.
        User.objects.filter(profile__in=leaver_ids, is_superuser=False).update(is_active=False)
        record.deactivated_people.set(leaver_ids)


def latest_applied_import() -> PeopleImport | None:
    return PeopleImport.objects.filter(status=PeopleImport.Status.APPLIED).first()


def can_undo(record: PeopleImport) -> bool:
    return (
        record.status == PeopleImport.Status.APPLIED
        and record.deactivated > 0
        and record.undone_at is None
        and latest_applied_import() == record
    )


def import_undo_deactivations(*, record: PeopleImport, by: User | None) -> int:
    """Reactivate the people the latest import marked inactive. Returns how many."""
    with transaction.atomic():
        record = PeopleImport.objects.select_for_update().get(pk=record.pk)
        if not can_undo(record):
            raise ImportRefused("Only the latest import's deactivations can be undone, once.")
        profiles = record.deactivated_people.filter(active=False)
        ids = list(profiles.values_list("pk", flat=True))
        StaffProfile.objects.filter(pk__in=ids).update(active=True, left_at=None)
        User.objects.filter(profile__in=ids, is_active=False).update(is_active=True)
        record.undone_at = timezone.now()
        record.undone_by = by
        record.save(update_fields=["undone_at", "undone_by"])
    return len(ids)
