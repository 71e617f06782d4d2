"""The official DDaT download pair into a new draft (fixtures of our own in the official shape)."""

from __future__ import annotations

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from capability.ddat import DdatFilesInvalid, seniority_rank
from capability.models import Framework, RoleProfile, RoleTarget, Skill
from capability.services import (
    framework_export_json,
    framework_install,
    framework_publish,
    starter_framework_data,
)
from tests.factories import DDAT_FILES, ddat_files, ddat_import

pytestmark = pytest.mark.django_db

HERE = DDAT_FILES
ROLES, SKILLS = ddat_files()


@pytest.fixture
def starter() -> Framework:
    framework, _ = framework_install(data=starter_framework_data())
    return framework


def problems_of(roles: str = ROLES, skills: str = SKILLS) -> list[str]:
    with pytest.raises(DdatFilesInvalid) as raised:
        ddat_import(roles, skills, version="bad")
    return [str(problem) for problem in raised.value.problems]


def test_the_command_prints_one_line_of_counts(starter, tmp_path):
    out = io.StringIO()
    call_command(
        "import_ddat", "--roles", HERE / "roles.csv", "--skills", HERE / "skills.csv", stdout=out
    )
    # 3 role families' areas hold the skills (one skill stays in its starter area), 7 role
    # levels of 3 roles; the exact duplicate row counts once.
    assert out.getvalue().strip() == "areas=3 skills=6 roles=3 role_levels=7 requirements=13"
    draft = Framework.objects.get(status=Framework.Status.DRAFT)
    assert draft.roles.exclude(family="").count() == 7


def test_role_levels_become_role_profiles_in_order_of_seniority(starter):
    draft = ddat_import(version="autumn").framework
    engineers = draft.roles.filter(group="Data engineer").order_by("seniority")
    assert [role.name for role in engineers] == [
        "Data engineer",
        "Senior data engineer",
        "Lead data engineer",
    ]
    managers = draft.roles.filter(group="Delivery manager").order_by("seniority")
    assert [role.name for role in managers][0] == "Associate delivery manager"
    senior = draft.roles.get(name="Senior data engineer")
    assert senior.family == "Data"
    assert senior.description == "You design pipelines and guide others."
    targets = senior.targets.select_related("skill", "level")
    assert {target.skill.name: target.level.name for target in targets} == {
        "Data pipelines": "Practitioner",
        "Data quality": "Practitioner",
        "Data ethics": "Working",
    }


@pytest.mark.parametrize(
    ("lower", "higher"),
    [
        ("Junior developer", "Developer"),
        ("Trainee developer", "Developer"),
        ("Associate developer", "Developer"),
        ("Developer", "Senior developer"),
        ("Senior developer", "Lead developer"),
        ("Lead developer", "Principal developer"),
        ("Lead developer", "Head of development"),
    ],
)
def test_seniority_is_worked_out_from_the_names(lower, higher):
    assert seniority_rank(lower) < seniority_rank(higher)


def test_a_skill_goes_to_the_role_family_that_uses_it_most(starter):
    draft = ddat_import(version="autumn").framework
    # Stakeholder relationships: one Data role level, two Product and delivery role levels.
    skill = draft.skills.select_related("area").get(name="Stakeholder relationships")
    assert skill.area.name == "Product and delivery"
    assert skill.role_only
    assert draft.skills.get(name="Data pipelines").area.name == "Data"


def test_a_skill_the_starter_has_keeps_its_area_and_tier_and_takes_the_official_text(starter):
    draft = ddat_import(version="autumn").framework
    ethics = draft.skills.select_related("area", "tier").get(slug="data-ethics")
    before = starter.skills.select_related("area", "tier").get(slug="data-ethics")
    assert (ethics.area.slug, ethics.tier.slug) == (before.area.slug, before.tier.slug)
    assert not ethics.role_only
    assert ethics.description == "Using data fairly and lawfully."


def test_multi_line_text_is_kept_as_lines_and_shown_as_a_list(starter, client_for, head):
    draft = ddat_import(version="autumn").framework
    skill = draft.skills.get(name="Data pipelines")
    text = skill.descriptors.get(level__name="Working").text
    assert text == "You can:\n- build a simple pipeline with help\n- fix a failed run"
    page = client_for(head).get(reverse("capability:skill", args=[skill.pk])).content.decode()
    bullets = '<ul class="govuk-list govuk-list--bullet"><li>build a simple pipeline with help</li>'
    assert bullets in page
    assert "- fix a failed run" not in page


def test_senior_civil_service_roles_keep_leadership_examples_and_no_levels(starter):
    draft = ddat_import(version="autumn").framework
    officer = draft.roles.get(name="Chief data officer")
    assert officer.role_type == "Senior Civil Service"
    assert officer.tier.slug == "senior-leaders"
    leadership = officer.targets.get(skill__name="Strategic data leadership")
    assert leadership.level is None
    assert leadership.note.startswith("Examples of leadership:\n- sets the direction for data")


def test_the_expected_page_says_plainly_that_no_level_exists(starter, client_for, alice):
    draft = ddat_import(version="autumn").framework
    framework_publish(framework=draft)
    alice.role_profile = draft.roles.get(name="Chief data officer")
    alice.save()
    page = client_for(alice).get(reverse("capability:expected")).content.decode()
    assert "The framework sets no level for this skill in your role" in page
    assert "<li>sets the direction for data</li>" in page


def test_the_draft_exports_and_loads_back_the_same(starter):
    draft = ddat_import(version="autumn").framework
    data = framework_export_json(framework=draft)
    officer = next(role for role in data["roles"] if role["name"] == "Chief data officer")
    assert officer["targets"]["strategic-data-leadership"] is None
    assert "sets the direction" in officer["notes"]["strategic-data-leadership"]
    from capability.services import framework_load_json

    again = framework_load_json(data={**data, "version": "copy"})
    assert framework_export_json(framework=again) == {**data, "version": "copy"}


def test_export_framework_prints_the_in_app_export(starter, capsys):
    draft = ddat_import(version="autumn").framework
    call_command("export_framework", "--version", "autumn")
    printed = json.loads(capsys.readouterr().out)
    assert printed == framework_export_json(framework=draft)
    engineer = next(role for role in printed["roles"] if role["name"] == "Senior data engineer")
    assert engineer["targets"] == {"data-pipelines": 3, "data-quality": 3, "data-ethics": 2}


def test_export_framework_without_a_version_prints_the_published_one(starter, capsys):
    call_command("export_framework")
    assert json.loads(capsys.readouterr().out)["version"] == starter.version


def test_export_framework_names_an_unknown_version():
    with pytest.raises(CommandError, match='No framework version is called "nope"'):
        call_command("export_framework", "--version", "nope")


# Bad input -----------------------------------------------------------------------------------


def test_files_given_in_each_others_place_are_named(starter):
    problems = problems_of(roles=SKILLS, skills=ROLES)
    assert "roles.csv, line 1: this looks like the skills file" in problems[1]
    assert "skills.csv, line 1: this looks like the roles file" in problems[0]
    assert Framework.objects.count() == 1


def test_a_missing_column_is_named(starter):
    renamed = ROLES.replace("Skill Level,", "Level,", 1)
    assert problems_of(roles=renamed) == [
        'roles.csv, line 1: the header row is missing the column(s) "skill level"'
    ]


def test_a_level_word_outside_the_four_is_refused_with_its_line(starter):
    bad = ROLES.replace(",Working,", ",Advanced,", 1)
    assert bad != ROLES
    problems = problems_of(roles=bad)
    assert problems == [
        'roles.csv, line 2: the skill level "Advanced" is not one of Awareness, Working, '
        "Practitioner or Expert"
    ]


def test_a_skill_missing_from_the_skills_file_is_refused(starter):
    bad = ROLES.replace(",Data quality,", ",Data wrangling,", 1)
    problems = problems_of(roles=bad)
    assert problems == ['roles.csv, line 5: the skill "Data wrangling" is not in skills.csv']
    assert not Skill.objects.filter(name="Data pipelines").exists()


def test_every_problem_in_both_files_is_reported_and_nothing_is_written(starter):
    skills = SKILLS.replace("Data pipelines,", ",", 1)
    roles = ROLES.replace(",Working,", ",Advanced,", 1)
    problems = problems_of(roles=roles, skills=skills)
    assert any(problem.startswith("skills.csv, line 2:") for problem in problems)
    assert any(problem.startswith("roles.csv, line 2:") for problem in problems)
    assert Framework.objects.count() == 1
    assert RoleProfile.objects.count() == starter.roles.count()


def test_a_file_over_20mb_is_refused_by_the_command(starter, tmp_path):
    big = tmp_path / "roles.csv"
    big.write_text(ROLES + "x" * (20 * 1024 * 1024), encoding="utf-8")
    with pytest.raises(CommandError, match="roles.csv: the file must be smaller than 20MB"):
        call_command("import_ddat", "--roles", big, "--skills", HERE / "skills.csv")
    assert Framework.objects.count() == 1


def test_the_command_lists_problems_with_file_and_line(starter):
    # The roles file given as --skills, and the skills file as --roles.
    with pytest.raises(CommandError) as raised:
        call_command("import_ddat", "--roles", HERE / "skills.csv", "--skills", HERE / "roles.csv")
    assert "roles.csv, line 1: this looks like the roles file" in str(raised.value)
    assert "skills.csv, line 1: this looks like the skills file" in str(raised.value)


# The upload page -----------------------------------------------------------------------------


def upload(client, roles: str = ROLES, skills: str = SKILLS, **fields: object):
    return client.post(
        reverse("capability:import_ddat"),
        {
            "roles_file": SimpleUploadedFile("roles.csv", roles.encode()),
            "skills_file": SimpleUploadedFile("skills.csv", skills.encode()),
            **fields,
        },
    )


def test_a_head_imports_the_pair_into_a_new_draft_on_the_upload_page(starter, client_for, head):
    response = upload(client_for(head), version="2026 autumn")
    draft = Framework.objects.get(version="2026 autumn")
    assert response.status_code == 302
    assert response["Location"] == reverse("capability:version", args=[draft.pk])
    assert draft.status == Framework.Status.DRAFT
    assert draft.roles.filter(family="Data").count() == 4


def test_the_upload_page_lists_problems_with_file_and_line(starter, client_for, head):
    bad = ROLES.replace(",Working,", ",Advanced,", 1)
    response = upload(client_for(head), roles=bad)
    page = response.content.decode()
    assert response.status_code == 200
    assert "The file has 1 problem and nothing was imported" in page
    assert '<td class="govuk-table__cell">roles.csv</td>' in page
    assert "Problems in the files: 1 problem found. Nothing was imported." in page
    assert "Advanced" in page
    assert Framework.objects.count() == 1


def test_the_upload_page_refuses_a_file_that_is_not_csv(starter, client_for, head):
    response = client_for(head).post(
        reverse("capability:import_ddat"),
        {
            "roles_file": SimpleUploadedFile("roles.xlsx", b"PK\x03\x04"),
            "skills_file": SimpleUploadedFile("skills.csv", SKILLS.encode()),
        },
    )
    assert "The selected file must be a CSV file" in response.content.decode()
    assert Framework.objects.count() == 1


def test_staff_cannot_use_the_upload_page(starter, client_for, alice):
    assert upload(client_for(alice)).status_code == 403
    assert Framework.objects.count() == 1


# The quarterly refresh -----------------------------------------------------------------------


def test_a_refresh_from_published_keeps_moves_and_reports_changes(starter, client_for, head):
    first = ddat_import(version="summer").framework
    moved = first.skills.get(name="Data quality")
    moved.area = first.areas.get(slug="product-and-delivery")
    moved.save()
    framework_publish(framework=first)
    newer_skills = SKILLS.replace("You can check data against simple rules.", "You can test data.")
    newer_roles = "\n".join(
        line for line in ROLES.split("\n") if "Associate delivery manager" not in line
    )
    refresh = ddat_import(newer_roles, newer_skills, version="autumn", from_published=True)
    draft = refresh.framework
    assert draft.based_on == first
    assert draft.skills.get(name="Data quality").area.slug == "product-and-delivery"
    page = client_for(head).get(reverse("capability:compare", args=[draft.pk])).content.decode()
    assert "Associate delivery manager" in page
    assert "Data quality" in page


def test_a_refresh_needs_a_published_version():
    from capability.services import FrameworkDataInvalid

    with pytest.raises(FrameworkDataInvalid):
        ddat_import(version="x", from_published=True)
    assert not RoleTarget.objects.exists()


# Browsing like the official site ---------------------------------------------------------------


def test_role_families_list_roles_and_their_levels_in_seniority_order(starter, client_for, alice):
    framework_publish(framework=ddat_import(version="autumn").framework)
    page = client_for(alice).get(reverse("capability:role_families")).content.decode()
    assert page.index("Product and delivery") > page.index('<h2 class="govuk-heading-m">Data')
    data = page.split("Product and delivery")[0]
    assert data.index("Data engineer</a>") < data.index("Senior data engineer</a>")
    assert data.index("Senior data engineer</a>") < data.index("Lead data engineer</a>")
    assert "Chief data officer</a> (Senior Civil Service)" in data


def test_a_role_level_page_shows_the_skills_it_needs_at_their_levels(starter, client_for, alice):
    draft = framework_publish(framework=ddat_import(version="autumn").framework)
    role = draft.roles.get(name="Senior data engineer")
    page = client_for(alice).get(reverse("capability:role_level", args=[role.pk])).content.decode()
    assert "Data pipelines</a></td>" in page
    assert "3 Practitioner" in page
    assert "Levels of this role, from the most junior" in page


def test_a_draft_role_level_is_hidden_from_staff(starter, client_for, alice, head):
    draft = ddat_import(version="autumn").framework
    role = draft.roles.get(name="Senior data engineer")
    url = reverse("capability:role_level", args=[role.pk])
    assert client_for(alice).get(url).status_code == 404
    assert client_for(head).get(url).status_code == 200
    assert client_for(alice).get(reverse("capability:role_level", args=[99999])).status_code == 404


# Renames ---------------------------------------------------------------------------------------


def renamed_pair() -> tuple[str, str]:
    return ROLES.replace("Data quality", "Data assurance"), SKILLS.replace(
        "Data quality", "Data assurance"
    )


def test_a_rename_shows_as_removed_and_added_until_the_head_links_them(starter, client_for, head):
    framework_publish(framework=ddat_import(version="summer").framework)
    draft = ddat_import(*renamed_pair(), version="autumn", from_published=True).framework
    client = client_for(head)
    compare = reverse("capability:compare", args=[draft.pk])
    page = client.get(compare).content.decode()
    assert "Skills added (1)" in page and "Skills removed (1)" in page
    renamed = draft.skills.get(name="Data assurance")
    earlier = Framework.objects.published().get().skills.get(name="Data quality")
    response = client.post(
        reverse("capability:skill_link", args=[draft.pk, renamed.pk]), {"earlier": earlier.pk}
    )
    assert response.status_code == 302
    renamed.refresh_from_db()
    assert renamed.slug == earlier.slug  # results and figures match skills by slug
    page = client.get(compare).content.decode()
    assert "Skills added (0)" in page and "Skills removed (0)" in page


def test_a_linked_skill_keeps_its_earlier_slug_at_the_next_refresh(starter):
    framework_publish(framework=ddat_import(version="summer").framework)
    draft = ddat_import(*renamed_pair(), version="autumn", from_published=True).framework
    from capability.services import skill_link_to_earlier

    earlier = Framework.objects.published().get().skills.get(name="Data quality")
    skill_link_to_earlier(skill=draft.skills.get(name="Data assurance"), earlier=earlier)
    framework_publish(framework=draft)
    again = ddat_import(*renamed_pair(), version="winter", from_published=True).framework
    skill = again.skills.get(name="Data assurance")
    assert skill.slug == "data-quality"
    assert again.roles.get(name="Data engineer").targets.filter(skill=skill).exists()


def test_linking_is_refused_for_a_removed_skill_the_draft_still_has(starter, client_for, head):
    framework_publish(framework=ddat_import(version="summer").framework)
    draft = ddat_import(*renamed_pair(), version="autumn", from_published=True).framework
    kept = Framework.objects.published().get().skills.get(name="Data pipelines")
    response = client_for(head).post(
        reverse(
            "capability:skill_link", args=[draft.pk, draft.skills.get(name="Data assurance").pk]
        ),
        {"earlier": kept.pk},
    )
    assert "Choose one of the removed skills" in response.content.decode()
    assert draft.skills.get(name="Data assurance").slug == "data-assurance"


def test_a_head_makes_a_role_level_require_another_skill(starter, client_for, head):
    draft = ddat_import(version="autumn").framework
    role = draft.roles.get(name="Data engineer")
    agile = draft.skills.get(name="Agile delivery")
    url = reverse("capability:role_targets", args=[draft.pk, role.pk])
    page = client_for(head).get(url).content.decode()
    assert "Agile delivery" in page and "Not required" in page
    current = {f"skill_{t.skill_id}": str(t.level_id) for t in role.targets.all()}
    level = draft.levels.get(number=3)
    client_for(head).post(url, {**current, f"skill_{agile.pk}": str(level.pk)})
    assert role.targets.get(skill=agile).level == level


def test_saving_role_targets_keeps_a_requirement_with_no_level(starter, client_for, head):
    draft = ddat_import(version="autumn").framework
    role = draft.roles.get(name="Chief data officer")
    url = reverse("capability:role_targets", args=[draft.pk, role.pk])
    posted = {f"skill_{t.skill_id}": "required" for t in role.targets.all()}
    assert client_for(head).post(url, posted).status_code == 302
    leadership = role.targets.get(skill__name="Strategic data leadership")
    assert leadership.level is None and leadership.note.startswith("Examples of leadership")


def test_a_role_level_named_like_a_starter_role_gets_a_slug_of_its_own(starter):
    roles = ROLES.replace("Associate delivery manager", "Team leader")
    draft = ddat_import(roles, version="autumn").framework
    leaders = draft.roles.filter(name="Team leader").order_by("slug")
    assert [(role.slug, role.family) for role in leaders] == [
        ("team-leader", ""),
        ("team-leader-2", "Product and delivery"),
    ]
    # A refresh gives it the same slug again, so a person's role carries over.
    framework_publish(framework=draft)
    again = ddat_import(roles, version="winter", from_published=True).framework
    assert (
        again.roles.get(name="Team leader", family="Product and delivery").slug == "team-leader-2"
    )
