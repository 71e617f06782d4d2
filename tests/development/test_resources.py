"""Learning resources: heads of digital curate and import them; everyone sees the ones for the
level they aim at on their results and on the skill's page."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from development import services
from development.models import LearningResource
from development.resource_file import ResourcesFileInvalid, read_resources
from tests.assessments.journey import DATA_SKILL, skill, submitted

pytestmark = pytest.mark.usefixtures("officers")

HEADER = "skill,level,title,link,provider,format,time needed,cost,mandatory\n"


def upload(text: str, name: str = "resources.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode())


def problems(text: str, framework) -> list[str]:
    with pytest.raises(ResourcesFileInvalid) as failure:
        read_resources(text, framework=framework)
    return [str(error) for error in failure.value.errors]


def test_a_good_file_is_read_by_skill_name_or_slug_and_level_number_or_name(framework):
    rows = read_resources(
        HEADER
        + "All staff skill 0,2,Data basics,https://example.org/data,GDS,e-learning,90,,yes\r\n"
        + "all-staff-skill-1,Practitioner,Threats,https://example.org/t,,Course,1.5 hours,"
        + "£120,no\r\n",
        framework=framework,
    )
    assert [(row.skill_slug, row.level, row.minutes, row.cost, row.mandatory) for row in rows] == [
        ("all-staff-skill-0", 2, 90, Decimal("0"), True),
        ("all-staff-skill-1", 3, 90, Decimal("120"), False),
    ]
    assert rows[1].format == "course"


def test_every_problem_is_reported_with_its_line_and_nothing_is_imported(framework, head):
    text = (
        HEADER
        + "No such skill,2,A,https://example.org/a,,,,,\n"
        + "All staff skill 0,9,B,https://example.org/b,,,,,\n"
        + "All staff skill 0,2,,javascript:alert(1),,,,,\n"
        + "All staff skill 0,2,D,https://example.org/d,,podcast,a while,lots,maybe\n"
        + "All staff skill 0,2,E,https://example.org/e,,,,,\n"
        + "All staff skill 0,2,Again,https://example.org/e,,,,,\n"
        + "too,few\n"
    )
    assert problems(text, framework) == [
        'Line 2: there is no skill called "No such skill" in the framework in use',
        'Line 3: "9" is not a level of the framework in use',
        'Line 4: the "title" cell is empty',
        'Line 4: the "link" must be a web address starting with https:// or http://',
        'Line 5: the "format" must be one of: Course, E-learning, Article or guide, Video, '
        "Book, Event or webinar, Mentoring or coaching, Practice at work",
        'Line 5: the "time needed" must be minutes or hours, like "90" or "1.5 hours"',
        'Line 5: the "cost" must be an amount in pounds, like "120" or "£45.50", or "free"',
        'Line 5: the "mandatory" cell must be "yes" or "no" (or empty for no)',
        "Line 7: the same link for the same skill and level is also on line 6",
        "Line 8: the row has 2 values but the header row has 9",
    ]
    with pytest.raises(ResourcesFileInvalid):
        services.resources_import_csv(text=text, framework=framework, by=head)
    assert not LearningResource.objects.exists()


def test_a_file_without_the_required_columns_or_rows_is_refused(framework):
    assert problems("title,link\nA,https://example.org\n", framework) == [
        'Line 1: the header row must name the columns "skill", "level"'
    ]
    assert problems(HEADER, framework) == ["Line 2: the file has no resources under its header row"]
    assert problems("", framework) == ["Line 1: the file is empty"]


def test_importing_again_updates_the_resource_with_the_same_skill_level_and_link(framework, head):
    first = HEADER + "All staff skill 0,2,Data basics,https://example.org/data,,,60,,\n"
    services.resources_import_csv(text=first, framework=framework, by=head)
    again = (
        HEADER
        + "All staff skill 0,2,Data basics (2027),https://example.org/data,,,45,,yes\n"
        + "All staff skill 0,3,Data leadership,https://example.org/lead,,,,£300,\n"
    )
    imported = services.resources_import_csv(text=again, framework=framework, by=head)
    assert (imported.added, imported.updated) == (1, 1)
    assert list(
        LearningResource.objects.order_by("level").values_list(
            "title", "minutes", "mandatory", "cost"
        )
    ) == [("Data basics (2027)", 45, True, Decimal("0")), ("Data leadership", None, False, 300)]


def test_the_import_page_lists_the_problems_and_imports_a_good_file(client_for, head, framework):
    client = client_for(head)
    bad = client.post(
        "/development/resources/import/",
        {"file": upload(HEADER + "All staff skill 0,2,,https://example.org,,,,,\n")},
    )
    page = bad.content.decode()
    assert "The file has 1 problem and nothing was imported" in page
    assert "The &quot;title&quot; cell is empty" in page
    assert '<td class="govuk-table__cell">2</td>' in page  # its line
    assert not LearningResource.objects.exists()

    good = client.post(
        "/development/resources/import/",
        {"file": upload(HEADER + "All staff skill 0,2,Basics,https://example.org,,,,,\n")},
    )
    assert good.status_code == 302
    assert LearningResource.objects.get().title == "Basics"


def test_only_heads_of_digital_curate_resources(client_for, alice, manager, head, framework):
    resource = LearningResource.objects.create(
        skill_slug=DATA_SKILL, level=2, title="Basics", url="https://example.org"
    )
    for person in (alice, manager):
        client = client_for(person)
        assert client.get("/development/resources/add/").status_code == 403
        assert client.get("/development/resources/import/").status_code == 403
        assert client.get(f"/development/resources/{resource.pk}/").status_code == 404
        assert client.post(f"/development/resources/{resource.pk}/remove/").status_code == 404
    assert LearningResource.objects.filter(pk=resource.pk).exists()
    assert client_for(alice).get("/development/resources/").status_code == 200


def test_a_head_adds_a_resource_with_a_form_that_says_what_is_wrong(client_for, head, framework):
    client = client_for(head)
    refused = client.post(
        "/development/resources/add/",
        {
            "skill": DATA_SKILL,
            "level": "2",
            "title": "",
            "url": "ftp://x",
            "format": "course",
            "time_needed": "soon",
            "cost": "lots",
        },
    ).content.decode()
    for message in (
        "Enter the title of the resource",
        "Enter a web address, like https://www.example.org/course",
        "Enter the time needed in minutes or hours",
        "Enter the cost in pounds",
    ):
        assert message in refused
    added = client.post(
        "/development/resources/add/",
        {
            "skill": DATA_SKILL,
            "level": "2",
            "title": "Basics",
            "url": "https://example.org/b",
            "format": "guide",
            "time_needed": "2 hours",
            "cost": "£12.50",
            "mandatory": "on",
        },
    )
    assert added.status_code == 302
    resource = LearningResource.objects.get()
    assert (resource.minutes, resource.cost, resource.mandatory) == (120, Decimal("12.5"), True)
    assert "2 hours" in client.get("/development/resources/").content.decode()


def test_results_show_the_learning_for_the_next_level_of_each_gap(
    client_for, alice, open_cycle, framework
):
    LearningResource.objects.create(
        skill_slug=DATA_SKILL, level=2, title="Data at Working level", url="https://example.org/2"
    )
    LearningResource.objects.create(
        skill_slug=DATA_SKILL, level=4, title="Data for experts", url="https://example.org/4"
    )
    submitted(open_cycle, alice, number=1)  # level 1 against a target of 2: aiming at 2
    page = client_for(alice).get("/assessments/results/").content.decode()
    assert "Data at Working level" in page
    assert "Data for experts" not in page


def test_the_skill_page_shows_the_learning_for_the_next_level(client_for, alice, framework):
    LearningResource.objects.create(
        skill_slug=DATA_SKILL, level=3, title="Data at Practitioner", url="https://example.org/3"
    )
    data = skill(framework, DATA_SKILL)
    page = client_for(alice).get(f"/framework/skills/{data.pk}/?level=2").content.decode()
    assert "Data at Practitioner" in page
    assert f"/development/resources/?skill={DATA_SKILL}" in page
