"""Checks on what is loaded into the framework: whole JSON documents and skills CSV rows.

They only read. services.py calls them before it writes anything, so bad input changes nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.utils.text import slugify

from capability.models import Framework
from common.files import RowError, read_csv
from common.text import has_control_characters

# The official descriptors are a "You can:" list of several lines.
MAX_DESCRIPTOR_LENGTH = 4000
MAX_NAME_LENGTH = 200
MAX_TEXT = 10_000
# PositiveSmallIntegerField holds 0 to 32767 on every database.
MAX_NUMBER = 32767
SLUG = re.compile(r"[-a-zA-Z0-9_]+")
MAY_BE_EMPTY = {"description", "group_description", "code", "family", "group", "role_type"}


def _missing(item: Any, keys: tuple[str, ...], where: str) -> list[str]:
    if not isinstance(item, dict):
        return [f"{where} must be an object"]
    return [f'{where} is missing "{key}"' for key in keys if key not in item]


def _list(data: dict, key: str, where: str, errors: list[str]) -> list:
    value = data.get(key, [])
    if not isinstance(value, list):
        errors.append(f'"{key}" in {where} must be a list')
        return []
    return value


def _is_number(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_NUMBER


def _field_errors(item: Any, where: str, texts: dict[str, int], numbers: tuple = ()) -> list[str]:
    """Present keys of the wrong type or too long for their column: texts maps key to max length.

    Missing keys are _missing's to report, so that each problem is listed once."""
    if not isinstance(item, dict):
        return []
    errors = []
    for key, max_length in texts.items():
        value = item.get(key)
        if key not in item or (value is None and key in MAY_BE_EMPTY):
            continue
        if not isinstance(value, str) or (key not in MAY_BE_EMPTY and not value.strip()):
            errors.append(f'{where} must have some text as its "{key}"')
        elif len(value) > max_length:
            errors.append(
                f'The "{key}" of {where[0].lower() + where[1:]} must be {max_length} '
                f"characters or fewer"
            )
        elif key == "slug" and not SLUG.fullmatch(value):
            errors.append(
                f'The "slug" of {where[0].lower() + where[1:]} must use only letters, '
                f'numbers, hyphens and underscores, like "data-privacy"'
            )
    for key in numbers:
        if key in item and not _is_number(item[key]):
            errors.append(f'{where} must have a whole number from 0 to {MAX_NUMBER} as its "{key}"')
    return errors


def _repeats(items: list, key: str, kind: str) -> list[str]:
    """Values of `key` that more than one item uses, where they must be unique."""
    seen: set = set()
    errors = []
    for index, item in enumerate(items, start=1):
        value = item.get(key) if isinstance(item, dict) else None
        if not isinstance(value, str | int) or isinstance(value, bool):
            continue
        if value in seen:
            errors.append(
                f'{kind} {index} repeats the {key} "{value}" of an earlier {kind.lower()}'
            )
        seen.add(value)
    return errors


def _names(items: list, key: str) -> set:
    return {
        item[key]
        for item in items
        if isinstance(item, dict) and isinstance(item.get(key), str | int)
    }


def framework_data_errors(data: Any) -> list[str]:
    """Every problem that would stop `data` loading, in plain words; empty when it is fine."""
    errors = _missing(data, ("name", "version", "levels", "tiers", "areas", "roles"), "The file")
    if not isinstance(data, dict):
        return errors
    errors += _field_errors(
        data, "The file", {"name": MAX_NAME_LENGTH, "version": 50, "description": MAX_TEXT}
    )
    for key in ("name", "version"):
        if isinstance(data.get(key), str) and has_control_characters(data[key]):
            errors.append(f'The file\'s "{key}" must not contain line breaks or control characters')
    levels = _list(data, "levels", "the file", errors)
    for index, level in enumerate(levels, start=1):
        errors += _missing(level, ("number", "name"), f"Level {index}")
        errors += _field_errors(
            level, f"Level {index}", {"name": 100, "description": MAX_TEXT}, ("number",)
        )
    errors += _repeats(levels, "number", "Level") + _repeats(levels, "name", "Level")
    level_numbers = {number for number in _names(levels, "number") if _is_number(number)}
    tiers = _list(data, "tiers", "the file", errors)
    for index, tier in enumerate(tiers, start=1):
        errors += _missing(tier, ("number", "slug", "name"), f"Tier {index}")
        errors += _field_errors(
            tier, f"Tier {index}", {"slug": 100, "name": 100, "description": MAX_TEXT}, ("number",)
        )
        target = tier.get("default_target") if isinstance(tier, dict) else None
        if target is not None and (not _is_number(target) or target not in level_numbers):
            errors.append(f'Tier {index} has a default target level that is not in "levels"')
    errors += _repeats(tiers, "number", "Tier") + _repeats(tiers, "slug", "Tier")
    tier_slugs = _names(tiers, "slug")
    areas = _list(data, "areas", "the file", errors)
    errors += _repeats(areas, "slug", "Area")
    skill_slugs: set[str] = set()
    for area_index, area in enumerate(areas, start=1):
        errors += _missing(area, ("slug", "name", "skills"), f"Area {area_index}")
        errors += _field_errors(
            area,
            f"Area {area_index}",
            {"slug": 100, "name": MAX_NAME_LENGTH, "description": MAX_TEXT},
        )
        if not isinstance(area, dict):
            continue
        for index, skill in enumerate(_list(area, "skills", f"area {area_index}", errors), 1):
            where = f"Skill {index} in area {area_index}"
            errors += _missing(skill, ("slug", "name", "tier"), where)
            errors += _field_errors(
                skill, where, {"slug": 100, "name": MAX_NAME_LENGTH, "description": MAX_TEXT}
            )
            if not isinstance(skill, dict):
                continue
            slug = skill.get("slug")
            if isinstance(slug, str):
                if slug in skill_slugs:
                    errors.append(f'{where} repeats the skill "{slug}"')
                skill_slugs.add(slug)
            for flag in ("role_only", "defined_levels_only"):
                if not isinstance(skill.get(flag, False), bool):
                    errors.append(f'{where} must have true or false as its "{flag}"')
            if "tier" in skill and (
                not isinstance(skill["tier"], str) or skill["tier"] not in tier_slugs
            ):
                errors.append(f'{where} names a tier "{skill["tier"]}" that is not in "tiers"')
            descriptors = skill.get("descriptors", {})
            if not isinstance(descriptors, dict):
                errors.append(f'"descriptors" of {where.lower()} must be an object')
                continue
            for number, text in descriptors.items():
                if not str(number).isdigit() or int(number) not in level_numbers:
                    errors.append(f'{where} has a descriptor for level "{number}" not in "levels"')
                elif not isinstance(text, str) or not text.strip():
                    errors.append(f"{where} has an empty descriptor for level {number}")
    roles = _list(data, "roles", "the file", errors)
    errors += _repeats(roles, "slug", "Role")
    for index, role in enumerate(roles, start=1):
        errors += _missing(role, ("slug", "name", "tier"), f"Role {index}")
        errors += _field_errors(
            role,
            f"Role {index}",
            {
                "slug": 100,
                "name": MAX_NAME_LENGTH,
                "description": MAX_TEXT,
                "code": 50,
                "family": MAX_NAME_LENGTH,
                "group": MAX_NAME_LENGTH,
                "group_description": MAX_TEXT,
                "role_type": 100,
            },
            ("seniority",),
        )
        if not isinstance(role, dict):
            continue
        if "tier" in role and (not isinstance(role["tier"], str) or role["tier"] not in tier_slugs):
            errors.append(f'Role {index} names a tier "{role["tier"]}" that is not in "tiers"')
        targets = role.get("targets", {})
        if not isinstance(targets, dict):
            errors.append(f'"targets" of role {index} must be an object')
            continue
        for skill_slug, number in targets.items():
            if skill_slug not in skill_slugs:
                errors.append(f'Role {index} sets a target for an unknown skill "{skill_slug}"')
            # None: the role requires the skill at no level (the tier default is its target).
            if number is not None and (not _is_number(number) or number not in level_numbers):
                errors.append(f'Role {index} sets a target level "{number}" not in "levels"')
        notes = role.get("notes", {})
        if not isinstance(notes, dict) or not all(
            isinstance(text, str) and len(text) <= MAX_TEXT for text in notes.values()
        ):
            errors.append(f'"notes" of role {index} must map skills to text')
        elif set(notes) - set(targets):
            errors.append(f"Role {index} has a note for a skill it does not require")
    if not errors and Framework.objects.filter(version=data["version"]).exists():
        errors.append(f'A framework version called "{data["version"]}" already exists')
    return errors


NAME_COLUMNS = ("skill name", "skill", "name")
DESCRIPTION_COLUMNS = ("description", "skill description")


@dataclass
class SkillRow:
    line: int
    name: str
    slug: str
    description: str
    descriptors: dict[int, str]


def _first_present(header: list[str], choices: tuple[str, ...]) -> str | None:
    return next((choice for choice in choices if choice in header), None)


def read_skill_rows(framework: Framework, text: str) -> tuple[list[SkillRow], list[RowError]]:
    table = read_csv(text)
    header = table.header
    if not header:
        return [], table.errors
    levels = list(framework.levels.filter(number__gt=0).order_by("number"))
    name_column = _first_present(header, NAME_COLUMNS)
    description_column = _first_present(header, DESCRIPTION_COLUMNS)
    missing = [] if name_column else ['"skill name"']
    missing += [] if description_column else ['"description"']
    missing += [f'"{level.name}"' for level in levels if level.name.lower() not in header]
    if missing:
        return [], [RowError(1, f"the header row is missing the column(s) {', '.join(missing)}")]
    position = {column: index for index, column in enumerate(header)}
    existing_slugs = set(framework.skills.values_list("slug", flat=True))
    existing_names = {name.lower() for name in framework.skills.values_list("name", flat=True)}
    seen: dict[str, int] = {}
    rows: list[SkillRow] = []
    errors: list[RowError] = list(table.errors)
    for csv_row in table.rows:
        line, values = csv_row.line, csv_row.values
        row_errors: list[str] = []
        name = values[position[name_column]].strip()
        slug = slugify(name)[:100]
        if not name:
            row_errors.append("enter a skill name")
        elif len(name) > MAX_NAME_LENGTH:
            row_errors.append(f"the skill name must be {MAX_NAME_LENGTH} characters or fewer")
        elif not slug:
            row_errors.append(f'the skill name "{name}" must contain letters or numbers')
        elif slug in seen:
            row_errors.append(f'the skill "{name}" is already on line {seen[slug]} of this file')
        elif slug in existing_slugs or name.lower() in existing_names:
            row_errors.append(f'the skill "{name}" is already in this framework')
        if slug and slug not in seen:
            seen[slug] = line
        descriptors = {}
        for level in levels:
            descriptor = values[position[level.name.lower()]].strip()
            if len(descriptor) > MAX_DESCRIPTOR_LENGTH:
                row_errors.append(
                    f'the "{level.name}" descriptor must be {MAX_DESCRIPTOR_LENGTH} characters '
                    f"or fewer (it has {len(descriptor)})"
                )
            descriptors[level.number] = descriptor
        errors += [RowError(line, message) for message in row_errors]
        if not row_errors:
            description = values[position[description_column]].strip()
            rows.append(SkillRow(line, name, slug, description, descriptors))
    if not rows and not errors:
        errors.append(RowError(2, "the file has no skills in it"))
    return rows, sorted(errors, key=lambda error: error.line)
