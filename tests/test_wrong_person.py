"""The wrong person is refused on every page that takes an id.

Signed in as other@example.org (a member of staff in another directorate who manages nobody),
every URL pattern with an id is requested with the id of something that is not theirs: it must
answer 403 or 404, never the page, except the few pages every member of staff may read.
"""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from assessments.models import Assessment, Cycle
from capability.models import Framework
from development.models import DevelopmentPlan, LearningResource, MandatoryLearning
from okrs.models import KeyResult, Objective
from outbox.models import Email
from people.models import PeopleImport, StaffProfile, User
from reports.models import Report
from roadmap.models import Initiative, Milestone

# Everyone signed in may read these; they must still refuse changes.
EVERYONE_MAY_READ = {
    "capability:skill",
    "capability:role_level",
    "okrs:objective",
    "roadmap:initiative",
}


def named_routes_with_ids(resolver: URLResolver | None = None, namespace: str = ""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue  # the Django admin checks is_staff and model permissions itself
            yield from named_routes_with_ids(pattern, pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern) and pattern.name and "<" in str(pattern.pattern):
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name, pattern


def someone_elses_ids() -> dict[str, object]:
    staff = StaffProfile.objects.get(user__email="staff@example.org")
    framework = Framework.objects.published().get()
    cycle = Cycle.objects.open().get()
    objective = Objective.objects.order_by("pk").first()
    initiative = Initiative.objects.order_by("pk").first()
    # The demo builds the organisation report of its closed cycle.
    report = Report.objects.get(cycle__name="2026 Q3", directorate=None)
    plan = DevelopmentPlan.objects.get(assessment__person=staff)
    focus = plan.focus.order_by("pk").first()
    return {
        "skill_id": framework.skills.order_by("pk").first().pk,
        "framework_id": framework.pk,
        "role_id": framework.roles.order_by("pk").first().pk,
        "assessment_id": Assessment.objects.get(person=staff, cycle=cycle).pk,
        "area_slug": framework.areas.order_by("order").first().slug,
        "cycle_id": cycle.pk,
        "team_id": staff.team_id,
        "manager_id": staff.line_manager_id,
        "report_id": report.pk,
        "okrs:pk": objective.pk,
        "okrs:key-results": KeyResult.objects.order_by("pk").first().pk,
        "roadmap:pk": initiative.pk,
        "roadmap:milestones": Milestone.objects.order_by("pk").first().pk,
        "import_id": PeopleImport.objects.create(
            mode="add", file_name="hr.csv", file_sha256="0" * 64, text="name\n"
        ).pk,
        "email_id": Email.objects.create(
            key="invitation:0:0", kind="invitation", to="staff@example.org", subject="S", body=""
        ).pk,
        "person_id": staff.pk,
        "plan_id": plan.pk,
        "focus_id": focus.pk,
        "action_id": focus.actions.order_by("pk").first().pk,
        # Not mandatory for anyone, so not other@'s to mark done either.
        "resource_id": LearningResource.objects.filter(mandatory=False).order_by("pk").first().pk,
        "assignment_id": MandatoryLearning.objects.order_by("pk").first().pk,
        "model": "capability.framework",
        "object_id": framework.pk,
        "uidb64": "MQ",
        "token": "not-a-token",
    }


def arguments(name: str, pattern: URLPattern, ids: dict[str, object]) -> dict[str, object]:
    kwargs = {}
    for parameter in pattern.pattern.converters:
        if parameter == "pk":
            route = str(pattern.pattern)
            key = name.split(":")[0] + ":" + route.split("/")[0]
            kwargs["pk"] = ids.get(key, ids.get(name.split(":")[0] + ":pk"))
        else:
            kwargs[parameter] = ids[parameter]
    return kwargs


@pytest.mark.django_db
def test_every_page_with_an_id_refuses_someone_it_does_not_belong_to(client):
    call_command("seed_demo", "--allow-without-debug", verbosity=0)
    ids = someone_elses_ids()
    client.force_login(User.objects.get(email="other@example.org"))
    checked = []
    for name, pattern in named_routes_with_ids():
        if name == "password_reset_confirm":
            continue  # public by design: the token is the permission
        url = reverse(name, kwargs=arguments(name, pattern, ids))
        got = client.get(url).status_code
        posted = client.post(url).status_code
        if name in EVERYONE_MAY_READ:
            assert got == 200, f"{name} {url}: {got}"
            assert posted == 405, f"{name} {url} answered {posted} to POST"
        else:
            # 405 for the method a page does not take; the other method must be refused.
            assert got in (403, 404, 405), f"{name} {url} answered {got} to GET"
            assert posted in (403, 404, 405), f"{name} {url} answered {posted} to POST"
            assert {got, posted} & {403, 404}, f"{name} {url}: {got}/{posted}"
        checked.append(name)
    assert len(checked) >= 30
