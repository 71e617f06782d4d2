from django.urls import path

from people import views

app_name = "people"

urlpatterns = [
    path("import/", views.people_import_view, name="import"),
    path("import/<int:import_id>/", views.people_import_preview, name="import_preview"),
    path("import/<int:import_id>/cancel/", views.people_import_cancel, name="import_cancel"),
    path("import/<int:import_id>/undo/", views.people_import_undo, name="import_undo"),
]
