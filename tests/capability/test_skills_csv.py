import pytest

from capability.models import Framework, LevelDescriptor, Skill
from capability.services import (
    FrameworkNotEditable,
    SkillsImportFailed,
    framework_import_skills_csv,
)
from capability.validation import MAX_DESCRIPTOR_LENGTH
from tests.factories import framework_with_skills

pytestmark = pytest.mark.django_db

HEADER = "Skill name,Description,Awareness,Working,Practitioner,Expert\n"
GOOD = HEADER + (
    "Cloud costs,Knowing what cloud costs,You can name,You can check,You can cut,You can lead\n"
    'Open standards,"Using open standards, well",You can list,You can use,You can choose,\n'
)


@pytest.fixture
def draft() -> Framework:
    return framework_with_skills(status=Framework.Status.DRAFT)


def import_csv(framework: Framework, text: str) -> list[Skill]:
    return framework_import_skills_csv(
        framework=framework,
        text=text,
        area=framework.areas.get(slug="data"),
        tier=framework.tiers.get(slug="service-managers"),
    )


def errors_for(framework: Framework, text: str) -> list[str]:
    before = (Skill.objects.count(), LevelDescriptor.objects.count())
    with pytest.raises(SkillsImportFailed) as failure:
        import_csv(framework, text)
    assert (Skill.objects.count(), LevelDescriptor.objects.count()) == before
    return [str(error) for error in failure.value.errors]


def test_a_good_file_adds_skills_with_their_descriptors(draft):
    skills = import_csv(draft, GOOD)
    assert [skill.name for skill in skills] == ["Cloud costs", "Open standards"]
    cloud = draft.skills.get(slug="cloud-costs")
    assert cloud.area.slug == "data"
    assert cloud.tier.slug == "service-managers"
    assert cloud.description == "Knowing what cloud costs"
    assert cloud.descriptors.get(level__number=3).text == "You can cut"
    standards = draft.skills.get(slug="open-standards")
    assert standards.description == "Using open standards, well"
    # An empty descriptor column is a descriptor not written yet, not an empty one.
    assert sorted(standards.descriptors.values_list("level__number", flat=True)) == [1, 2, 3]


def test_a_missing_column_is_reported_on_line_one(draft):
    text = "Skill name,Awareness,Working,Expert\nA,b,c,d\n"
    assert errors_for(draft, text) == [
        'Line 1: the header row is missing the column(s) "description", "Practitioner"'
    ]


def test_an_empty_file_is_refused(draft):
    assert errors_for(draft, "") == ["Line 1: the file is empty"]


def test_a_file_with_only_a_header_is_refused(draft):
    assert errors_for(draft, HEADER) == ["Line 2: the file has no skills in it"]


def test_an_empty_skill_name_is_reported_with_its_line(draft):
    text = GOOD + ",No name,a,b,c,d\n"
    assert errors_for(draft, text) == ["Line 4: enter a skill name"]


def test_a_skill_repeated_in_the_file_is_reported(draft):
    text = GOOD + "cloud costs,Again,a,b,c,d\n"
    assert errors_for(draft, text) == [
        'Line 4: the skill "cloud costs" is already on line 2 of this file'
    ]


def test_a_skill_already_in_the_framework_is_reported(draft):
    text = HEADER + "All staff skill 0,Dup,a,b,c,d\n"
    assert errors_for(draft, text) == [
        'Line 2: the skill "All staff skill 0" is already in this framework'
    ]


def test_a_descriptor_that_is_too_long_is_reported(draft):
    long_text = "x" * (MAX_DESCRIPTOR_LENGTH + 1)
    text = HEADER + f"Long one,Desc,a,{long_text},c,d\n"
    assert errors_for(draft, text) == [
        f'Line 2: the "Working" descriptor must be {MAX_DESCRIPTOR_LENGTH} characters or fewer '
        f"(it has {MAX_DESCRIPTOR_LENGTH + 1})"
    ]


def test_a_name_that_is_too_long_is_reported(draft):
    text = HEADER + f"{'n' * 201},Desc,a,b,c,d\n"
    assert errors_for(draft, text) == ["Line 2: the skill name must be 200 characters or fewer"]


def test_a_name_without_letters_or_numbers_is_reported(draft):
    text = HEADER + "!!!,Desc,a,b,c,d\n"
    assert errors_for(draft, text) == [
        'Line 2: the skill name "!!!" must contain letters or numbers'
    ]


def test_a_row_with_the_wrong_number_of_values_is_reported(draft):
    text = HEADER + "Short row,Desc,a\n"
    assert errors_for(draft, text) == ["Line 2: the row has 3 values but the header row has 6"]


def test_every_bad_row_is_reported_and_nothing_is_written(draft):
    text = (
        HEADER
        + "Good skill,Fine,a,b,c,d\n"
        + ",No name,a,b,c,d\n"
        + '"Multi\nline",desc,a,b,c,d\n'
        + "Good skill,Again,a,b,c,d\n"
    )
    assert errors_for(draft, text) == [
        "Line 3: enter a skill name",
        'Line 6: the skill "Good skill" is already on line 2 of this file',
    ]
    assert not draft.skills.filter(name="Good skill").exists()


def test_skills_cannot_be_imported_into_a_published_version():
    published = framework_with_skills()
    with pytest.raises(FrameworkNotEditable):
        import_csv(published, GOOD)
    assert not published.skills.filter(slug="cloud-costs").exists()
