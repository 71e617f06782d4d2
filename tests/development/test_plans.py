"""Personal development plans: Alice writes hers from her gaps and sends it; Mary, her line
manager, agrees it or asks for changes. Only Alice edits it, only Mary agrees it; heads of
digital agree plans of people with no line manager.

Alice assesses herself at 1 in both skills against a target of 2: two gaps.
"""

from __future__ import annotations

import datetime

import pytest
from django.core import mail

from assessments.models import Assessment, Cycle
from development import services
from development.models import DevelopmentPlan, LearningResource
from people.models import StaffProfile
from tests.assessments.journey import DATA_SKILL, SECURITY_SKILL, committed, skill, submitted

pytestmark = pytest.mark.usefixtures("officers")

DUE = datetime.date(2027, 3, 31)


@pytest.fixture
def assessment(open_cycle, alice) -> Assessment:
    return submitted(open_cycle, alice, number=1)


@pytest.fixture
def plan(assessment, alice) -> DevelopmentPlan:
    return services.plan_start(assessment=assessment, user=alice.user)


def ready(plan: DevelopmentPlan, alice, *slugs: str) -> DevelopmentPlan:
    framework = plan.assessment.cycle.framework
    skills = [skill(framework, slug) for slug in slugs or (DATA_SKILL,)]
    services.plan_set_focus(plan=plan, user=alice.user, skill_ids=[s.pk for s in skills])
    for focus in plan.focus.all():
        services.plan_add_action(
            plan=plan,
            user=alice.user,
            focus=focus,
            details=services.ActionDetails(task="Shadow the data team", due_on=DUE),
        )
    return plan


def sent(plan: DevelopmentPlan, alice) -> DevelopmentPlan:
    ready(plan, alice)
    with committed():
        services.plan_submit(plan=plan, user=alice.user)
    plan.refresh_from_db()
    return plan


def test_a_plan_focuses_on_up_to_three_of_the_persons_gaps(plan, alice, framework):
    ready(plan, alice, DATA_SKILL, SECURITY_SKILL)
    assert sorted(plan.focus.values_list("skill__slug", "level_then", "target")) == [
        (DATA_SKILL, 1, 2),
        (SECURITY_SKILL, 1, 2),
    ]
    not_a_gap = skill(framework, "service-managers-skill-0")
    with pytest.raises(services.DevelopmentError, match="from your gaps"):
        services.plan_set_focus(plan=plan, user=alice.user, skill_ids=[not_a_gap.pk])
    with pytest.raises(services.DevelopmentError, match="up to 3"):
        services.plan_set_focus(plan=plan, user=alice.user, skill_ids=[1, 2, 3, 4])
    assert plan.focus.count() == 2


def test_dropping_a_focus_skill_drops_its_actions_and_keeps_the_others(plan, alice, framework):
    ready(plan, alice, DATA_SKILL, SECURITY_SKILL)
    services.plan_set_focus(
        plan=plan, user=alice.user, skill_ids=[skill(framework, SECURITY_SKILL).pk]
    )
    [focus] = plan.focus.all()
    assert (focus.skill.slug, focus.actions.count()) == (SECURITY_SKILL, 1)


def test_a_plan_needs_a_focus_skill_and_an_action_for_each_before_it_is_sent(
    plan, alice, framework
):
    with pytest.raises(services.DevelopmentError, match="at least one skill"):
        services.plan_submit(plan=plan, user=alice.user)
    services.plan_set_focus(plan=plan, user=alice.user, skill_ids=[skill(framework, DATA_SKILL).pk])
    with pytest.raises(services.DevelopmentError, match="Add at least one action for All staff"):
        services.plan_submit(plan=plan, user=alice.user)
    plan.refresh_from_db()
    assert plan.status == DevelopmentPlan.Status.DRAFT


def test_sending_the_plan_tells_the_line_manager_and_stops_changes(plan, alice, framework):
    mail.outbox.clear()
    sent(plan, alice)
    assert plan.status == DevelopmentPlan.Status.SUBMITTED
    [email] = mail.outbox
    assert email.to == ["mary@example.org"]
    assert f"/development/plans/{plan.pk}/" in email.body
    with pytest.raises(services.DevelopmentError, match="sent for agreement"):
        services.plan_set_focus(
            plan=plan, user=alice.user, skill_ids=[skill(framework, SECURITY_SKILL).pk]
        )


def test_the_line_manager_agrees_and_the_person_is_told(plan, alice, manager):
    sent(plan, alice)
    mail.outbox.clear()
    with committed():
        services.plan_decide(plan=plan, reviewer=manager.user, agree=True, comment="Good plan")
    plan.refresh_from_db()
    assert (plan.status, plan.decided_by, plan.reviewer_comment) == (
        DevelopmentPlan.Status.AGREED,
        manager.user,
        "Good plan",
    )
    [email] = mail.outbox
    assert email.to == ["alice@example.org"]
    assert email.subject == "Your development plan has been agreed"


def test_asking_for_changes_needs_a_comment_and_lets_the_person_edit_and_send_again(
    plan, alice, manager, framework
):
    sent(plan, alice)
    with pytest.raises(services.DevelopmentError, match="what you would like changed"):
        services.plan_decide(plan=plan, reviewer=manager.user, agree=False, comment=" ")
    with committed():
        services.plan_decide(
            plan=plan, reviewer=manager.user, agree=False, comment="Add security too"
        )
    plan.refresh_from_db()
    assert plan.status == DevelopmentPlan.Status.CHANGES_REQUESTED
    assert "Add security too" in mail.outbox[-1].body
    ready(plan, alice, DATA_SKILL, SECURITY_SKILL)
    services.plan_submit(plan=plan, user=alice.user)
    plan.refresh_from_db()
    assert plan.status == DevelopmentPlan.Status.SUBMITTED


def test_only_the_person_edits_their_plan(plan, alice, bob, manager, head, framework):
    data = skill(framework, DATA_SKILL)
    for user in (bob.user, manager.user, head):
        with pytest.raises(services.DevelopmentError, match="Only the person"):
            services.plan_set_focus(plan=plan, user=user, skill_ids=[data.pk])
        with pytest.raises(services.DevelopmentError, match="Only the person"):
            services.plan_submit(plan=plan, user=user)
    with pytest.raises(services.DevelopmentError, match="Only the person"):
        services.plan_start(assessment=plan.assessment, user=manager.user)
    assert not plan.focus.exists()


def test_only_their_line_manager_agrees_not_the_person_or_another_manager_or_a_head(
    plan, alice, bob, charlie, head
):
    sent(plan, alice)
    for user in (alice.user, bob.user, charlie.user, head):
        with pytest.raises(services.DevelopmentError, match="line manager"):
            services.plan_decide(plan=plan, reviewer=user, agree=True)
    plan.refresh_from_db()
    assert plan.status == DevelopmentPlan.Status.SUBMITTED


def test_a_head_of_digital_agrees_the_plan_of_someone_with_no_line_manager(
    client_for, open_cycle, alice, head
):
    StaffProfile.objects.filter(pk=alice.pk).update(line_manager=None)
    alice.refresh_from_db()
    plan = services.plan_start(assessment=submitted(open_cycle, alice, 1), user=alice.user)
    sent(plan, alice)
    page = client_for(head).get("/development/team/").content.decode()
    assert "Alice Adams's 2026 Q4 plan" in page
    response = client_for(head).post(f"/development/plans/{plan.pk}/", {"decision": "agree"})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert (plan.status, plan.decided_by) == (DevelopmentPlan.Status.AGREED, head)


def test_the_plan_pages_are_not_found_for_anyone_else(client_for, plan, alice, bob, charlie, head):
    ready(plan, alice)
    focus = plan.focus.get()
    action = focus.actions.get()
    urls = [
        f"/development/plans/{plan.pk}/",
        f"/development/plans/{plan.pk}/focus/",
        f"/development/plans/{plan.pk}/focus/{focus.pk}/actions/add/",
        f"/development/plans/{plan.pk}/actions/{action.pk}/remove/",
        f"/development/plans/{plan.pk}/actions/{action.pk}/done/",
        f"/development/plans/{plan.pk}/submit/",
    ]
    for person in (bob, charlie, head):
        client = client_for(person)
        for url in urls:
            assert client.get(url).status_code in (404, 405), url
            assert client.post(url, {"decision": "agree"}).status_code == 404, url
    assert client_for(bob).post(f"/development/plan/start/{plan.assessment_id}/").status_code == 404
    plan.refresh_from_db()
    assert (plan.status, focus.actions.count()) == (DevelopmentPlan.Status.DRAFT, 1)


def test_the_manager_sees_the_plan_but_cannot_edit_it(client_for, plan, alice, manager):
    ready(plan, alice)
    client = client_for(manager)
    assert "Shadow the data team" in client.get(f"/development/plans/{plan.pk}/").content.decode()
    assert client.get(f"/development/plans/{plan.pk}/focus/").status_code == 404
    assert client.post(f"/development/plans/{plan.pk}/submit/").status_code == 404
    # Nothing to decide on a draft: the post is refused.
    assert client.post(f"/development/plans/{plan.pk}/", {"decision": "agree"}).status_code == 404


def test_actions_can_be_marked_done_once_the_plan_is_agreed(client_for, plan, alice, manager):
    sent(plan, alice)
    services.plan_decide(plan=plan, reviewer=manager.user, agree=True)
    action = plan.focus.get().actions.get()
    client_for(alice).post(f"/development/plans/{plan.pk}/actions/{action.pk}/done/")
    action.refresh_from_db()
    assert action.done_on is not None
    removed = client_for(alice).post(f"/development/plans/{plan.pk}/actions/{action.pk}/remove/")
    assert removed.status_code == 302
    assert plan.focus.get().actions.exists()  # an agreed plan keeps its actions


def test_an_action_takes_a_resource_for_its_skill_and_a_date(client_for, plan, alice, framework):
    services.plan_set_focus(plan=plan, user=alice.user, skill_ids=[skill(framework, DATA_SKILL).pk])
    focus = plan.focus.get()
    LearningResource.objects.create(
        skill_slug=SECURITY_SKILL, level=2, title="Threats", url="https://example.org/t"
    )
    mine = LearningResource.objects.create(
        skill_slug=DATA_SKILL, level=2, title="Data basics", url="https://example.org/d"
    )
    url = f"/development/plans/{plan.pk}/focus/{focus.pk}/actions/add/"
    client = client_for(alice)
    page = client.get(url).content.decode()
    assert "Data basics" in page
    assert "Threats" not in page
    refused = client.post(url, {"task": "", "due_on_0": "", "due_on_1": "", "due_on_2": ""})
    text = refused.content.decode()
    assert "Describe what you will do, or choose a learning resource" in text
    assert "Enter the date you will do it by" in text
    added = client.post(
        url,
        {"resource": mine.pk, "task": "", "due_on_0": "31", "due_on_1": "3", "due_on_2": "2027"},
    )
    assert added.status_code == 302
    action = focus.actions.get()
    assert (action.resource, action.due_on) == (mine, DUE)


def test_the_next_cycle_shows_whether_each_focus_skill_moved(
    client_for, plan, alice, manager, framework
):
    ready(plan, alice, DATA_SKILL, SECURITY_SKILL)
    cycle = plan.assessment.cycle
    Cycle.objects.filter(pk=cycle.pk).update(state=Cycle.State.CLOSED)
    later = Cycle.objects.create(
        name="2027 Q1",
        opens_on=datetime.date(2027, 1, 4),
        closes_on=datetime.date(2027, 3, 19),
        framework=framework,
        state=Cycle.State.OPEN,
    )
    from assessments import services as assessment_services
    from tests.assessments.journey import level

    again = assessment_services.assessment_start(cycle=later, person=alice)
    assessment_services.assessment_save_answers(
        assessment=again,
        answers={
            skill(framework, DATA_SKILL).pk: assessment_services.Answer(level=level(framework, 3)),
            skill(framework, SECURITY_SKILL).pk: assessment_services.Answer(
                level=level(framework, 1)
            ),
        },
        based_on_revision=0,
    )
    with committed():
        assessment_services.assessment_submit(assessment=again)
    page = client_for(alice).get(f"/development/plans/{plan.pk}/").content.decode()
    assert "Moved up</strong> 2 levels, to 3 in 2027 Q1" in page
    assert "Not moved</strong> still 1 in 2027 Q1" in page


def test_the_plan_is_in_the_persons_data_and_its_words_go_when_they_are_anonymised(
    plan, alice, manager
):
    from personal_data.selectors import personal_data
    from personal_data.services import RETENTION, person_anonymise

    sent(plan, alice)
    services.plan_decide(plan=plan, reviewer=manager.user, agree=False, comment="Add a course")
    [held] = personal_data(alice.user)["development_plans"]
    assert held["reviewer_comment"] == "Add a course"
    assert held["focus_skills"][0]["actions"][0]["task"] == "Shadow the data team"

    assert person_anonymise(profile_id=alice.pk, by=None, reason=RETENTION)
    plan.refresh_from_db()
    assert plan.reviewer_comment == ""
    assert plan.focus.get().actions.get().task == ""
    assert plan.focus.get().level_then == 1  # levels stay, without the name
