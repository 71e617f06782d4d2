from django.urls import URLPattern, path

from assessments.views import dashboards

urlpatterns: list[URLPattern] = [
    path(
        "dashboards/organisation/",
        dashboards.organisation_dashboard,
        name="organisation_dashboard",
    ),
    path(
        "dashboards/organisation/teams/<int:team_id>/",
        dashboards.organisation_team,
        name="organisation_team",
    ),
    path(
        "dashboards/organisation/skills/<int:skill_id>/",
        dashboards.organisation_skill,
        name="organisation_skill",
    ),
    path("dashboards/team/", dashboards.team_dashboard, name="team_dashboard"),
    path(
        "dashboards/team/<int:manager_id>/",
        dashboards.team_dashboard,
        name="team_dashboard_for",
    ),
]
