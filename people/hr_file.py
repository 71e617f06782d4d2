"""Reading an HR file and working out what importing it would change. Nothing here writes.

Every row is checked against the file and against the people already in the service, and every
problem is reported in one round with its line number. The plan lists, by name, who would be
added, updated, moved to another team or line manager, reactivated and marked inactive, and the
refusals that stop it (a full extract that leaves out the person importing it, or every head of
digital).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from common.files import RowError, read_csv
from common.roles import HEAD_OF_DIGITAL
from common.text import has_control_characters
from people.models import PeopleImport, StaffProfile, User

IMPORT_COLUMNS = ("name", "email", "directorate", "team", "job title", "line manager email", "role")
REQUIRED_VALUES = ("name", "email", "directorate", "team")
# The longest value each column's database field holds.
MAX_LENGTHS = {"name": 200, "email": 254, "directorate": 200, "team": 200, "job_title": 200}
# A full extract that would mark more than this share of active people inactive is asked about
# again, naming the number: it is more likely the wrong file than a wave of leavers.
LARGE_DEACTIVATION_SHARE = 0.10


def people_count(count: int) -> str:
    return "1 person" if count == 1 else f"{count:,} people"


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


@dataclass(frozen=True)
class PersonChange:
    name: str
    email: str
    changes: str = ""  # "Team: Planning (Place) to Housing (Place); job title: ..."


@dataclass
class ImportPlan:
    mode: str
    rows: list[PersonRow]
    added: list[PersonChange] = field(default_factory=list)
    moved: list[PersonChange] = field(default_factory=list)
    updated: list[PersonChange] = field(default_factory=list)
    reactivated: list[PersonChange] = field(default_factory=list)
    deactivated: list[PersonChange] = field(default_factory=list)
    unchanged: int = 0
    active_before: int = 0
    refusals: list[str] = field(default_factory=list)
    role_matches: list[RoleMatch] = field(default_factory=list)

    @property
    def large_deactivation(self) -> bool:
        return len(self.deactivated) > LARGE_DEACTIVATION_SHARE * self.active_before

    @property
    def changes_anything(self) -> bool:
        return bool(
            self.added or self.moved or self.updated or self.reactivated or self.deactivated
        )

    def digest(self) -> str:
        """A fingerprint of what the plan would do, to tell whether it still holds when the
        person who saw it confirms it."""
        digest = hashlib.sha256(self.mode.encode())
        for title, changes in self.sections():
            digest.update(f"\n#{title}".encode())
            for change in sorted(changes, key=lambda change: change.email):
                digest.update(f"\n{change.email}\t{change.changes}".encode())
        return digest.hexdigest()

    def sections(self) -> list[tuple[str, list[PersonChange]]]:
        """Each kind of change with its people, those marked inactive first."""
        return [
            ("Marked inactive", self.deactivated),
            ("Added", self.added),
            ("Moved team or line manager", self.moved),
            ("Updated", self.updated),
            ("Reactivated", self.reactivated),
        ]


def role_lookup() -> dict[str, object]:
    """Role profiles of the published framework, by lower-case code, name and slug (a code
    wins over another role's name, a name over another role's slug)."""
    from capability.models import RoleProfile

    lookup: dict[str, object] = {}
    roles = list(RoleProfile.objects.filter(framework__status="published"))
    for key in ("slug", "name", "code"):
        for role in roles:
            if getattr(role, key):
                lookup[getattr(role, key).lower()] = role
    return lookup


@dataclass(frozen=True)
class RoleMatch:
    """The rows whose role column held `value`, and the role profile it matched."""

    value: str
    role: str
    matched_by: str  # "code", "name" or "slug"
    lines: tuple[int, ...]


def role_matches(rows: list[PersonRow], roles: dict[str, object]) -> list[RoleMatch]:
    by_value: dict[str, list[int]] = {}
    spelling: dict[str, str] = {}
    for row in rows:
        if row.role:
            by_value.setdefault(row.role.lower(), []).append(row.line)
            spelling.setdefault(row.role.lower(), row.role)
    matches = []
    for value, lines in by_value.items():
        role = roles.get(value)
        if role is None:
            continue
        how = next(
            key for key in ("code", "name", "slug") if getattr(role, key, "").lower() == value
        )
        matches.append(RoleMatch(spelling[value], str(role), how, tuple(lines)))
    return sorted(matches, key=lambda match: (match.role, match.value))


def read_people(text: str) -> tuple[list[PersonRow], list[RowError]]:
    table = read_csv(text)
    if not table.header:
        return [], table.errors
    missing = [column for column in IMPORT_COLUMNS if column not in table.header]
    if missing:
        names = ", ".join(f'"{column}"' for column in missing)
        return [], [RowError(1, f"the header row is missing the column(s) {names}")]
    position = {column: index for index, column in enumerate(table.header)}
    rows = []
    for row in table.rows:

        def value(column: str, values: list[str] = row.values) -> str:
            return values[position[column]].strip()

        rows.append(
            PersonRow(
                line=row.line,
                name=value("name"),
                email=value("email").lower(),
                directorate=value("directorate"),
                team=value("team"),
                job_title=value("job title"),
                manager_email=value("line manager email").lower(),
                role=value("role"),
            )
        )
    if not rows and not table.errors:
        return [], [RowError(2, "the file has a header row but no people")]
    return rows, table.errors


def _row_errors(row: PersonRow, roles: dict[str, object]) -> list[RowError]:
    errors = [
        RowError(row.line, f"{column} is empty")
        for column in REQUIRED_VALUES
        if not getattr(row, column)
    ]
    for attribute, limit in MAX_LENGTHS.items():
        column = attribute.replace("_", " ")
        if len(getattr(row, attribute)) > limit:
            errors.append(RowError(row.line, f"{column} must be {limit} characters or fewer"))
        elif has_control_characters(getattr(row, attribute)):
            errors.append(
                RowError(row.line, f"{column} must not contain line breaks or control characters")
            )
    if row.email and not has_control_characters(row.email):
        try:
            validate_email(row.email)
        except ValidationError:
            errors.append(RowError(row.line, f'"{row.email}" is not a valid email address'))
    if row.role and row.role.lower() not in roles:
        errors.append(
            RowError(row.line, f'role "{row.role[:100]}" is not a role in the published framework')
        )
    return errors


def check_rows(
    rows: list[PersonRow], roles: dict[str, object], mode: str, existing: dict[str, StaffProfile]
) -> list[RowError]:
    """Every problem with the rows, sorted by line. `existing` is everyone in the service by
    email: in "add" mode a line manager may be one of them."""
    errors: list[RowError] = []
    first_line_of: dict[str, int] = {}
    for row in rows:
        errors += _row_errors(row, roles)
        if not row.email:
            continue
        if row.email in first_line_of:
            errors.append(
                RowError(
                    row.line,
                    f"{row.email} appears twice (first on line {first_line_of[row.email]})",
                )
            )
        else:
            first_line_of[row.email] = row.line
    for row in rows:
        if not row.manager_email:
            continue
        manager = existing.get(row.manager_email)
        if row.manager_email == row.email:
            errors.append(RowError(row.line, "a person cannot be their own line manager"))
        elif row.manager_email in first_line_of:
            continue
        elif mode == PeopleImport.Mode.FULL:
            errors.append(
                RowError(
                    row.line,
                    f"line manager {row.manager_email} is not a person in this file "
                    "(a full HR extract must include every line manager)",
                )
            )
        elif manager is None:
            errors.append(
                RowError(
                    row.line,
                    f"line manager {row.manager_email} is not in this file or in the service",
                )
            )
        elif not (manager.active and manager.user.is_active):
            errors.append(
                RowError(
                    row.line,
                    f"line manager {row.manager_email} is marked inactive in the service: "
                    "add them to this file to reactivate them",
                )
            )
    errors.extend(_manager_loops(rows, existing))
    return sorted(errors, key=lambda error: error.line)


def _manager_loops(rows: list[PersonRow], existing: dict[str, StaffProfile]) -> list[RowError]:
    """Each loop of line managers (A manages B manages A) the file would make, reported once at
    its first line. Managers of people not in the file are those already in the service."""
    manager_of = {
        email: profile.line_manager.user.email
        for email, profile in existing.items()
        if profile.line_manager_id
    }
    manager_of.update({row.email: row.manager_email for row in rows if row.email})
    line_of = {row.email: row.line for row in rows}
    in_a_reported_loop: set[str] = set()
    errors = []
    for start in line_of:
        if start in in_a_reported_loop or not manager_of.get(start):
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


def people_in_service() -> dict[str, StaffProfile]:
    profiles = StaffProfile.objects.select_related(
        "user", "team__directorate", "role_profile", "line_manager__user"
    )
    return {profile.user.email.lower(): profile for profile in profiles}


def _describe_changes(
    profile: StaffProfile, row: PersonRow, roles: dict[str, object]
) -> tuple[list[str], list[str]]:
    """(moves, other changes) between a person as held and their row."""
    moves, changes = [], []
    if (profile.team.directorate.name, profile.team.name) != (row.directorate, row.team):
        moves.append(f"team: {profile.team} to {row.team} ({row.directorate})")
    held_manager = profile.line_manager.user.email if profile.line_manager_id else ""
    if held_manager != row.manager_email:
        moves.append(f"line manager: {held_manager or 'none'} to {row.manager_email or 'none'}")
    if profile.user.full_name != row.name:
        changes.append(f"name: {profile.user.full_name} to {row.name}")
    if profile.job_title != row.job_title:
        changes.append(f"job title: {profile.job_title or 'none'} to {row.job_title or 'none'}")
    role = roles.get(row.role.lower()) if row.role else None
    if profile.role_profile != role:
        changes.append(f"role: {profile.role_profile or 'none'} to {role or 'none'}")
    return moves, changes


def plan_import(*, text: str, mode: str, importer: User | None) -> ImportPlan:
    """What importing the file would change. Raises ImportFailed listing every problem."""
    rows, errors = read_people(text)
    roles = role_lookup()
    existing = people_in_service()
    errors = sorted(
        [*errors, *check_rows(rows, roles, mode, existing)], key=lambda error: error.line
    )
    if errors:
        raise ImportFailed(errors)
    plan = ImportPlan(mode=mode, rows=rows, role_matches=role_matches(rows, roles))
    for row in rows:
        profile = existing.get(row.email)
        if profile is None:
            plan.added.append(PersonChange(row.name, row.email, f"{row.team} ({row.directorate})"))
            continue
        moves, changes = _describe_changes(profile, row, roles)
        change = PersonChange(row.name, row.email, "; ".join(moves + changes))
        if not (profile.active and profile.user.is_active):
            plan.reactivated.append(change)
        elif moves:
            plan.moved.append(change)
        elif changes:
            plan.updated.append(change)
        else:
            plan.unchanged += 1
    active = {email: profile for email, profile in existing.items() if profile.active}
    plan.active_before = len(active)
    if mode == PeopleImport.Mode.FULL:
        in_file = {row.email for row in rows}
        plan.deactivated = sorted(
            (
                PersonChange(profile.user.full_name, email, str(profile.team))
                for email, profile in active.items()
                if email not in in_file
            ),
            key=lambda change: (change.name, change.email),
        )
        plan.refusals = _refusals(in_file, active, importer)
    return plan


def _refusals(
    in_file: set[str], active: dict[str, StaffProfile], importer: User | None
) -> list[str]:
    refusals = []
    if importer is not None:
        email = importer.email.lower()
        if email in active and email not in in_file:
            refusals.append(
                f"You ({email}) are not in this file, so importing it would mark you inactive "
                "and sign you out. Add yourself to the file, or choose "
                '"Add or update these people".'
            )
    heads = User.objects.filter(groups__name=HEAD_OF_DIGITAL, is_active=True)
    head_emails = {email.lower() for email in heads.values_list("email", flat=True)}
    staying = {
        email
        for email in head_emails
        if email in in_file or email not in active  # heads without a profile are not affected
    }
    if head_emails and not staying:
        names = ", ".join(sorted(head_emails))
        refusals.append(
            f"Every head of digital ({names}) would be marked inactive, and nobody could manage "
            "the service. Add at least one of them to the file."
        )
    return refusals
