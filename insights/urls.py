from django.urls import URLPattern, path

from insights.views import completion, dashboards

app_name = "insights"

urlpatterns: list[URLPattern] = [
    path(
        "cycles/<int:cycle_id>/completion/",
        completion.cycle_completion,
        name="cycle_completion",
    ),
    path(
        "dashboards/organisation/",
        dashboards.organisation_dashboard,
        name="organisation_dashboard",
    ),
    path(
        "dashboards/organisation/trends/",
        dashboards.organisation_trends,
        name="organisation_trends",
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
