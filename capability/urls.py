from django.urls import path

from capability import views

app_name = "capability"

urlpatterns = [
    path("", views.framework_view, name="framework"),
    path("expected/", views.expected_view, name="expected"),
    path("skills/<int:skill_id>/", views.skill_view, name="skill"),
    path("roles/", views.role_families_view, name="role_families"),
    path("roles/<int:role_id>/", views.role_level_view, name="role_level"),
    path("manage/", views.manage_view, name="manage"),
    path("manage/new-draft/", views.draft_create_view, name="draft_create"),
    path("manage/import/", views.import_json_view, name="import_json"),
    path("manage/import-ddat/", views.import_ddat_view, name="import_ddat"),
    path("manage/import-sfia/", views.import_sfia_view, name="import_sfia"),
    path("manage/<int:framework_id>/", views.version_view, name="version"),
    path("manage/<int:framework_id>/compare/", views.compare_view, name="compare"),
    path("manage/<int:framework_id>/publish/", views.publish_view, name="publish"),
    path("manage/<int:framework_id>/export/", views.export_view, name="export"),
    path("manage/<int:framework_id>/skills/add/", views.skill_add_view, name="skill_add"),
    path(
        "manage/<int:framework_id>/skills/<int:skill_id>/",
        views.skill_edit_view,
        name="skill_edit",
    ),
    path(
        "manage/<int:framework_id>/skills/<int:skill_id>/link/",
        views.skill_link_view,
        name="skill_link",
    ),
    path(
        "manage/<int:framework_id>/skills/import/",
        views.import_skills_view,
        name="import_skills",
    ),
    path(
        "manage/<int:framework_id>/roles/<int:role_id>/",
        views.role_targets_view,
        name="role_targets",
    ),
]
