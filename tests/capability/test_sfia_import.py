"""SFIA from the organisation's own spreadsheet (a workbook of our own in SFIA 9's shape: no SFIA
text is shipped)."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import Workbook

from assessments.forms import AreaForm
from capability.models import Framework
from capability.services import framework_import_sfia, framework_publish
from capability.sfia import SfiaFileInvalid

pytestmark = pytest.mark.django_db

HEADER = [
    "Code",
    "URL",
    "Skill",
    "Category",
    "Subcategory",
    "Overall description",
    "Guidance notes",
    *(f"Level {n} description" for n in range(1, 8)),
]


def row(code: str, name: str, category: str, levels: dict[int, str]) -> list[str]:
    return [
        code,
        f"https://example.org/{code}",
        name,
        category,
        "Sub",
        f"About {name}.",
        "Notes.",
        *(levels.get(n, "") for n in range(1, 8)),
    ]


ROWS = [
    row(
        "PIPE", "Pipe fitting", "Plumbing", {2: "You can fit a pipe.", 3: "You can:\n- plan\n- fit"}
    ),
    row("LEAK", "Leak finding", "Plumbing", {3: "You can find leaks.", 4: "You lead leak work."}),
    row("WIRE", "Wiring", "Electrics", {1: "You know what a wire is."}),
]


def workbook(rows: list[list[str]] = ROWS, sheet: str = "Skills", header=HEADER) -> bytes:
    book = Workbook()
    book.active.title = "Read me"
    skills = book.create_sheet(sheet)
    skills.append(header)
    for values in rows:
        skills.append(values)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def problems(content: bytes) -> list[str]:
    with pytest.raises(SfiaFileInvalid) as raised:
        framework_import_sfia(file_name="sfia.xlsx", content=content, version="bad")
    assert not Framework.objects.exists()
    return [str(problem) for problem in raised.value.problems]


def test_levels_one_to_seven_and_not_yet_and_an_area_per_category():
    draft = framework_import_sfia(file_name="sfia.xlsx", content=workbook(), version="sfia")
    assert draft.status == Framework.Status.DRAFT
    assert list(draft.levels.values_list("number", "name"))[:2] == [(0, "Not yet"), (1, "Level 1")]
    assert draft.levels.count() == 8
    assert list(draft.areas.values_list("name", flat=True)) == ["Plumbing", "Electrics"]
    pipe = draft.skills.get(slug="pipe")
    assert pipe.defined_levels_only
    assert pipe.description == "About Pipe fitting."
    assert pipe.descriptors.get(level__number=3).text == "You can:\n- plan\n- fit"


def test_each_skill_is_offered_only_at_the_levels_it_defines():
    draft = framework_import_sfia(file_name="sfia.xlsx", content=workbook(), version="sfia")
    skills = list(draft.skills.prefetch_related("descriptors").order_by("slug"))
    form = AreaForm(skills=skills, levels=list(draft.levels.order_by("number")))
    offered = {
        question.skill.slug: [choice.level.number for choice in question.choices]
        for question in form.questions()
    }
    assert offered == {"leak": [0, 3, 4], "pipe": [0, 2, 3], "wire": [0, 1]}


def test_the_skill_page_marks_the_levels_it_does_not_define(client_for, alice):
    draft = framework_import_sfia(file_name="sfia.xlsx", content=workbook(), version="sfia")
    framework_publish(framework=draft)
    wire = draft.skills.get(slug="wire")
    page = client_for(alice).get(reverse("capability:skill", args=[wire.pk])).content.decode()
    assert "Not defined at this level: Wiring is not offered at level 5." in page
    assert "You know what a wire is." in page


def test_a_workbook_without_the_skills_sheet_is_refused_naming_its_sheets():
    content = workbook(header=["Code", "Name"])
    assert problems(content) == [
        'sfia.xlsx, line 1: no sheet has the SFIA columns ("code", "skill", "category", '
        '"level 1 description" and the seven level descriptions) in its first row; the sheets '
        'are "Read me", "Skills"'
    ]


def test_a_file_that_is_not_a_workbook_is_refused():
    assert problems(b"Code,Skill\n")[0].startswith(
        "sfia.xlsx, line 1: the file is not an Excel .xlsx workbook"
    )


def test_every_bad_row_is_reported_with_its_line_and_nothing_is_written():
    rows = [*ROWS, row("", "No code", "Plumbing", {1: "x"}), row("PIPE", "Again", "P", {1: "y"})]
    assert problems(workbook(rows)) == [
        "sfia.xlsx (sheet Skills), line 5: the skill has no code",
        'sfia.xlsx (sheet Skills), line 6: the code "PIPE" is already on line 2',
    ]


def test_the_command_imports_and_prints_counts(tmp_path, capsys):
    path = tmp_path / "sfia.xlsx"
    path.write_bytes(workbook())
    call_command("import_sfia", "--file", path, "--version", "sfia 9")
    assert capsys.readouterr().out.strip() == "areas=2 skills=3 version=sfia 9"


def test_the_command_lists_problems(tmp_path):
    path = tmp_path / "other.xlsx"
    path.write_bytes(workbook(sheet="Roles", header=["Role"]))
    with pytest.raises(CommandError, match="other.xlsx, line 1: no sheet has the SFIA columns"):
        call_command("import_sfia", "--file", path)


def test_a_head_imports_sfia_on_the_upload_page(client_for, head):
    response = client_for(head).post(
        reverse("capability:import_sfia"),
        {"file": SimpleUploadedFile("sfia.xlsx", workbook()), "role_only": "on"},
    )
    draft = Framework.objects.get()
    assert response.status_code == 302
    assert all(draft.skills.values_list("role_only", flat=True))


def test_the_upload_page_lists_problems(client_for, head):
    rows = [*ROWS, row("", "No code", "Plumbing", {1: "x"})]
    response = client_for(head).post(
        reverse("capability:import_sfia"), {"file": SimpleUploadedFile("sfia.xlsx", workbook(rows))}
    )
    page = response.content.decode()
    assert "The file has 1 problem and nothing was imported" in page
    assert "the skill has no code" in page.lower()
    assert not Framework.objects.exists()
