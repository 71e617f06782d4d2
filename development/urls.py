from django.urls import URLPattern, path

from development import mandatory_views, plan_views, views

app_name = "development"

urlpatterns: list[URLPattern] = [
    path("resources/", views.resources, name="resources"),
    path("resources/add/", views.resource_add, name="resource_add"),
    path("resources/import/", views.resources_import, name="resources_import"),
    path("resources/<int:resource_id>/", views.resource_edit, name="resource_edit"),
    path("resources/<int:resource_id>/remove/", views.resource_delete, name="resource_delete"),
    path("plan/", plan_views.my_plans, name="my_plans"),
    path("plan/start/<int:assessment_id>/", plan_views.plan_start, name="plan_start"),
    path("plans/<int:plan_id>/", plan_views.plan, name="plan"),
    path("plans/<int:plan_id>/focus/", plan_views.plan_focus, name="plan_focus"),
    path(
        "plans/<int:plan_id>/focus/<int:focus_id>/actions/add/",
        plan_views.plan_action_add,
        name="plan_action_add",
    ),
    path(
        "plans/<int:plan_id>/actions/<int:action_id>/remove/",
        plan_views.plan_action_remove,
        name="plan_action_remove",
    ),
    path(
        "plans/<int:plan_id>/actions/<int:action_id>/done/",
        plan_views.plan_action_done,
        name="plan_action_done",
    ),
    path("plans/<int:plan_id>/submit/", plan_views.plan_submit, name="plan_submit"),
    path("team/", plan_views.team_plans, name="team_plans"),
    path("figures/", views.development_figures, name="figures"),
    path("mandatory/", mandatory_views.mandatory, name="mandatory"),
    path(
        "mandatory/<int:resource_id>/done/",
        mandatory_views.mandatory_done,
        name="mandatory_done",
    ),
    path("mandatory/manage/", mandatory_views.mandatory_manage, name="mandatory_manage"),
    path(
        "mandatory/manage/<int:assignment_id>/remove/",
        mandatory_views.mandatory_remove,
        name="mandatory_remove",
    ),
]
