"""The HR file's role column matches role profiles by code, name or slug, and the preview says
which rows matched which role."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from capability.models import RoleProfile
from people.hr_file import plan_import
from people.models import StaffProfile
from tests.factories import StaffProfileFactory, TeamFactory, framework_with_skills, head_of_digital

HEADER = "name,email,directorate,team,job title,line manager email,role\n"
ROWS = (
    "Nia New,nia@example.org,Communities,Customer Services,Adviser,,SDE3\n"
    "Omar New,omar@example.org,Communities,Customer Services,Adviser,,Senior data engineer\n"
    "Pia New,pia@example.org,Communities,Customer Services,Adviser,,senior-data-engineer\n"
)


@pytest.fixture
def head(db):
    framework = framework_with_skills()
    RoleProfile.objects.create(
        framework=framework,
        tier=framework.tiers.get(number=1),
        slug="senior-data-engineer",
        name="Senior data engineer",
        code="SDE3",
    )
    team = TeamFactory(name="Customer Services", directorate__name="Communities")
    head = head_of_digital(email="head@example.org", full_name="Harriet Head")
    StaffProfileFactory(user=head, team=team)
    return head


def test_the_role_column_matches_by_code_name_or_slug(head):
    plan = plan_import(text=HEADER + ROWS, mode="add", importer=head)
    matches = {(m.value, m.role, m.matched_by, m.lines) for m in plan.role_matches}
    assert matches == {
        ("SDE3", "Senior data engineer", "code", (2,)),
        ("Senior data engineer", "Senior data engineer", "name", (3,)),
        ("senior-data-engineer", "Senior data engineer", "slug", (4,)),
    }


def test_the_preview_page_lists_the_roles_matched(head, client_for):
    file = SimpleUploadedFile("hr.csv", (HEADER + ROWS).encode(), content_type="text/csv")
    page = (
        client_for(head)
        .post("/people/import/", {"file": file, "mode": "add"}, follow=True)
        .content.decode()
    )
    assert "Roles matched" in page
    assert '<td class="govuk-table__cell">SDE3</td>' in page
    assert '<td class="govuk-table__cell">code</td>' in page
    assert "1 row: 2" in page


def test_a_role_matched_by_code_is_the_persons_role_after_the_import(head, client_for):
    client = client_for(head)
    file = SimpleUploadedFile("hr.csv", (HEADER + ROWS).encode(), content_type="text/csv")
    preview = client.post("/people/import/", {"file": file, "mode": "add"}, follow=True)
    record = preview.context["record"]
    client.post(f"/people/import/{record.pk}/", {"plan": preview.context["plan"].digest()})
    assert StaffProfile.objects.get(user__email="nia@example.org").role_profile.code == "SDE3"
