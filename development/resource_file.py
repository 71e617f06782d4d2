"""Reading a CSV file of learning resources. Nothing here writes.

Every row is checked against the published framework (skill by name or slug, level by number or
name) and every problem is reported in one round with its line number, through the project's one
CSV reader (common.files.read_csv).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from capability.models import Framework
from common.files import RowError, read_csv
from common.text import has_control_characters
from development.models import LearningResource

COLUMNS = (
    "skill",
    "level",
    "title",
    "link",
    "provider",
    "format",
    "time needed",
    "cost",
    "mandatory",
)
REQUIRED = ("skill", "level", "title", "link")
MAX_LENGTHS = {"title": 200, "link": 500, "provider": 200}
MAX_MINUTES = 100_000
MAX_COST = Decimal("999999.99")
YES = {"yes", "y", "true", "1"}
NO = {"no", "n", "false", "0", ""}
DURATION = re.compile(
    r"^(?:(?P<hours>\d+(?:\.\d+)?)\s*(?:h|hr|hrs|hour|hours))?\s*"
    r"(?:(?P<minutes>\d+)\s*(?:m|min|mins|minute|minutes))?$"
)


@dataclass(frozen=True)
class ResourceRow:
    line: int
    skill_slug: str
    level: int
    title: str
    url: str
    provider: str
    format: str
    minutes: int | None
    cost: Decimal
    mandatory: bool


class ResourcesFileInvalid(Exception):
    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(f"{len(errors)} problem(s) in the file")
        self.errors = errors


def read_minutes(text: str) -> int | None:
    """ "90", "90 minutes", "2 hours", "1.5 hours", "1 hour 30 minutes"; "" is not known."""
    text = text.strip().lower()
    if not text:
        return None
    if text.isascii() and text.isdigit():
        return int(text) if len(text) <= 6 else MAX_MINUTES + 1
    match = DURATION.match(text)
    if not match or not (match["hours"] or match["minutes"]) or len(text) > 40:
        raise ValueError
    hours = Decimal(match["hours"] or 0)
    return int(hours * 60) + int(match["minutes"] or 0)


def read_cost(text: str) -> Decimal:
    """ "", "free", "0", "£120", "120.50", "1,200" in pounds."""
    text = text.strip().lower().replace(",", "").removeprefix("£").strip()
    if text in ("", "free"):
        return Decimal("0")
    if not re.fullmatch(r"\d{1,7}(?:\.\d{1,2})?", text):
        raise ValueError
    return Decimal(text)


def read_resources(text: str, *, framework: Framework) -> list[ResourceRow]:
    """The rows of the file, each checked; raises ResourcesFileInvalid with every problem."""
    csv_file = read_csv(text)
    errors = list(csv_file.errors)
    if csv_file.header:
        missing = [column for column in REQUIRED if column not in csv_file.header]
        if missing:
            names = ", ".join(f'"{column}"' for column in missing)
            raise ResourcesFileInvalid(
                [RowError(1, f"the header row must name the columns {names}")]
            )
    skills: dict[str, str] = {}
    for slug, name in framework.skills.values_list("slug", "name"):
        skills[slug.lower()] = slug
        skills[name.strip().lower()] = slug
    levels: dict[str, int] = {}
    for number, name in framework.levels.values_list("number", "name"):
        levels[str(number)] = number
        levels[name.strip().lower()] = number
        levels[f"{number} {name}".strip().lower()] = number
    formats = {value: value for value, _ in LearningResource.Format.choices}
    formats.update({label.lower(): value for value, label in LearningResource.Format.choices})
    seen: dict[tuple[str, int, str], int] = {}
    rows: list[ResourceRow] = []
    for row in csv_file.rows:
        cells = dict(zip(csv_file.header, (value.strip() for value in row.values), strict=True))

        def problem(message: str, line: int = row.line) -> None:
            errors.append(RowError(line, message))

        before = len(errors)
        for column in REQUIRED:
            if not cells.get(column):
                problem(f'the "{column}" cell is empty')
        for column, limit in MAX_LENGTHS.items():
            if len(cells.get(column, "")) > limit:
                problem(f'the "{column}" cell must be {limit} characters or fewer')
        for column in ("title", "provider", "link"):
            if has_control_characters(cells.get(column, "")):
                problem(f'the "{column}" cell must not contain line breaks or control characters')
        skill_slug = skills.get(cells.get("skill", "").lower())
        if cells.get("skill") and skill_slug is None:
            problem(f'there is no skill called "{cells["skill"][:100]}" in the framework in use')
        level = levels.get(cells.get("level", "").lower())
        if cells.get("level") and level is None:
            problem(f'"{cells["level"][:40]}" is not a level of the framework in use')
        url = cells.get("link", "")
        if url:
            try:
                URLValidator(schemes=["http", "https"])(url)
            except ValidationError:
                problem('the "link" must be a web address starting with https:// or http://')
        resource_format = formats.get(cells.get("format", "").lower() or "course")
        if resource_format is None:
            allowed = ", ".join(label for _, label in LearningResource.Format.choices)
            problem(f'the "format" must be one of: {allowed}')
        try:
            minutes = read_minutes(cells.get("time needed", ""))
        except ValueError:
            minutes = None
            problem('the "time needed" must be minutes or hours, like "90" or "1.5 hours"')
        if minutes is not None and minutes > MAX_MINUTES:
            problem(f'the "time needed" must be {MAX_MINUTES:,} minutes or fewer')
        try:
            cost = read_cost(cells.get("cost", ""))
        except ValueError:
            cost = Decimal("0")
            problem('the "cost" must be an amount in pounds, like "120" or "£45.50", or "free"')
        if cost > MAX_COST:
            problem("the cost must be £999,999.99 or less")
        mandatory_text = cells.get("mandatory", "").lower()
        if mandatory_text not in YES | NO:
            problem('the "mandatory" cell must be "yes" or "no" (or empty for no)')
        if len(errors) > before or skill_slug is None or level is None:
            continue
        key = (skill_slug, level, url)
        if key in seen:
            problem(f"the same link for the same skill and level is also on line {seen[key]}")
            continue
        seen[key] = row.line
        rows.append(
            ResourceRow(
                line=row.line,
                skill_slug=skill_slug,
                level=level,
                title=cells["title"],
                url=url,
                provider=cells.get("provider", ""),
                format=resource_format or LearningResource.Format.COURSE,
                minutes=minutes,
                cost=cost,
                mandatory=mandatory_text in YES,
            )
        )
    if not errors and not rows:
        errors.append(RowError(2, "the file has no resources under its header row"))
    if errors:
        raise ResourcesFileInvalid(sorted(errors, key=lambda error: error.line))
    return rows
