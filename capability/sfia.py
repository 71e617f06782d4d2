"""SFIA 9 from the organisation's own licensed spreadsheet, read into the framework JSON shape.

SFIA's text is licensed: this service ships none of it. An organisation uploads its own copy: an
.xlsx with a sheet whose first row holds "Code, URL, Skill, Category, Subcategory, Overall
description, Guidance notes, Level 1 description … Level 7 description". Levels are 0 "Not yet"
and 1 to 7 (named by number only, so no SFIA wording is written here); categories become areas;
each skill is offered only at the levels it has a description for.

Only reads (openpyxl in read-only mode: the maintained library for xlsx, already used for the
exports); every problem names the file, the sheet where there is one, and the line.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from django.utils.text import slugify

from capability.ddat import FileProblem, clean_text, one_line

MAX_FILE_BYTES = 20 * 1024 * 1024
LEVELS = range(1, 8)
REQUIRED = ("code", "skill", "category", *(f"level {n} description" for n in LEVELS))
OPTIONAL = ("url", "subcategory", "overall description", "guidance notes")
MAX_ROWS = 5000


class SfiaFileInvalid(Exception):
    def __init__(self, problems: list[FileProblem]) -> None:
        super().__init__(f"{len(problems)} problem(s) in the file")
        self.problems = problems


@dataclass
class SfiaSkill:
    line: int
    code: str
    name: str
    category: str
    description: str
    descriptors: dict[int, str]


def _cell(value: object) -> str:
    if value is None:
        return ""
    return str(value)


def _header(row: tuple) -> list[str]:
    return [one_line(_cell(value)).lower() for value in row]


def read_sfia_rows(file: str, content: bytes) -> list[SfiaSkill]:
    """The skills of the spreadsheet; SfiaFileInvalid lists every problem."""
    from openpyxl import load_workbook

    if len(content) > MAX_FILE_BYTES:
        raise SfiaFileInvalid([FileProblem(file, 1, "the file must be smaller than 20MB")])
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise SfiaFileInvalid(
            [FileProblem(file, 1, f"the file is not an Excel .xlsx workbook ({error})")]
        ) from error
    try:
        sheet, header = None, []
        for candidate in workbook.worksheets:
            first = next(candidate.iter_rows(min_row=1, max_row=1, values_only=True), ())
            if all(column in _header(first) for column in REQUIRED):
                sheet, header = candidate, _header(first)
                break
        if sheet is None:
            names = ", ".join(f'"{name}"' for name in workbook.sheetnames)
            columns = ", ".join(f'"{column}"' for column in REQUIRED[:4])
            raise SfiaFileInvalid(
                [
                    FileProblem(
                        file,
                        1,
                        f"no sheet has the SFIA columns ({columns} and the seven level "
                        f"descriptions) in its first row; the sheets are {names}",
                    )
                ]
            )
        return _skills(file, sheet, header)
    finally:
        workbook.close()


def _skills(file: str, sheet: object, header: list[str]) -> list[SfiaSkill]:
    where = f"{file} (sheet {sheet.title})"
    position = {column: header.index(column) for column in REQUIRED + OPTIONAL if column in header}
    problems: list[FileProblem] = []
    skills: dict[str, SfiaSkill] = {}
    for line, row in enumerate(sheet.iter_rows(min_row=2, values_only=True), start=2):
        if line > MAX_ROWS:
            problems.append(FileProblem(where, line, f"the sheet has more than {MAX_ROWS} rows"))
            break
        values = [_cell(value) for value in row]
        if not any(value.strip() for value in values):
            continue

        def value(column: str, values: list[str] = values) -> str:
            index = position.get(column)
            return values[index] if index is not None and index < len(values) else ""

        code, name = one_line(value("code")), one_line(value("skill"))
        category = one_line(value("category"))
        row_problems = []
        if not code or not slugify(code):
            row_problems.append("the skill has no code")
        if not name:
            row_problems.append("the skill has no name")
        if not category:
            row_problems.append("the skill has no category")
        if len(name) > 200 or len(category) > 200 or len(code) > 50:
            row_problems.append("a code, skill or category is too long")
        descriptors = {n: clean_text(value(f"level {n} description")) for n in LEVELS}
        descriptors = {n: text for n, text in descriptors.items() if text}
        if not row_problems and not descriptors:
            row_problems.append(f"{name} has no level description")
        slug = slugify(code)[:100]
        if not row_problems and slug in skills:
            row_problems.append(f'the code "{code}" is already on line {skills[slug].line}')
        problems += [FileProblem(where, line, message) for message in row_problems]
        if row_problems:
            continue
        skills[slug] = SfiaSkill(
            line=line,
            code=code,
            name=name,
            category=category,
            description=clean_text(value("overall description")),
            descriptors=descriptors,
        )
    if not skills and not problems:
        problems.append(FileProblem(where, 2, "the sheet has no skills in it"))
    if problems:
        raise SfiaFileInvalid(problems)
    return list(skills.values())


def framework_data_from_sfia(
    *, skills: list[SfiaSkill], tiers: list[dict], version: str, name: str, role_only: bool
) -> dict:
    """A whole framework document: levels 0-7, `tiers` (their default targets kept where the
    scale has them), an area per category and every skill in the lowest tier (or role only)."""
    levels = [{"number": 0, "name": "Not yet", "description": ""}] + [
        {"number": n, "name": f"Level {n}", "description": ""} for n in LEVELS
    ]
    lowest = min(tiers, key=lambda tier: tier["number"])["slug"]
    areas: dict[str, dict] = {}
    for skill in skills:
        area_slug = slugify(skill.category)[:100] or "skills"
        area = areas.setdefault(
            area_slug, {"slug": area_slug, "name": skill.category, "description": "", "skills": []}
        )
        area["skills"].append(
            {
                "slug": slugify(skill.code)[:100],
                "name": skill.name,
                "description": skill.description,
                "tier": lowest,
                "descriptors": {str(n): text for n, text in skill.descriptors.items()},
                "defined_levels_only": True,
                **({"role_only": True} if role_only else {}),
            }
        )
    return {
        "name": name,
        "version": version,
        "description": "",
        "levels": levels,
        "tiers": tiers,
        "areas": list(areas.values()),
        "roles": [],
    }
