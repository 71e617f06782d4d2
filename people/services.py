"""Writes to people: the HR import.

The import reads the whole file and checks every row before it writes anything, so a file with one
bad row changes nothing. Re-importing updates people by email; people missing from the new file are
marked inactive, never deleted, so their past assessments stay; they can no longer sign in.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from capability.validation import RowError
from people.models import Directorate, StaffProfile, Team, User

IMPORT_COLUMNS = ("name", "email", "directorate", "team", "job title", "line manager email", "role")
REQUIRED_VALUES = ("name", "email", "directorate", "team")
# The longest value each column's database field holds.
MAX_LENGTHS = {"name": 200, "email": 254, "directorate": 200, "team": 200, "job_title": 200}


class ImportFailed(Exception):
    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(f"{len(errors)} problem(s) in the file")
        self.errors = errors


@dataclass
class PersonRow:
    line: int
    name: str
    email: str
    directorate: str
    team: str
    job_title: str
    manager_email: str
    role: str


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    deactivated: int = 0
    emails: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{self.created} people added, {self.updated} updated, "
            f"{self.deactivated} marked inactive"
        )


def _role_lookup() -> dict[str, object]:
    """Role profiles of the published framework, by lower-case slug and name."""
    from capability.models import RoleProfile

    lookup: dict[str, object] = {}
    for role in RoleProfile.objects.filter(framework__status="published"):
        lookup[role.slug.lower()] = role
        lookup[role.name.lower()] = role
    return lookup


def _read_rows(text: str) -> tuple[list[PersonRow], list[RowError]]:
    reader = csv.DictReader(io.StringIO(text))
    header = [(name or "").strip().lower() for name in (reader.fieldnames or [])]
    missing = [column for column in IMPORT_COLUMNS if column not in header]
    if missing:
        names = ", ".join(f'"{column}"' for column in missing)
        return [], [RowError(1, f"the header row is missing the column(s) {names}")]
    reader.fieldnames = header
    rows, errors = [], []
    for record in reader:
        # DictReader files surplus values under None and fills missing ones with None.
        if None in record or None in record.values():
            count = len(header) + len(record.get(None) or []) - list(record.values()).count(None)
            errors.append(
                RowError(
                    reader.line_num,
                    f"the row has {count} values but the header row has {len(header)}",
                )
            )
            continue
        values = {key: (value or "").strip() for key, value in record.items()}
        rows.append(
            PersonRow(
                line=reader.line_num,
                name=values["name"],
                email=values["email"].lower(),
                directorate=values["directorate"],
                team=values["team"],
                job_title=values["job title"],
                manager_email=values["line manager email"].lower(),
                role=values["role"],
            )
        )
    if not rows and not errors:
        return [], [RowError(2, "the file has a header row but no people")]
    return rows, errors


def _check_rows(rows: list[PersonRow], roles: dict[str, object]) -> list[RowError]:
    errors: list[RowError] = []
    first_line_of: dict[str, int] = {}
    for row in rows:
        for column in REQUIRED_VALUES:
            if not getattr(row, column):
                errors.append(RowError(row.line, f"{column} is empty"))
        for attribute, limit in MAX_LENGTHS.items():
            if len(getattr(row, attribute)) > limit:
                column = attribute.replace("_", " ")
                errors.append(RowError(row.line, f"{column} must be {limit} characters or fewer"))
        if row.email:
            try:
                validate_email(row.email)
            except ValidationError:
                errors.append(RowError(row.line, f'"{row.email}" is not a valid email address'))
            if row.email in first_line_of:
                errors.append(
                    RowError(
                        row.line,
                        f"{row.email} appears twice (first on line {first_line_of[row.email]})",
                    )
                )
            else:
                first_line_of[row.email] = row.line
        if row.role and row.role.lower() not in roles:
            errors.append(
                RowError(row.line, f'role "{row.role}" is not a role in the published framework')
            )
    for row in rows:
        if not row.manager_email:
            continue
        if row.manager_email == row.email:
            errors.append(RowError(row.line, "a person cannot be their own line manager"))
        elif row.manager_email not in first_line_of:
            errors.append(
                RowError(
                    row.line,
                    f"line manager {row.manager_email} is not a person in this file",
                )
            )
    errors.extend(_manager_cycles(rows))
    return sorted(errors, key=lambda error: error.line)


def _manager_cycles(rows: list[PersonRow]) -> list[RowError]:
    """Each loop of line managers (A manages B manages A), reported once at its first line."""
    manager_of = {row.email: row.manager_email for row in rows if row.manager_email}
    line_of = {row.email: row.line for row in rows}
    in_a_reported_loop: set[str] = set()
    errors = []
    for start in manager_of:
        if start in in_a_reported_loop:
            continue
        chain = [start]
        current = manager_of.get(start)
        while current and current not in chain:
            chain.append(current)
            current = manager_of.get(current)
        if current == start and len(chain) > 1:
            in_a_reported_loop.update(chain)
            loop = " manages ".join(reversed([*chain, start]))
            errors.append(RowError(line_of[start], f"line managers form a loop: {loop}"))
    return errors


def people_import(*, text: str) -> ImportResult:
    """Check every row of an HR CSV, then write all of it or nothing. Raises ImportFailed."""
    rows, errors = _read_rows(text)
    if errors:
        raise ImportFailed(errors)
    roles = _role_lookup()
    errors = _check_rows(rows, roles)
    if errors:
        raise ImportFailed(errors)

    result = ImportResult()
    with transaction.atomic():
        profiles: dict[str, StaffProfile] = {}
        for row in rows:
            directorate, _ = Directorate.objects.get_or_create(name=row.directorate)
            team, _ = Team.objects.get_or_create(directorate=directorate, name=row.team)
            user = User.objects.filter(email=row.email).first()
            if user is None:
                user = User.objects.create_user(row.email, full_name=row.name)
                result.created += 1
            else:
                result.updated += 1
                if user.full_name != row.name or not user.is_active:
                    user.full_name = row.name
                    user.is_active = True  # back in the HR file: back in the service
                    user.save(update_fields=["full_name", "is_active"])
            profile, _ = StaffProfile.objects.update_or_create(
                user=user,
                defaults={
                    "team": team,
                    "job_title": row.job_title,
                    "role_profile": roles.get(row.role.lower()) if row.role else None,
                    "active": True,
                    "line_manager": None,
                },
            )
            profiles[row.email] = profile
            result.emails.append(row.email)
        for row in rows:
            if row.manager_email:
                profile = profiles[row.email]
                profile.line_manager = profiles[row.manager_email]
                profile.save(update_fields=["line_manager", "updated_at"])
        result.deactivated = (
            StaffProfile.objects.filter(active=True)
            .exclude(user__email__in=result.emails)
            .update(active=False)
        )
        # Leavers lose access too. Superusers keep theirs so that nobody is locked out of the
        # service by an HR file that leaves out its administrators.
        User.objects.filter(profile__active=False, is_active=True, is_superuser=False).exclude(
            email__in=result.emails
        ).update(is_active=False)
    return result
