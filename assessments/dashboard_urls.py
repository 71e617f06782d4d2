from django.urls import URLPattern, path

from assessments import dashboard_views

urlpatterns: list[URLPattern] = [
    path(
        "dashboards/organisation/",
        dashboard_views.organisation_dashboard,
        name="organisation_dashboard",
    ),
    path(
        "dashboards/organisation/teams/<int:team_id>/",
        dashboard_views.organisation_team,
        name="organisation_team",
    ),
    path(
        "dashboards/organisation/skills/<int:skill_id>/",
        dashboard_views.organisation_skill,
        name="organisation_skill",
    ),
    path("dashboards/team/", dashboard_views.team_dashboard, name="team_dashboard"),
    path(
        "dashboards/team/<int:manager_id>/",
        dashboard_views.team_dashboard,
        name="team_dashboard_for",
    ),
]
