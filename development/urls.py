from django.urls import URLPattern, path

from development import views

app_name = "development"

urlpatterns: list[URLPattern] = [
    path("resources/", views.resources, name="resources"),
    path("resources/add/", views.resource_add, name="resource_add"),
    path("resources/import/", views.resources_import, name="resources_import"),
    path("resources/<int:resource_id>/", views.resource_edit, name="resource_edit"),
    path("resources/<int:resource_id>/remove/", views.resource_delete, name="resource_delete"),
]
