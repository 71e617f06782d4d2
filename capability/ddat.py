"""The official Government Digital and Data Profession Capability Framework download, read into the
JSON shape framework_load_json writes (services.framework_import_ddat does the writing).

The download is a pair of CSV files: the skills file (one row per skill, a descriptor column per
level) and the roles file (one row per role level and skill it requires, at a level). Both are
checked in full before anything is written; every problem names its file and line.

What becomes what:
- a role family is a capability area; a skill goes to the family whose role levels use it most
  (a skill already in the base version stays in its area, so a head's move survives a refresh);
- a role level is a role profile, grouped by its role, with a seniority worked out from its name;
- a skill the base version does not have is "role only": assessed only where a role requires it;
- Senior Civil Service rows have no levels: the role profile requires the skill at no level and
  keeps the row's leadership examples as the requirement's note;
- exact duplicate rows count once.

Only reads: nothing here touches the database but the base version it is given.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.utils.text import slugify

from common.files import RowError, normalise_line_endings, read_csv

MAX_FILE_BYTES = 20 * 1024 * 1024
LEVEL_WORDS = ("Awareness", "Working", "Practitioner", "Expert")
SKILLS_COLUMNS = ("skill name", "skill description", *(w.lower() for w in LEVEL_WORDS))
ROLES_COLUMNS = (
    "role family",
    "role",
    "role description",
    "role level",
    "role level description",
    "skill name",
    "skill description",
    "skill level",
    "skill level description",
    "role type",
)
NOT_IN_USE = "not in use"
SENIOR_CIVIL_SERVICE = "senior civil service"
NO_LEVEL_NOTE = (
    "The framework sets no level for this skill in this role: it gives examples of leadership "
    "instead."
)
UNPLACED_AREA = ("other-skills", "Other skills")

# Seniority words, most senior first: the first found in a role level's name decides its rank.
_SENIORITY = (
    (6, ("principal", "head", "chief", "director", "deputy director")),
    (5, ("lead",)),
    (4, ("senior",)),
    (2, ("trainee", "apprentice", "junior", "associate", "assistant", "graduate")),
)
_PLAIN_RANK = 3


@dataclass(frozen=True)
class FileProblem:
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}, line {self.line}: {self.message}"


class DdatFilesInvalid(Exception):
    """Every problem found in the pair, each with its file and line. Nothing was written."""

    def __init__(self, problems: list[FileProblem]) -> None:
        super().__init__(f"{len(problems)} problem(s) in the files")
        self.problems = problems


@dataclass
class SkillEntry:
    line: int
    name: str
    slug: str
    description: str
    descriptors: dict[str, str]  # level word -> text


@dataclass
class RoleLevelEntry:
    line: int
    family: str
    role: str
    role_description: str
    name: str
    description: str
    role_type: str
    senior_civil_service: bool
    requirements: dict[str, tuple[str | None, str]] = field(default_factory=dict)
    # skill slug -> (level word or None, note)


@dataclass
class DdatPair:
    skills: list[SkillEntry]
    role_levels: list[RoleLevelEntry]

    @property
    def families(self) -> list[str]:
        return sorted({entry.family for entry in self.role_levels})

    @property
    def roles(self) -> set[tuple[str, str]]:
        return {(entry.family, entry.role) for entry in self.role_levels}

    @property
    def requirement_count(self) -> int:
        return sum(len(entry.requirements) for entry in self.role_levels)


def clean_text(value: str) -> str:
    """Cell text with its line breaks kept (lists are "- " lines) and each line trimmed."""
    lines = [line.strip() for line in normalise_line_endings(value).split("\n")]
    return "\n".join(line for line in lines if line)


def one_line(value: str) -> str:
    return " ".join(value.split())


def seniority_rank(name: str) -> int:
    """trainee/junior/associate < the plain role < senior < lead < principal/head."""
    words = re.sub(r"[^a-z ]", " ", name.lower()).split()
    text = f" {' '.join(words)} "
    for rank, markers in _SENIORITY:
        if any(f" {marker} " in text for marker in markers):
            return rank
    return _PLAIN_RANK


def _other_kind(kind: str) -> str:
    return "skills" if kind == "roles" else "roles"


def _header_problems(file: str, header: list[str], wanted: tuple[str, ...], other: str) -> list:
    missing = [column for column in wanted if column not in header]
    if not missing:
        return []
    looks_like_other = (other == "roles" and "role level" in header) or (
        other == "skills" and "roles that require skill" in header and "role level" not in header
    )
    if looks_like_other:
        return [
            FileProblem(
                file,
                1,
                f"this looks like the {other} file: choose the {_other_kind(other)} file here "
                f"and the {other} file in its own place",
            )
        ]
    names = ", ".join(f'"{column}"' for column in missing)
    return [FileProblem(file, 1, f"the header row is missing the column(s) {names}")]


def _csv_problems(file: str, errors: list[RowError]) -> list[FileProblem]:
    return [FileProblem(file, error.line, error.message) for error in errors]


def read_skills_file(file: str, text: str) -> tuple[list[SkillEntry], list[FileProblem]]:
    table = read_csv(text)
    if not table.header:
        return [], _csv_problems(file, table.errors)
    problems = _header_problems(file, table.header, SKILLS_COLUMNS, "roles")
    if problems:
        return [], problems
    problems = _csv_problems(file, table.errors)
    position = {column: index for index, column in enumerate(table.header)}
    entries: dict[str, SkillEntry] = {}
    for row in table.rows:
        values = row.values
        name = one_line(values[position["skill name"]])
        slug = slugify(name)[:100]
        if not name:
            problems.append(FileProblem(file, row.line, "the skill has no name"))
            continue
        if len(name) > 200 or not slug:
            problems.append(
                FileProblem(file, row.line, f'the skill name "{name[:100]}" cannot be used')
            )
            continue
        entry = SkillEntry(
            line=row.line,
            name=name,
            slug=slug,
            description=clean_text(values[position["skill description"]]),
            descriptors={word: clean_text(values[position[word.lower()]]) for word in LEVEL_WORDS},
        )
        earlier = entries.get(slug)
        if earlier is None:
            entries[slug] = entry
        elif (earlier.name, earlier.description, earlier.descriptors) != (
            entry.name,
            entry.description,
            entry.descriptors,
        ):
            problems.append(
                FileProblem(
                    file,
                    row.line,
                    f'the skill "{name}" is already on line {earlier.line} with different text',
                )
            )
    if not entries and not problems:
        problems.append(FileProblem(file, 2, "the file has no skills in it"))
    return list(entries.values()), problems


def read_roles_file(
    file: str, text: str, skills: dict[str, SkillEntry], skills_file: str
) -> tuple[list[RoleLevelEntry], list[FileProblem]]:
    table = read_csv(text)
    if not table.header:
        return [], _csv_problems(file, table.errors)
    problems = _header_problems(file, table.header, ROLES_COLUMNS, "skills")
    if problems:
        return [], problems
    problems = _csv_problems(file, table.errors)
    position = {column: index for index, column in enumerate(table.header)}
    levels = {word.lower(): word for word in LEVEL_WORDS}
    seen_rows: set[tuple[str, ...]] = set()
    role_levels: dict[tuple[str, str, str], RoleLevelEntry] = {}
    required_on: dict[tuple[tuple[str, str, str], str], int] = {}
    for row in table.rows:
        values = tuple(value.strip() for value in row.values)
        if values in seen_rows:
            continue  # the download repeats some rows exactly
        seen_rows.add(values)

        def cell(column: str, values: tuple[str, ...] = values) -> str:
            return values[position[column]]

        family, role = one_line(cell("role family")), one_line(cell("role"))
        level_name = one_line(cell("role level"))
        role_type = one_line(cell("role type"))
        skill_name = one_line(cell("skill name"))
        skill_level = one_line(cell("skill level"))
        senior = role_type.lower() == SENIOR_CIVIL_SERVICE or level_name.lower() == NOT_IN_USE
        row_problems = []
        if not family:
            row_problems.append("the role family is empty")
        if not role:
            row_problems.append("the role is empty")
        if not senior and not level_name:
            row_problems.append("the role level is empty")
        if not skill_name:
            row_problems.append("the skill name is empty")
        elif slugify(skill_name)[:100] not in skills:
            row_problems.append(f'the skill "{skill_name[:100]}" is not in {skills_file}')
        level_word: str | None = None
        if not senior:
            level_word = levels.get(skill_level.lower())
            if level_word is None:
                row_problems.append(
                    f'the skill level "{skill_level[:50]}" is not one of '
                    f"{', '.join(LEVEL_WORDS[:-1])} or {LEVEL_WORDS[-1]}"
                )
        for name in (family, role, level_name):
            if len(name) > 200:
                row_problems.append("a role family, role or role level name is over 200 characters")
                break
        problems += [FileProblem(file, row.line, message) for message in row_problems]
        if row_problems:
            continue
        name = role if senior else level_name
        key = (family, role, name)
        entry = role_levels.get(key)
        if entry is None:
            entry = role_levels[key] = RoleLevelEntry(
                line=row.line,
                family=family,
                role=role,
                role_description=clean_text(cell("role description")),
                name=name,
                description="" if senior else clean_text(cell("role level description")),
                role_type=role_type,
                senior_civil_service=senior,
            )
        slug = slugify(skill_name)[:100]
        note = clean_text(cell("skill description")) if senior else ""
        if slug in entry.requirements and entry.requirements[slug][0] != level_word:
            problems.append(
                FileProblem(
                    file,
                    row.line,
                    f'{name} already requires "{skill_name}" at a different level on line '
                    f"{required_on[(key, slug)]}",
                )
            )
            continue
        # The same requirement on two rows that differ only in their text: both notes are kept.
        earlier_note = entry.requirements.get(slug, (None, ""))[1]
        if earlier_note and note and note not in earlier_note:
            note = f"{earlier_note}\n{note}"
        entry.requirements[slug] = (level_word, note or earlier_note)
        required_on.setdefault((key, slug), row.line)
    if not role_levels and not problems:
        problems.append(FileProblem(file, 2, "the file has no role levels in it"))
    return list(role_levels.values()), problems


def read_ddat_pair(
    *, roles_file: str, roles_text: str, skills_file: str, skills_text: str
) -> DdatPair:
    """Both files read and checked; DdatFilesInvalid lists every problem in both."""
    skills, problems = read_skills_file(skills_file, skills_text)
    by_slug = {entry.slug: entry for entry in skills}
    if any(problem.line == 1 for problem in problems):
        # Without the skills file's header, the roles file's skills cannot be checked against it.
        by_slug = {}
        role_levels, role_problems = read_roles_file(roles_file, roles_text, {}, skills_file)
        role_problems = [p for p in role_problems if f"is not in {skills_file}" not in p.message]
    else:
        role_levels, role_problems = read_roles_file(roles_file, roles_text, by_slug, skills_file)
    problems += role_problems
    if problems:
        raise DdatFilesInvalid(problems)
    return DdatPair(skills=skills, role_levels=role_levels)


# Into the framework JSON shape -------------------------------------------------------------------


def _role_slugs(role_levels: list[RoleLevelEntry], taken: set[str]) -> dict[int, str]:
    """A slug per role level from its name; where names repeat, the role and family are added."""
    counts = Counter(slugify(entry.name)[:100] for entry in role_levels)
    slugs: dict[int, str] = {}
    for index, entry in enumerate(role_levels):
        slug = slugify(entry.name)[:100]
        if counts[slug] > 1:
            slug = slugify(f"{entry.name} {entry.role}")[:100]
            if slug in slugs.values():
                slug = slugify(f"{entry.name} {entry.role} {entry.family}")[:100]
        base, counter = slug, 2
        while slug in taken or slug in slugs.values():
            slug, counter = f"{base[:95]}-{counter}", counter + 1
        slugs[index] = slug
    return slugs


def _seniority(role_levels: list[RoleLevelEntry]) -> dict[int, int]:
    """Order within each role, from 1: by rank from the name, then by name."""
    by_role: dict[tuple[str, str], list[int]] = defaultdict(list)
    for index, entry in enumerate(role_levels):
        by_role[(entry.family, entry.role)].append(index)
    order: dict[int, int] = {}
    for indexes in by_role.values():
        ranked = sorted(
            indexes,
            key=lambda i: (seniority_rank(role_levels[i].name), role_levels[i].name.lower()),
        )
        order.update({index: position for position, index in enumerate(ranked, start=1)})
    return order


def _home_family(pair: DdatPair) -> dict[str, str]:
    """Per skill slug, the role family whose role levels require it most (ties: alphabetical)."""
    uses: dict[str, Counter] = defaultdict(Counter)
    for entry in pair.role_levels:
        for slug in entry.requirements:
            uses[slug][entry.family] += 1
    return {
        slug: min(counter.items(), key=lambda item: (-item[1], item[0]))[0]
        for slug, counter in uses.items()
    }


def framework_data_from_ddat(*, pair: DdatPair, base: dict, version: str, name: str) -> dict:
    """The framework document for a draft: `base` (the starter framework, or the published
    version's export for a refresh) with the download's skills and role levels in it.

    Kept from the base: levels, tiers, every skill the download does not replace except earlier
    role-only skills (those came from an earlier download, so a skill no longer in it is removed),
    and every role profile that is not a DDaT role level. A base skill with the same name takes
    the download's text and keeps its area and tier.
    """
    levels = {item["name"].lower(): item["number"] for item in base["levels"]}
    tiers = sorted(base["tiers"], key=lambda item: item["number"])
    lowest, highest = tiers[0]["slug"], tiers[-1]["slug"]
    incoming = {entry.slug: entry for entry in pair.skills}
    home = _home_family(pair)
    areas = [
        {**area, "skills": [dict(skill) for skill in area["skills"]]} for area in base["areas"]
    ]
    area_by_slug = {area["slug"]: area for area in areas}
    placed: set[str] = set()
    # A base skill matches the download by its slug or by its name: a skill a head linked to
    # its earlier name keeps that earlier slug (and so its history) at every later refresh.
    slug_of: dict[str, str] = {}
    for area in areas:
        kept = []
        for skill in area["skills"]:
            entry = incoming.get(skill["slug"]) or incoming.get(slugify(skill["name"])[:100])
            if entry is None or entry.slug in placed:
                if not skill.get("role_only"):
                    kept.append(skill)
                continue
            kept.append(_with_download_text(skill, entry, levels))
            placed.add(entry.slug)
            slug_of[entry.slug] = skill["slug"]
        area["skills"] = kept
    for entry in pair.skills:
        if entry.slug in placed:
            continue
        family = home.get(entry.slug)
        area_slug, area_name = (slugify(family)[:100], family) if family else UNPLACED_AREA
        area = area_by_slug.get(area_slug)
        if area is None:
            area = {"slug": area_slug, "name": area_name, "description": "", "skills": []}
            areas.append(area)
            area_by_slug[area_slug] = area
        area["skills"].append(
            _with_download_text(
                {"slug": entry.slug, "tier": lowest, "role_only": True}, entry, levels
            )
        )
    areas = [area for area in areas if area["skills"] or area["slug"] in _base_area_slugs(base)]
    skill_slugs = {skill["slug"] for area in areas for skill in area["skills"]}
    kept_roles = [
        _without_removed_skills(role, skill_slugs)
        for role in base["roles"]
        if not role.get("family")
    ]
    slugs = _role_slugs(pair.role_levels, {role["slug"] for role in kept_roles})
    seniority = _seniority(pair.role_levels)
    new_roles = []
    for index, entry in enumerate(pair.role_levels):
        notes = {
            slug_of.get(slug, slug): note
            for slug, (_word, note) in entry.requirements.items()
            if note
        }
        new_roles.append(
            {
                "slug": slugs[index],
                "name": entry.name,
                "tier": highest if entry.senior_civil_service else lowest,
                "description": entry.description,
                "family": entry.family,
                "group": entry.role,
                "group_description": entry.role_description,
                "seniority": seniority[index],
                "role_type": entry.role_type,
                "targets": {
                    slug_of.get(slug, slug): (levels[word.lower()] if word else None)
                    for slug, (word, _note) in entry.requirements.items()
                },
                **({"notes": notes} if notes else {}),
            }
        )
    return {
        **base,
        "name": name,
        "version": version,
        "areas": areas,
        "roles": [*kept_roles, *new_roles],
    }


def _without_removed_skills(role: dict, skill_slugs: set[str]) -> dict:
    """A base role profile with its targets and notes on skills the draft still has."""
    kept = {**role}
    kept["targets"] = {s: n for s, n in role.get("targets", {}).items() if s in skill_slugs}
    notes = {s: t for s, t in role.get("notes", {}).items() if s in skill_slugs}
    kept.pop("notes", None)
    if notes:
        kept["notes"] = notes
    return kept


def _base_area_slugs(base: dict) -> set[str]:
    return {area["slug"] for area in base["areas"]}


def _with_download_text(skill: dict, entry: SkillEntry, levels: dict[str, int]) -> dict:
    descriptors = {
        str(levels[word.lower()]): text for word, text in entry.descriptors.items() if text
    }
    text = {"name": entry.name, "description": entry.description, "descriptors": descriptors}
    return {**skill, **text}


def missing_levels(base: dict) -> list[str]:
    """Level words of the download that the base version's scale lacks."""
    names = {item["name"].lower() for item in base.get("levels", [])}
    return [word for word in LEVEL_WORDS if word.lower() not in names]
